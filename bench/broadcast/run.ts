/**
 * Broadcast benchmark: ssekit's typed, validated `hub.publish` against a raw node:http server writing one preformatted,
 * pre-encoded frame to every response, in the same run.
 *
 *   npx tsx --conditions=@ssekit/source bench/broadcast/run.ts [--quick]
 *
 * 1. CPU: N = 1000 connections (clients in two separate processes, loopback). Rounds of 10 events, published either one
 *    per event-loop turn (`turn`) or all ten in one turn (`burst`); each round starts once every client has every
 *    event of the one before. Server CPU (`process.cpuUsage` of the server process, user + system) over the rounds,
 *    divided by the events delivered (N × 10 × rounds). Fresh processes per trial; implementations interleaved
 *    (order rotated per repetition); ratios ssekit/raw paired per repetition; medians of ≥ 5 repetitions.
 * 2. Idle memory per connection: 5,000 idle connections; the server's RSS and heap after GC (`--expose-gc`) minus the
 *    same before any connection, divided by the connections; ratio paired per repetition.
 * 3. Redis cross-instance latency: instance B publishes at a sustainable rate, a client on instance A receives;
 *    publish→receive p50/p99 (both processes read one clock).
 *
 * Every trial checks that each connection got every event, in order, once (a failed check fails the run). Children exit
 * by themselves within 60 s; the run has a deadline too. Prints a table and writes bench/results/broadcast.json
 * (`--quick`: bench/results/quick/broadcast.json). `runBroadcast()` is the same, callable from bench/run.ts.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import type { Impl, Reply, Request, Verdict } from './protocol.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(dirname(HERE), 'results');
/** Children run as plain node from one esbuild bundle each (see {@link bundleChildren}). */
const EXEC_ARGV = ['--expose-gc'];
const BUNDLE_DIR = join(dirname(HERE), 'node_modules', '.cache', 'ssekit-bench-broadcast');

/**
 * Bundles the server and client children: ssekit's workspace sources included (through the `@ssekit/source`
 * condition), third-party packages external (loaded from node_modules as an application would). No `keepNames`: like
 * `tsc` output, and unlike running sources through tsx, whose esbuild `keepNames` gives every closure created at run
 * time an own `name` property (a dictionary backing store of ~256 B each), which would inflate per-connection memory.
 */
export async function bundleChildren(): Promise<void> {
  await build({
    entryPoints: {
      'server-process': join(HERE, 'server-process.ts'),
      'client-process': join(HERE, 'client-process.ts'),
    },
    outdir: BUNDLE_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@ssekit/source'],
    logLevel: 'warning',
    plugins: [
      {
        name: 'third-party-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@ssekit/') || args.path.startsWith('node:') ? undefined : { external: true },
          );
        },
      },
    ],
  });
}
type Body = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Options of {@link runBroadcast}. */
export interface BroadcastBenchOptions {
  quick?: boolean;
  /** Connections of the CPU part. Default 1000 (quick 200). */
  connections?: number;
  /** Rounds of 10 events per mode and trial. Default 20 (quick 5). */
  rounds?: number;
  /** Repetitions of the CPU and memory parts. Default 5 (quick 1). */
  repetitions?: number;
  /** Idle connections of the memory part. Default 5000 (quick 1000). */
  memoryConnections?: number;
  /** Redis part: events and rate. Default 3000 at 500/s (quick 500 at 500/s). `redis: false` skips it. */
  redisEvents?: number;
  redisPerSecond?: number;
  redis?: string | false;
  log?: (line: string) => void;
}

export interface CpuResult {
  mode: 'turn' | 'burst';
  /** Server CPU µs per delivered event, per repetition. */
  raw: number[];
  ssekit: number[];
  /** ssekit / raw, paired per repetition. */
  ratios: number[];
  medianRaw: number;
  medianSsekit: number;
  medianRatio: number;
}

export interface MemoryResult {
  connections: number;
  /** Bytes per connection, per repetition. */
  rawRss: number[];
  ssekitRss: number[];
  rawHeap: number[];
  ssekitHeap: number[];
  rssRatios: number[];
  heapRatios: number[];
  medianRssRatio: number;
  medianHeapRatio: number;
  medianRawRss: number;
  medianSsekitRss: number;
  medianRawHeap: number;
  medianSsekitHeap: number;
}

export interface RedisLatencyResult {
  events: number;
  perSecond: number;
  connections: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface BroadcastBenchResult {
  name: 'broadcast';
  date: string;
  node: string;
  cpus: string;
  command: string;
  connections: number;
  rounds: number;
  eventsPerRound: number;
  repetitions: number;
  cpu: CpuResult[];
  memory: MemoryResult;
  redis: RedisLatencyResult | { skipped: string };
  verified: true;
}

class Child {
  readonly #process: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #next = 1;
  readonly ready: Promise<unknown>;

