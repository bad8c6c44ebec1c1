/**
 * (H) The most streams one process holds: idle streams (default settings, heartbeat on) opened in steps up to what the
 * server's file-descriptor limit allows, for raw node:http (headers + one comment frame), ssekit sessions and the
 * ssekit hub. At each step: RSS and JS heap + external per stream (growth over a warmed-up state, after full GCs),
 * and one broadcast delivered and verified on every stream (first to last receipt). At the largest step: server CPU
 * per second of idle time (heartbeats). Client sockets are spread over several client processes and loopback source
 * addresses (127.0.0.2…), so neither a client's fd limit nor one address's ephemeral ports caps the count.
 *
 *   npx tsx --conditions=@ssekit/source bench/streams/run.ts [--quick] [--out DIR]
 *
 * Writes `streams.json` and `streams.md` into bench/results/ (or DIR). `runStreams()` is the same, callable from
 * bench/run.ts (`--parts H`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_HEARTBEAT_MS } from '@ssekit/server';
import { bundleChildren } from '../lib/bundle.ts';
import { type Fleet, startFleet } from '../lib/fleet.ts';
import { machineInfo, packageVersions } from '../lib/machine.ts';
import { BENCH_DIR } from '../lib/proc.ts';
import { MEMORY_BASELINE } from '../lib/servers/index.ts';
import { rotate } from '../lib/stats.ts';
import { type DeliveryReport, verifyDeliveries } from '../lib/verify.ts';

export interface StreamsOptions {
  quick: boolean;
  /** Implementations, the baseline (`raw-comment`) first. */
  impls?: string[];
  /** Stream counts to measure at (streams added over the warm-up); default from the fd limit. */
  steps?: number[];
  log: (line: string) => void;
}

/** One implementation at one step. */
export interface StreamsStep {
  streams: number;
  /** RSS growth per stream (B). */
  rss: number;
  /** JS heap + external growth per stream (B). */
  heap: number;
  /** First to last receipt of one broadcast over every stream (ms). */
  spreadMs: number;
  /** Send to last receipt (ms). */
  lastMs: number;
}

export interface StreamsImpl {
  impl: string;
  steps: StreamsStep[];
  /** Server CPU per second of idle time at the largest step (ms CPU per s), and the window it was measured over. */
  idleCpuMsPerS: number;
  idleWindowMs: number;
  /** Seconds the implementation's whole run took. */
  seconds: number;
}

export interface StreamsTarget {
  impl: string;
  metric: 'rss' | 'heap';
  streams: number;
  ratio: number;
  maxRatio: number;
  met: boolean;
}

export interface StreamsResult {
  date: string;
  command: string;
  quick: boolean;
  node: string;
  machine: ReturnType<typeof machineInfo>;
  packages: Record<string, string>;
  /** The server's (and each client's) fd limit, and what the kernel allows. */
  limits: { nofileHard: number; fileMax: number; tcpRmem: string; tcpWmem: string; ephemeralPorts: string };
  warm: number;
  clientProcesses: number;
  localAddresses: string[];
  heartbeatMs: number;
  baseline: string;
  results: StreamsImpl[];
  targets: StreamsTarget[];
  method: string;
}

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

const WARM = 100;
/** Fds the server keeps for itself (listen socket, IPC, stdio, libuv) below its hard limit. */
const FD_MARGIN = 200;
const MAX_RATIO = 1.2;

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().replace(/\s+/g, ' ');
  } catch {
    return 'unknown';
  }
}

/** The hard fd limit children get (they raise the soft one to it, capped at 65,536 by bench/lib/proc.ts). */
function hardNofile(): number {
  const out = execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
  return out === 'unlimited' ? 65_536 : Math.min(65_536, Number(out));
}

