/**
 * `npm run bench [-- --quick] [--parts A,B,C,D,E] [--reps N] [--impls raw,ssekit,…] [--node 24|current|PATH] [--cpu-prof] [--out DIR]`
 *
 * Runs every part of the benchmark (fan-out CPU, idle memory, client decode, latency, codegen, adapters, broadcast,
 * streams per process, browser bundle size), prints a table per part and writes JSON, markdown and SVG per part plus
 * `latest.md`/`latest.json` into bench/results/ (quick runs: bench/results/quick/). See bench/README.md for the method.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { nodeBinary } from '../tests/consumer/node-binaries.ts';
import { runClient } from './client/run.ts';
import { runCodegen } from './codegen/run.ts';
import { runFanout } from './fanout/run.ts';
import { runLatency } from './latency/run.ts';
import { bundleChildren } from './lib/bundle.ts';
import { startFleet } from './lib/fleet.ts';
import { gitState, machineInfo, packageVersions, resolveRef } from './lib/machine.ts';
import type { PartResult } from './lib/part.ts';
import { BENCH_DIR, ChildStartError, serverRuntime, useServerNode } from './lib/proc.ts';
import { writeReadmeTable } from './lib/readme-table.ts';
import { printPart, type RunInfo, writeResults } from './lib/report.ts';
import { BASELINE, MEMORY_BASELINE, MEMORY_ONLY, SERVERS } from './lib/servers/index.ts';
import { runMemory } from './memory/run.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    parts: { type: 'string', default: 'A,B,C,D,E,F,G,H,I' },
    reps: { type: 'string' },
    impls: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    out: { type: 'string' },
    sizes: { type: 'string' },
    ref: { type: 'string' },
    bursts: { type: 'string' },
    node: { type: 'string' },
  },
});

const quick = values.quick ?? false;
const reps = Number(values.reps ?? (quick ? 1 : 5));
const parts = new Set((values.parts ?? '').split(',').map((p) => p.trim().toUpperCase()));
const outDir = values.out ?? join(BENCH_DIR, 'results', quick ? 'quick' : '');
const log = (line: string) => console.log(line);

// The runner stops itself: a full run takes well under 20 minutes, a quick one about 2.
const deadlineMs = (quick ? 10 : 45) * 60_000;
setTimeout(() => {
  console.error(`[bench] deadline of ${deadlineMs / 60_000} min exceeded, exiting`);
  process.exit(2);
}, deadlineMs).unref();

const wanted = values.impls ? values.impls.split(',') : Object.keys(SERVERS);
if (!wanted.includes(BASELINE)) wanted.unshift(BASELINE);
if (parts.has('B') && !wanted.includes(MEMORY_BASELINE)) wanted.push(MEMORY_BASELINE);
/** Implementations that send events the fan-out and latency clients count (not the memory-only baselines). */
const sending = (impls: string[]) => impls.filter((i) => !MEMORY_ONLY.includes(i));

/** Starts each implementation's server once; the ones that cannot start are excluded, with the reason recorded. */
async function probe(): Promise<{ impls: string[]; excluded: Record<string, string> }> {
  const impls: string[] = [];
  const excluded: Record<string, string> = {};
  for (const impl of wanted) {
    if (!SERVERS[impl]) {
      excluded[impl] = 'unknown implementation';
      continue;
    }
    try {
      const fleet = await startFleet({ impl, connections: 0, clientProcesses: 0 });
      await fleet.stop();
      impls.push(impl);
    } catch (error) {
      if (impl === BASELINE) throw error;
      const reason = error instanceof ChildStartError ? error.reason : (error as Error).message;
      excluded[impl] = `does not start on Node ${serverRuntime().version}: ${reason.split('\n')[0]}`;
      log(`  excluded ${impl}: ${excluded[impl]}`);
    }
  }
  return { impls, excluded };
}

const run: RunInfo = {
  command: `npm run bench${
    process.argv.length > 2
      ? ` -- ${process.argv
          .slice(2)
          .filter((a) => a !== '--')
          .join(' ')}`
      : ''
  }`,
  quick,
  reps,
  startedAt: new Date().toISOString(),
  machine: machineInfo(),
  packages: packageVersions(),
  // a --ref snapshot is clean by construction: its commit is what was measured
  git: values.ref ? { commit: resolveRef(values.ref), dirty: false } : gitState(),
  excluded: {},
};

log(
  `ssekit bench: ${run.machine.cpuModel} × ${run.machine.cores}, Node ${run.machine.node}, ${reps} repetition(s)${quick ? ', quick' : ''}`,
);
const serverParts = ['A', 'B', 'D'].some((p) => parts.has(p));

/** Default `--node`: the server children run on Node 24 (what users run; express-zod-api 29 needs 22+). */
const DEFAULT_SERVER_NODE = '24';