  constructor(
    readonly label: string,
    script: string,
    args: string[] = [],
  ) {
    // BENCH_CPU_PROF=<dir>: a V8 CPU profile of every server process (summarize with bench/lib/profile-top.ts).
    const dir = process.env.BENCH_CPU_PROF;
    const profile = dir && script.startsWith('server') ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
    this.#process = fork(join(BUNDLE_DIR, script.replace(/\.ts$/, '.mjs')), args, {
      execArgv: [...EXEC_ARGV, ...profile],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => this.#pending.set(0, { resolve, reject }));
    this.#process.on('message', (reply: Reply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new Error(`${label}: ${reply.error}`));
    });
    this.#process.on('exit', (code) => {
      for (const { reject } of this.#pending.values()) reject(new Error(`${label} exited (${code})`));
      this.#pending.clear();
    });
  }

  request<T>(body: Body): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#process.send({ ...body, id });
    });
  }

  async stop(): Promise<void> {
    if (this.#process.exitCode !== null || this.#process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.#process.once('exit', () => resolve()));
    // Ask first (a clean exit writes the CPU profile), then insist.
    this.request({ cmd: 'exit' }).catch(() => {});
    const term = setTimeout(() => this.#process.kill('SIGTERM'), 3000);
    const kill = setTimeout(() => this.#process.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(term);
    clearTimeout(kill);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

async function startServer(impl: Impl, extra: string[] = []): Promise<{ server: Child; port: number }> {
  const server = new Child(`server ${impl}`, 'server-process.ts', ['--impl', impl, ...extra]);
  const { port } = (await server.ready) as { port: number };
  return { server, port };
}

async function startClients(count: number, port: number, connections: number): Promise<Child[]> {
  const clients = Array.from({ length: count }, (_, i) => new Child(`client ${i}`, 'client-process.ts'));
  await Promise.all(clients.map((c) => c.ready));
  const per = Math.ceil(connections / count);
  await Promise.all(
    clients.map((c, i) => c.request({ cmd: 'open', port, count: Math.max(0, Math.min(per, connections - i * per)) })),
  );
  return clients;
}

async function waitForStreams(server: Child, count: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { streams } = await server.request<{ streams: number }>({ cmd: 'streams' });
    if (streams >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server never counted ${count} streams`);
}

async function awaitAll(clients: Child[], seq: number, connections: number, what: string): Promise<void> {
  const verdicts = await Promise.all(clients.map((c) => c.request<Verdict>({ cmd: 'await', seq, timeoutMs: 20_000 })));
  const complete = verdicts.reduce((sum, v) => sum + v.complete, 0);
  const anomalies = verdicts.reduce((sum, v) => sum + v.anomalies, 0);
  if (complete !== connections || anomalies !== 0) {
    throw new Error(
      `${what}: verification failed through seq ${seq}: ${complete}/${connections} complete, ${anomalies} out of order or twice`,
    );
  }
}

export async function cpuTrial(impl: Impl, connections: number, rounds: number, modes: ('turn' | 'burst')[]) {
  const { server, port } = await startServer(impl);
  const clients = await startClients(2, port, connections).catch(async (error) => {
    await server.stop();
    throw error;
  });
  try {
    await waitForStreams(server, connections);
    let seq = 0;
    const round = async (mode: 'turn' | 'burst') => {
      await server.request({ cmd: 'publish', fromSeq: seq, count: 10, mode });
      seq += 10;
      await awaitAll(clients, seq - 1, connections, `${impl} ${mode}`);
    };
    for (let i = 0; i < 5; i++) await round('turn'); // warm-up: JIT, buffers
    const out: Partial<Record<'turn' | 'burst', number>> = {};
    for (const mode of modes) {
      const before = await server.request<number>({ cmd: 'cpu' });
      for (let i = 0; i < rounds; i++) await round(mode);
      const after = await server.request<number>({ cmd: 'cpu' });
      out[mode] = (after - before) / (connections * 10 * rounds);
    }
    return out as Record<'turn' | 'burst', number>;
  } finally {
    await Promise.all([...clients.map((c) => c.stop()), server.stop()]);
  }
}

export async function memoryTrial(impl: Impl, connections: number) {
  const { server, port } = await startServer(impl);
  let clients: Child[] = [];
  try {
    const before = await server.request<{ rss: number; heapUsed: number; gc: boolean }>({ cmd: 'memory' });
    if (!before.gc) throw new Error('the server has no gc(): --expose-gc missing');
    clients = await startClients(4, port, connections);
    await waitForStreams(server, connections);
    // One event through every stream: sessions fully set up, as in real use, and every connection checked.
    await server.request({ cmd: 'publish', fromSeq: 0, count: 1, mode: 'turn' });
    await awaitAll(clients, 0, connections, `${impl} memory`);
    const after = await server.request<{ rss: number; heapUsed: number }>({ cmd: 'memory' });
    return { rss: (after.rss - before.rss) / connections, heap: (after.heapUsed - before.heapUsed) / connections };
  } finally {
    await Promise.all([...clients.map((c) => c.stop()), server.stop()]);
  }
}

async function redisLatency(url: string, events: number, perSecond: number): Promise<RedisLatencyResult> {
  const prefix = `ssekit-bench:${process.pid}:${Date.now().toString(36)}`;
  const a = await startServer('ssekit-redis', ['--prefix', prefix, '--redis', url]);
  const b = await startServer('ssekit-redis', ['--prefix', prefix, '--redis', url]);
  const connections = 10;
  let clients: Child[] = [];
  try {
    clients = await startClients(1, a.port, connections);
    await waitForStreams(a.server, connections);
    // Warm-up from B: once every connection has it, the cross-instance path is live.
    await b.server.request({ cmd: 'paced', fromSeq: 0, count: 50, perSecond });
    await awaitAll(clients, 49, connections, 'redis warm-up');
    await clients[0]?.request({ cmd: 'latencies' });
    await b.server.request({ cmd: 'paced', fromSeq: 50, count: events, perSecond });
    await awaitAll(clients, 50 + events - 1, connections, 'redis latency');
    const samples = ((await clients[0]?.request<number[]>({ cmd: 'latencies' })) ?? []).sort((x, y) => x - y);
    return {
      events,
      perSecond,
      connections,
      p50Ms: percentile(samples, 50),
      p99Ms: percentile(samples, 99),
      maxMs: samples.at(-1) ?? 0,
    };
  } finally {
    await Promise.all([...clients.map((c) => c.stop()), a.server.stop(), b.server.stop()]);
    const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
    redis.on('error', () => {});
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}

function checkFileLimit(needed: number, log: (line: string) => void): void {
  try {
    const limit = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
    if (Number.isFinite(limit) && limit < needed) {
      log(`ulimit -n is ${limit}: raise it to ≥ ${needed} (e.g. \`ulimit -n 12000\`) for the memory part`);
      throw new Error(`open-file limit ${limit} < ${needed}`);
    }
  } catch (error) {
    if ((error as Error).message.startsWith('open-file limit')) throw error;
  }
}

/** Runs the broadcast benchmark; resolves with what it writes to bench/results/broadcast.json. */
export async function runBroadcast(options: BroadcastBenchOptions = {}): Promise<BroadcastBenchResult> {
  await bundleChildren();
  const quick = options.quick ?? false;
  const log = options.log ?? ((line: string) => console.log(line));
  const connections = options.connections ?? (quick ? 200 : 1000);
  const rounds = options.rounds ?? (quick ? 5 : 20);
  const repetitions = options.repetitions ?? (quick ? 1 : 5);
  const memoryConnections = options.memoryConnections ?? (quick ? 1000 : 5000);
  // Each connection holds a socket on both ends, all in this machine's fd table.
  checkFileLimit(Math.ceil(memoryConnections * 1.2) + 200, log);

  const impls: Impl[] = ['raw', 'ssekit'];
  const cpu: Record<'turn' | 'burst', Record<'raw' | 'ssekit', number[]>> = {
    turn: { raw: [], ssekit: [] },
    burst: { raw: [], ssekit: [] },
  };
  for (let rep = 0; rep < repetitions; rep++) {
    const order = rep % 2 ? [...impls].reverse() : impls;
    const modes: ('turn' | 'burst')[] = rep % 2 ? ['burst', 'turn'] : ['turn', 'burst'];
    for (const impl of order) {
      const result = await cpuTrial(impl, connections, rounds, modes);
      for (const mode of modes) cpu[mode][impl as 'raw' | 'ssekit'].push(result[mode]);
      log(
        `  cpu rep ${rep + 1}/${repetitions} ${impl}: turn ${result.turn.toFixed(3)} µs, burst ${result.burst.toFixed(3)} µs per event`,
      );
    }
  }
  const cpuResults: CpuResult[] = (['turn', 'burst'] as const).map((mode) => {
    const { raw, ssekit } = cpu[mode];
    const ratios = ssekit.map((s, i) => s / (raw[i] as number));
    return {
      mode,
      raw,
      ssekit,
      ratios,
      medianRaw: median(raw),
      medianSsekit: median(ssekit),
      medianRatio: median(ratios),
    };
  });

  const mem = {
    rawRss: [] as number[],
    ssekitRss: [] as number[],
    rawHeap: [] as number[],
    ssekitHeap: [] as number[],
  };
  for (let rep = 0; rep < repetitions; rep++) {
    for (const impl of rep % 2 ? [...impls].reverse() : impls) {
      const { rss, heap } = await memoryTrial(impl, memoryConnections);
      (impl === 'raw' ? mem.rawRss : mem.ssekitRss).push(rss);
      (impl === 'raw' ? mem.rawHeap : mem.ssekitHeap).push(heap);
      log(
        `  memory rep ${rep + 1}/${repetitions} ${impl}: ${(rss / 1024).toFixed(2)} KiB RSS, ${(heap / 1024).toFixed(2)} KiB heap per connection`,
      );
    }
  }
  const rssRatios = mem.ssekitRss.map((s, i) => s / (mem.rawRss[i] as number));
  const heapRatios = mem.ssekitHeap.map((s, i) => s / (mem.rawHeap[i] as number));
  const memory: MemoryResult = {
    connections: memoryConnections,
    ...mem,
    rssRatios,
    heapRatios,
    medianRssRatio: median(rssRatios),
    medianHeapRatio: median(heapRatios),
    medianRawRss: median(mem.rawRss),
    medianSsekitRss: median(mem.ssekitRss),
    medianRawHeap: median(mem.rawHeap),
    medianSsekitHeap: median(mem.ssekitHeap),
  };

  let redis: BroadcastBenchResult['redis'];
  if (options.redis === false) redis = { skipped: 'disabled' };
  else {
    const url = options.redis ?? 'redis://127.0.0.1:6379';
    try {
      redis = await redisLatency(url, options.redisEvents ?? (quick ? 500 : 3000), options.redisPerSecond ?? 500);
    } catch (error) {
      if (!/ECONNREFUSED|cannot connect/i.test(String(error))) throw error;
      redis = { skipped: `Redis unreachable at ${url}` };
      log(`  redis part skipped: ${redis.skipped}`);
    }
  }

  return {
    name: 'broadcast',
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    command: `npx tsx --conditions=@ssekit/source bench/broadcast/run.ts${quick ? ' --quick' : ''}`,
    connections,
    rounds,
    eventsPerRound: 10,
    repetitions,
    cpu: cpuResults,
    memory,
    redis,
    verified: true,
  };
}

/** The result as a plain-text table. */
export function formatBroadcast(result: BroadcastBenchResult): string {
  const lines = [
    `broadcast — N=${result.connections}, ${result.rounds} rounds × 10 events, ${result.repetitions} reps (${result.node}, ${result.cpus})`,
    '',
    'server CPU per delivered event        raw µs   ssekit µs   ssekit/raw (median of paired)   target',
    ...result.cpu.map(
      (c) =>
        `  ${c.mode === 'turn' ? 'one publish per event-loop turn' : 'bursts of 10 in one turn      '}    ${c.medianRaw.toFixed(3).padStart(6)}   ${c.medianSsekit.toFixed(3).padStart(9)}   ${c.medianRatio.toFixed(3).padStart(10)}×  [${c.ratios.map((r) => r.toFixed(2)).join(' ')}]   ≤ 1.10×`,
    ),
    '',
    `idle memory per connection (${result.memory.connections} connections, after GC)`,
    `  RSS   raw ${(result.memory.medianRawRss / 1024).toFixed(2)} KiB   ssekit ${(result.memory.medianSsekitRss / 1024).toFixed(2)} KiB   ratio ${result.memory.medianRssRatio.toFixed(3)}×   target ≤ 1.2×`,
    `  heap  raw ${(result.memory.medianRawHeap / 1024).toFixed(2)} KiB   ssekit ${(result.memory.medianSsekitHeap / 1024).toFixed(2)} KiB   ratio ${result.memory.medianHeapRatio.toFixed(3)}×`,
    '',
    'skipped' in result.redis
      ? `Redis cross-instance latency: skipped (${result.redis.skipped})`
      : `Redis cross-instance publish→receive (${result.redis.events} events at ${result.redis.perSecond}/s, ${result.redis.connections} clients): p50 ${result.redis.p50Ms.toFixed(2)} ms, p99 ${result.redis.p99Ms.toFixed(2)} ms, max ${result.redis.maxMs.toFixed(2)} ms`,
    '',
    'every connection got every event, in order, once: verified',
  ];
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const quick = values.quick ?? false;
  const deadline = setTimeout(() => {
    console.error('[bench/broadcast] deadline of 15 min exceeded, exiting');
    process.exit(2);
  }, 15 * 60_000);
  deadline.unref();
  const result = await runBroadcast({ quick });
  console.log(`\n${formatBroadcast(result)}`);
  const dir = quick ? join(RESULTS, 'quick') : RESULTS;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'broadcast.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  process.exit(0);
}