/** Steps: 1,000, 5,000, then every 5,000 up to the largest count the server's fd limit leaves room for. */
export function defaultSteps(nofile: number, quick: boolean): number[] {
  const largest = Math.floor((nofile - FD_MARGIN - WARM) / 1000) * 1000;
  if (quick) return [1000, Math.min(5000, largest)];
  const steps = [1000, 5000];
  for (let s = 10_000; s < largest; s += 5000) steps.push(s);
  if (largest > 5000) steps.push(largest);
  return steps;
}

async function broadcastOnce(fleet: Fleet, label: string, streams: number, seq: number) {
  await Promise.all(fleet.clients.map((c) => c.request('arm', { events: 1 })));
  const sent = await fleet.server.request<{ sentUs: number }>('broadcastOne', { seq }, 30_000);
  const reports = await Promise.all(
    fleet.clients.map((c) =>
      c.request<DeliveryReport & { firstDoneUs: number; lastDoneUs: number }>('await', { timeoutMs: 30_000 }, 35_000),
    ),
  );
  verifyDeliveries(label, reports, { connections: WARM + streams, events: 1, firstSeq: seq });
  const first = Math.min(...reports.map((r) => r.firstDoneUs));
  const last = Math.max(...reports.map((r) => r.lastDoneUs));
  return { spreadMs: (last - first) / 1000, lastMs: (last - sent.sentUs) / 1000 };
}

