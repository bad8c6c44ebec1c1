/**
 * Server CPU per delivered event, per adapter, against the node adapter in the same run.
 *
 *   npx tsx --conditions=@ssekit/source bench/adapters/run.ts [--quick] [--cpu-prof]
 *
 * For every repetition, every adapter runs one trial, in an order rotated per repetition so adapters interleave. A trial
 * starts a fresh server process (the adapter) and a fresh client process (loopback only), opens N connections, sends
 * warm-up bursts, then measures the server's CPU time (`process.cpuUsage`, user + system) across B bursts of 10
 * events to every connection, each burst sent only once the client has every event of the one before;
 * CPU / (N × 10 × B) is the cost of one delivered event. Every trial checks that each connection got every event, in
 * order, once. Ratios to the node adapter are paired per repetition; medians are reported. Prints a table and writes
 * bench/results/adapters.json (quick: bench/results/quick/adapters.json). Servers and clients stop themselves within
 * 60 s (a trial that takes longer is killed and fails the run); the runner has a deadline of its own.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BURST_EVENTS, CHILD_LIFETIME_MS, type CommandBody, type Reply } from './protocol.ts';
import { ADAPTERS, BASELINE, H2_ADAPTERS } from './servers.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const BENCH_DIR = dirname(HERE);
const ROOT = dirname(BENCH_DIR);

/** Options of {@link runAdapters}. */
export interface AdapterBenchOptions {
  /** Connections per adapter. Default 1000 (quick: 100). */
  connections?: number;
  /** Bursts of 10 events per measured trial. Default 10 (quick: 3). */
  bursts?: number;
  /** Repetitions (≥ 5 for the medians to mean anything). Default 5. */
  repetitions?: number;
  /** Adapters to run (the baseline is always added). Default: all. */
  adapters?: string[];
  /** Write a V8 CPU profile of each server into this directory. */
  cpuProfDir?: string;
  log?: (line: string) => void;
}

/** One adapter's result. */
export interface AdapterResult {
  adapter: string;
  /** Server CPU µs per delivered event, per repetition. */
  microsPerEvent: number[];
  medianMicrosPerEvent: number;
  /** adapter / node, paired per repetition. */
  ratios: number[];
  medianRatio: number;
  eventsPerTrial: number;
  verified: boolean;
}

/** The whole run, as written to JSON. */
export interface AdapterBenchResult {
  name: 'adapters';
  date: string;
  node: string;
  cpus: string;
  connections: number;
  bursts: number;
  eventsPerBurst: number;
  repetitions: number;
  baseline: string;
  results: AdapterResult[];
}

class Child {
  readonly #process: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  readonly ready: Promise<unknown>;

  constructor(
    readonly label: string,
    script: string,
    args: string[],
    cpuProfDir?: string,
  ) {
    this.#process = fork(join(HERE, script), args, {
      cwd: ROOT,
      execArgv: [
        '--conditions=@ssekit/source',
        '--import',
        'tsx',
        ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => this.#pending.set(0, { resolve, reject }));
    this.#process.on('message', (raw) => {
      const reply = raw as Reply;
      const waiter = this.#pending.get(reply.id);
      if (!waiter) return;
      this.#pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`${label}: ${reply.error}`));
    });
    this.#process.once('exit', (code, signal) => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error(`${label} exited (${code ?? signal})`));
      this.#pending.clear();
    });
  }

  send<T>(command: CommandBody, timeoutMs = 20_000): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.label}: no answer to ${command.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#process.send({ ...command, id });
    });
  }

  async stop(): Promise<void> {
    if (this.#process.exitCode !== null || this.#process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.#process.once('exit', resolve));
    await this.send({ type: 'exit' }, 3000).catch(() => undefined);
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    this.#process.kill('SIGKILL');
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Bursts sent before measuring, so JIT and socket buffers have settled. */
const WARMUP_BURSTS = 2;

/**
 * One measured trial of one adapter, in fresh processes that live only for it (well under 60 s): server and client
 * start, N connections open, warm-up bursts, then the measured bursts. Returns server CPU µs per delivered event.
 */
async function trial(
  name: string,
  connections: number,
  bursts: number,
  cpuProfDir: string | undefined,
): Promise<{ microsPerEvent: number; verified: boolean }> {
  const server = new Child(`server ${name}`, 'server-process.ts', [name], cpuProfDir);
  let client: Child | undefined;
  // No trial waits forever: past the children's own lifetime, both are killed and the trial fails.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      server.kill();
      client?.kill();
      reject(new Error(`${name}: trial exceeded ${CHILD_LIFETIME_MS / 1000} s`));
    }, CHILD_LIFETIME_MS);
  });
  const run = async () => {
    const { url } = (await server.ready) as { url: string };
    client = new Child(`client ${name}`, 'client-process.ts', [
      url,
      String(connections),
      H2_ADAPTERS.has(name) ? 'h2' : 'h1',
    ]);
    await client.ready;
    await client.send({ type: 'connect' }, 45_000);
    const open = await server.send<number>({ type: 'sessions' });
    if (open !== connections) throw new Error(`${name}: ${open} sessions open, expected ${connections}`);
    let burst = 0;
    const sendBurst = async () => {
      await server.send({ type: 'burst', burst });
      await client?.send({ type: 'await-burst', burst });
      burst++;
    };
    for (let b = 0; b < WARMUP_BURSTS; b++) await sendBurst();
    await server.send({ type: 'start' });
    for (let b = 0; b < bursts; b++) await sendBurst();
    const cpuMicros = await server.send<number>({ type: 'stop' });
    const check = await client.send<{ short: number; outOfOrder: number; eventsPerConnection: number }>({
      type: 'verify',
    });
    const verified = check.short === 0 && check.outOfOrder === 0 && check.eventsPerConnection === burst * BURST_EVENTS;
    return { microsPerEvent: cpuMicros / (connections * BURST_EVENTS * bursts), verified };
  };
  try {
    return await Promise.race([run(), expired]);
  } finally {
    clearTimeout(timer);
    await Promise.all([client?.stop(), server.stop()]);
  }
}