/**
 * `--node 24` (a major: `node@24` from the npm registry, cached in node_modules/.cache/ssekit-node), `--node PATH` or
 * `--node current` (the runner's own). Every server child of parts A, B and D runs on it, every implementation alike.
 * Without `--node`, Node 24 is used when it can be installed, else the runner's Node (the reason is logged and
 * recorded); an explicit `--node` that cannot be honoured stops the run.
 */
function chooseServerNode(): void {
  const spec = values.node ?? DEFAULT_SERVER_NODE;
  if (spec === 'current' || spec === String(process.versions.node.split('.')[0])) return;
  try {
    useServerNode(/^\d+$/.test(spec) ? nodeBinary(Number(spec)) : spec);
  } catch (error) {
    if (values.node !== undefined) throw error;
    run.serverNodeNote = `Node ${spec} unavailable (${(error as Error).message.split('\n')[0]}); servers ran on the runner's Node`;
    log(`  ${run.serverNodeNote}`);
  }
}
if (serverParts) {
  chooseServerNode();
  run.serverNode = serverRuntime().version;
  log(`server children (parts A, B, D) on Node ${run.serverNode}`);
}
// --ref <commit>: measure ssekit's sources at that commit (git archive), not the working tree others may be editing
if (serverParts) await bundleChildren(values.ref);
const { impls, excluded } = serverParts ? await probe() : { impls: wanted, excluded: {} };
run.excluded = excluded;
log(`implementations: ${impls.join(', ')}`);

const results: PartResult[] = [];
const started = Date.now();
async function part(name: string, fn: () => Promise<PartResult>): Promise<void> {
  if (!parts.has(name)) return;
  const t0 = Date.now();
  log(`\n== part ${name} ==`);
  const result = await fn();
  results.push(result);
  printPart(result, log);
  log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  run.finishedAt = new Date().toISOString();
  writeResults(outDir, run, results);
}

await part('A', () =>
  runFanout({
    quick,
    reps,
    impls: sending(impls),
    turnOnly: ['ssekit-coalesce'],
    ...(values['cpu-prof'] ? { cpuProfDir: join(outDir, 'profiles') } : {}),
    ...(values.sizes ? { sizes: values.sizes.split(',').map(Number) } : {}),
    ...(values.bursts ? { bursts: values.bursts.split(',').map(Number) } : {}),
    log,
  }),
);
await part('B', () =>
  runMemory({ reps, impls: impls.filter((i) => i !== 'ssekit-coalesce'), connections: quick ? 2000 : 5000, log }),
);
await part('C', () =>
  runClient({ quick, reps, log, ...(values['cpu-prof'] ? { cpuProfDir: join(outDir, 'profiles') } : {}) }),
);
await part('D', () => runLatency({ quick, reps, impls: sending(impls).filter((i) => i !== 'ssekit-coalesce'), log }));
await part('E', () =>
  runCodegen({ reps: Math.min(reps, 3), log, ...(values['cpu-prof'] ? { cpuProfDir: join(outDir, 'profiles') } : {}) }),
);

if (parts.has('F')) {
  const t0 = Date.now();
  log('\n== part F: bench/adapters ==');
  const { runAdapters, formatTable } = await import('./adapters/run.ts');
  const adapters = await runAdapters({
    connections: quick ? 100 : 1000,
    bursts: quick ? 3 : 10,
    repetitions: quick ? 1 : Math.max(5, reps),
    log,
  });
  log(formatTable(adapters));
  log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  writeResults(outDir, run, [], { adapters });
}
if (parts.has('G')) {
  const t0 = Date.now();
  log('\n== part G: bench/broadcast ==');
  const { runBroadcast, formatBroadcast } = await import('./broadcast/run.ts');
  const broadcast = await runBroadcast({ quick, log });
  log(formatBroadcast(broadcast));
  // Every replay store engine of bench/broadcast/engines.ts's table, in this same run.
  const { runEngines, formatEngines } = await import('./broadcast/engines.ts');
  const engines = await runEngines({ quick, log });
  log(formatEngines(engines));
  log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  writeResults(outDir, run, [], { broadcast, engines });
}

if (parts.has('H')) {
  const t0 = Date.now();
  log('\n== part H: bench/streams (streams per process) ==');
  const { runStreamsPart } = await import('./streams/run.ts');
  if (!serverParts) await bundleChildren(values.ref);
  await runStreamsPart({ quick, outDir, command: run.command, log });
  log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

if (parts.has('I')) {
  const t0 = Date.now();
  log('\n== part I: bench/size (browser bundle size) ==');
  const { runSize } = await import('./size/run.ts');
  await runSize({ outDir, command: run.command, log });
  log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

// latest.md/latest.json always reflect every part file in the results folder, including ones from earlier runs
run.finishedAt = new Date().toISOString();
writeResults(outDir, run, []);
// The top-level README's table is generated from the full results, never from a quick run or another --out folder.
if (!quick && !values.out) {
  writeReadmeTable(outDir, join(BENCH_DIR, '..', 'README.md'));
  log('README.md benchmark table regenerated from results/latest.json');
}

log(`\nresults in ${outDir} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