async function measureImpl(
  impl: string,
  steps: number[],
  clients: number,
  localAddresses: string[],
  idleMs: number,
  log: (line: string) => void,
): Promise<StreamsImpl> {
  const t0 = Date.now();
  const fleet = await startFleet({
    impl,
    connections: WARM,
    clientProcesses: clients,
    exposeGc: true,
    localAddresses,
    lifetimeMs: 400_000,
    concurrency: 200,
    // ssekit refuses streams past `limits.maxStreams` (default 10,000, with 503 + Retry-After): raised to the largest step
    maxStreams: WARM + (steps[steps.length - 1] as number),
  });
  try {
    const before = await fleet.server.request<Memory>('memory', {}, 60_000);
    const out: StreamsStep[] = [];
    let open = 0;
    let seq = 0;
    for (const streams of steps) {
      await fleet.addConnections(streams - open);
      open = streams;
      const after = await fleet.server.request<Memory>('memory', {}, 60_000);
      const rss = (after.rss - before.rss) / streams;
      const heap = (after.heapUsed + after.external - before.heapUsed - before.external) / streams;
      const delivery = await broadcastOnce(fleet, `streams ${impl} ${streams}`, streams, seq++);
      out.push({ streams, rss, heap, ...delivery });
      log(
        `  streams ${impl} ${streams}: ${(rss / 1024).toFixed(2)} KiB RSS/stream, ${(heap / 1024).toFixed(2)} KiB heap/stream, ` +
          `broadcast first→last ${delivery.spreadMs.toFixed(0)} ms (send→last ${delivery.lastMs.toFixed(0)} ms)`,
      );
    }
    const idle = await fleet.server.request<{ cpuUs: number; wallMs: number }>(
      'idleCpu',
      { ms: idleMs },
      idleMs + 30_000,
    );
    const idleCpuMsPerS = idle.cpuUs / 1000 / (idle.wallMs / 1000);
    log(
      `  streams ${impl} idle at ${open}: ${idleCpuMsPerS.toFixed(2)} ms CPU/s over ${(idle.wallMs / 1000).toFixed(1)} s`,
    );
    return { impl, steps: out, idleCpuMsPerS, idleWindowMs: idle.wallMs, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await fleet.stop();
  }
}

/** Runs part H: every implementation (one fleet each, in turn) through every step. */
export async function runStreams(
  options: StreamsOptions,
  command = 'npm run bench -- --parts H',
): Promise<StreamsResult> {
  const impls = options.impls ?? [MEMORY_BASELINE, 'ssekit', 'ssekit-hub'];
  const nofile = hardNofile();
  const steps = options.steps ?? defaultSteps(nofile, options.quick);
  const largest = steps[steps.length - 1] as number;
  // one client process per 5,000 streams (each has its own fd limit), two source addresses each
  const clients = Math.max(2, Math.ceil((WARM + largest) / 5000));
  const localAddresses = Array.from({ length: clients * 2 }, (_, i) => `127.0.0.${i + 2}`);
  // a whole heartbeat period, so every idle stream gets its heartbeat once in the window
  const idleMs = options.quick ? 4000 : DEFAULT_HEARTBEAT_MS;
  const results: StreamsImpl[] = [];
  for (const impl of rotate(impls, 0)) {
    results.push(await measureImpl(impl, steps, clients, localAddresses, idleMs, options.log));
  }
  const base = results.find((r) => r.impl === MEMORY_BASELINE);
  const targets: StreamsTarget[] = [];
  for (const r of results) {
    if (!base || r.impl === MEMORY_BASELINE || !r.impl.startsWith('ssekit')) continue;
    for (const streams of [...new Set([5000, largest])]) {
      const mine = r.steps.find((s) => s.streams === streams);
      const theirs = base.steps.find((s) => s.streams === streams);
      if (!mine || !theirs) continue;
      for (const metric of ['rss', 'heap'] as const) {
        const ratio = mine[metric] / theirs[metric];
        targets.push({ impl: r.impl, metric, streams, ratio, maxRatio: MAX_RATIO, met: ratio <= MAX_RATIO });
      }
    }
  }
  return {
    date: new Date().toISOString(),
    command,
    quick: options.quick,
    node: process.version,
    machine: machineInfo(),
    packages: packageVersions(),
    limits: {
      nofileHard: nofile,
      fileMax: Number(readText('/proc/sys/fs/file-max')),
      tcpRmem: readText('/proc/sys/net/ipv4/tcp_rmem'),
      tcpWmem: readText('/proc/sys/net/ipv4/tcp_wmem'),
      ephemeralPorts: readText('/proc/sys/net/ipv4/ip_local_port_range'),
    },
    warm: WARM,
    clientProcesses: clients,
    localAddresses,
    heartbeatMs: DEFAULT_HEARTBEAT_MS,
    baseline: MEMORY_BASELINE,
    results,
    targets,
    method:
      `One server child (--expose-gc) per implementation, ${clients} client children (eventsource-parser) with their ` +
      `sockets spread over ${localAddresses.length} loopback source addresses. ${WARM} streams first (warm-up), full ` +
      'GCs, process.memoryUsage(); then streams are added up to each step, full GCs, measured again: growth / streams ' +
      'added. At each step one tick is broadcast and verified on every stream (count, seq, checksum); its spread is ' +
      'the first to the last receipt over all client processes (one monotonic clock). At the largest step, server ' +
      `CPU (process.cpuUsage) over ${idleMs / 1000} s of idle time. One run per implementation (a fleet of this size ` +
      "takes a minute to open); part B repeats the 5,000-stream memory figure 5 times. Every library's defaults, but " +
      "ssekit's limits.maxStreams (default 10,000, past which it answers 503) is raised to the largest step: " +
      `ssekit's heartbeat is on (a comment after ${DEFAULT_HEARTBEAT_MS / 1000} s of silence, one shared timer); ` +
      'raw-comment sends no heartbeat.',
  };
}

const kib = (b: number) => `${(b / 1024).toFixed(2)} KiB`;

/** The markdown of a result: one table per step, targets, idle CPU and limits. */
export function streamsMarkdown(result: StreamsResult): string {
  const base = result.results.find((r) => r.impl === result.baseline);
  const out = [
    '## H. Streams per process',
    '',
    `Measured ${result.date} with \`${result.command}\`: ${result.machine.cpuModel}, ${result.machine.cores} cores, Node ${result.node}, load average at start ${result.machine.loadAverage?.map((l) => l.toFixed(2)).join(' ') ?? '?'} (shared machine). fd hard limit ${result.limits.nofileHard} per process.`,
    '',
    `Idle streams, ratio to \`${result.baseline}\` (node:http writing its headers and one comment frame) at the same step.`,
    '',
    '| streams | implementation | RSS / stream | ratio | heap+ext / stream | ratio | broadcast first→last | send→last |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const steps = base?.steps.map((s) => s.streams) ?? result.results[0]?.steps.map((s) => s.streams) ?? [];
  for (const streams of steps) {
    const b = base?.steps.find((s) => s.streams === streams);
    for (const r of result.results) {
      const s = r.steps.find((x) => x.streams === streams);
      if (!s) continue;
      const ratio = (mine: number, theirs: number | undefined) => (theirs ? `${(mine / theirs).toFixed(2)}×` : '–');
      out.push(
        `| ${streams.toLocaleString('en-US')} | ${r.impl} | ${kib(s.rss)} | ${ratio(s.rss, b?.rss)} | ${kib(s.heap)} | ${ratio(s.heap, b?.heap)} | ${s.spreadMs.toFixed(0)} ms | ${s.lastMs.toFixed(0)} ms |`,
      );
    }
  }
  out.push(
    '',
    '**Targets** (issue 17: per-stream memory ≤ 1.2× the baseline at 5,000 streams and at the largest step)',
    '',
  );
  out.push('| implementation | metric | streams | ratio | target |', '| --- | --- | ---: | ---: | --- |');
  for (const t of result.targets) {
    out.push(
      `| ${t.impl} | ${t.metric === 'rss' ? 'RSS' : 'heap + external'} | ${t.streams.toLocaleString('en-US')} | ${t.ratio.toFixed(2)}× | ≤ ${t.maxRatio}× ${t.met ? '✅ met' : '❌ missed'} |`,
    );
  }
  out.push('', '**Idle CPU at the largest step** (server, heartbeats included)', '');
  out.push(
    '| implementation | streams | CPU per second | per stream | window |',
    '| --- | ---: | ---: | ---: | ---: |',
  );
  for (const r of result.results) {
    const streams = r.steps[r.steps.length - 1]?.streams ?? 0;
    out.push(
      `| ${r.impl} | ${streams.toLocaleString('en-US')} | ${r.idleCpuMsPerS.toFixed(2)} ms/s | ${((r.idleCpuMsPerS * 1000) / Math.max(1, streams)).toFixed(3)} µs/s | ${(r.idleWindowMs / 1000).toFixed(1)} s |`,
    );
  }
  out.push(
    '',
    `Kernel: fs.file-max ${result.limits.fileMax}, tcp_rmem ${result.limits.tcpRmem}, tcp_wmem ${result.limits.tcpWmem}, ephemeral ports ${result.limits.ephemeralPorts}.`,
    '',
    `> ${result.method}`,
    '',
  );
  return out.join('\n');
}

/** Measures, prints and writes `streams.json` and `streams.md` into `outDir`. */
export async function runStreamsPart(
  options: StreamsOptions & { outDir: string; command?: string },
): Promise<StreamsResult> {
  const result = await runStreams(options, options.command);
  const md = streamsMarkdown(result);
  options.log(md);
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, 'streams.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(options.outDir, 'streams.md'), md);
  return result;
}

if (process.argv[1]?.endsWith(join('streams', 'run.ts'))) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      steps: { type: 'string' },
      impls: { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  await bundleChildren();
  await runStreamsPart({
    quick,
    log: (line) => console.log(line),
    outDir: values.out ?? join(BENCH_DIR, 'results', quick ? 'quick' : ''),
    command: `npx tsx --conditions=@ssekit/source bench/streams/run.ts${process.argv
      .slice(2)
      .map((a) => ` ${a}`)
      .join('')}`,
    ...(values.steps ? { steps: values.steps.split(',').map(Number) } : {}),
    ...(values.impls ? { impls: values.impls.split(',') } : {}),
  });
}