/** Runs the adapter benchmark; see the file comment for the method. */
export async function runAdapters(options: AdapterBenchOptions = {}): Promise<AdapterBenchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const connections = options.connections ?? 1000;
  const bursts = options.bursts ?? 10;
  const repetitions = options.repetitions ?? 5;
  const names = [...(options.adapters ?? Object.keys(ADAPTERS))];
  if (!names.includes(BASELINE)) names.unshift(BASELINE);
  for (const name of names) if (!ADAPTERS[name]) throw new Error(`unknown adapter ${name}`);
  if (options.cpuProfDir) mkdirSync(options.cpuProfDir, { recursive: true });

  const perRep: Record<string, number>[] = [];
  const verified = new Map(names.map((name) => [name, true]));
  for (let rep = 0; rep < repetitions; rep++) {
    const row: Record<string, number> = {};
    // Rotate the order every repetition: adapters interleave, and none always runs first or after the same one.
    const order = names.map((_, i) => names[(i + rep) % names.length] as string);
    for (const name of order) {
      const result = await trial(name, connections, bursts, options.cpuProfDir);
      row[name] = result.microsPerEvent;
      if (!result.verified) verified.set(name, false);
    }
    perRep.push(row);
    log(`  repetition ${rep + 1}/${repetitions}: ${names.map((n) => `${n} ${row[n]?.toFixed(2)} µs`).join(', ')}`);
  }

  const results: AdapterResult[] = names.map((name) => {
    const micros = perRep.map((row) => row[name] as number);
    const ratios = perRep.map((row) => (row[name] as number) / (row[BASELINE] as number));
    return {
      adapter: name,
      microsPerEvent: micros,
      medianMicrosPerEvent: median(micros),
      ratios,
      medianRatio: median(ratios),
      eventsPerTrial: connections * BURST_EVENTS * bursts,
      verified: verified.get(name) ?? false,
    };
  });
  return {
    name: 'adapters',
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    connections,
    bursts,
    eventsPerBurst: BURST_EVENTS,
    repetitions,
    baseline: BASELINE,
    results,
  };
}

/** The table printed at the end of a run. */
export function formatTable(result: AdapterBenchResult): string {
  const rows = result.results.map((r) => [
    r.adapter,
    r.medianMicrosPerEvent.toFixed(2),
    r.medianRatio.toFixed(2),
    `${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)}`,
    r.verified ? 'yes' : 'NO',
  ]);
  const head = [
    'adapter',
    'server CPU µs/event (median)',
    `× ${result.baseline} (paired median)`,
    'ratio range',
    'all events',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, 'cpu-prof': { type: 'boolean', default: false } },
  });
  const quick = values.quick ?? false;
  // This process stops itself too: each trial is bounded by the children's lifetime, the whole run by this.
  const deadlineMs = 4 * 5 * CHILD_LIFETIME_MS;
  setTimeout(() => {
    console.error(`[bench/adapters] deadline of ${deadlineMs / 60_000} min reached, exiting`);
    process.exit(2);
  }, deadlineMs).unref();
  const resultsDir = join(BENCH_DIR, 'results', quick ? 'quick' : '');
  console.log(`bench/adapters: server CPU per delivered event${quick ? ' (quick)' : ''}`);
  const result = await runAdapters({
    connections: quick ? 100 : 1000,
    bursts: quick ? 3 : 10,
    repetitions: 5,
    ...(values['cpu-prof'] ? { cpuProfDir: join(resultsDir, 'adapters-cpu-prof') } : {}),
  });
  console.log(
    `\n${result.connections} connections × ${result.bursts} bursts × ${result.eventsPerBurst} events, ${result.repetitions} repetitions, ${result.node}, ${result.cpus}\n`,
  );
  console.log(formatTable(result));
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, 'adapters.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  process.exitCode = result.results.every((r) => r.verified) ? 0 : 1;
}
