import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdapterBenchResult } from '../adapters/run.ts';
import { type EngineResult, formatEngines } from '../broadcast/engines-format.ts';
import type { BroadcastBenchResult } from '../broadcast/run.ts';
import { adaptersMarkdown, broadcastMarkdown } from './external.ts';
import type { MachineInfo } from './machine.ts';
import type { PartResult, Scenario } from './part.ts';
import { ratioChart } from './svg.ts';

export interface RunInfo {
  command: string;
  quick: boolean;
  reps: number;
  startedAt: string;
  finishedAt?: string;
  machine: MachineInfo;
  packages: Record<string, string>;
  git: { commit: string; dirty: boolean };
  excluded: Record<string, string>;
  /** Node version every server child of parts A, B and D ran on (`--node`); absent in runs without those parts. */
  serverNode?: string;
  /** Why the default Node 24 for servers was not used, when it was not. */
  serverNodeNote?: string;
}

/** "Node v20.20.2", or "Node v20.20.2 (servers of A, B, D: Node v24.11.0)" when the servers ran on another one. */
function nodeLabel(run: RunInfo): string {
  const runner = run.machine.node;
  return run.serverNode && run.serverNode !== runner
    ? `Node ${runner} (runner, clients; servers of parts A, B, D on Node ${run.serverNode})`
    : `Node ${runner}`;
}

const FILE_NAMES: Record<string, string> = { A: 'fanout', B: 'memory', C: 'client', D: 'latency', E: 'codegen' };

function formatValue(value: number, unit: string): string {
  if (unit === 'B') return value >= 1024 ? `${(value / 1024).toFixed(2)} KiB` : `${value.toFixed(0)} B`;
  if (unit === 'µs') return value >= 1000 ? `${(value / 1000).toFixed(2)} ms` : `${value.toFixed(0)} µs`;
  if (unit === 'ms') return `${value.toFixed(0)} ms`;
  return `${value.toFixed(0)} ${unit}`;
}

function targetCell(s: Scenario, impl: string): string {
  const t = s.targets.find((x) => x.impl === impl);
  if (!t) return '';
  if (t.met === undefined) return `≤ ${t.maxRatio}× (not measured)`;
  return `≤ ${t.maxRatio}× ${t.met ? '✅ met' : '❌ missed'}`;
}

/** Markdown tables of one part. */
export function partMarkdown(part: PartResult, heading = '###'): string {
  const out = [`${heading} ${part.part}. ${part.title}`, ''];
  if (part.skipped) return [...out, `Not run: ${part.skipped}`, ''].join('\n');
  for (const s of part.scenarios) {
    out.push(
      `**${s.name}** — ${s.metric}, ratio to \`${s.baseline}\` paired per repetition (n = ${s.reps.length})`,
      '',
    );
    out.push(
      '| implementation | median | ratio (median) | ratio min–max | target |',
      '| --- | ---: | ---: | ---: | --- |',
    );
    const impls = Object.keys(s.medians).sort((a, b) => (s.ratios[a]?.median ?? 99) - (s.ratios[b]?.median ?? 99));
    for (const impl of impls) {
      const m = s.medians[impl];
      const r = s.ratios[impl];
      if (!m) continue;
      out.push(
        `| ${impl} | ${formatValue(m.median, s.unit)} | ${r ? `${r.median.toFixed(2)}×` : '–'} | ${r ? `${r.min.toFixed(2)}–${r.max.toFixed(2)}×` : '–'} | ${targetCell(s, impl)} |`,
      );
    }
    out.push('');
    for (const note of s.notes) out.push(`> ${note}`, '');
  }
  if (part.checks?.length) {
    out.push('| measure | median | min–max | target |', '| --- | ---: | ---: | --- |');
    for (const c of part.checks) {
      out.push(
        `| ${c.name} | ${formatValue(c.median, c.unit)} | ${formatValue(c.min, c.unit)}–${formatValue(c.max, c.unit)} | < ${formatValue(c.limit, c.unit)} ${c.met ? '✅ met' : '❌ missed'} |`,
      );
    }
    out.push('');
  }
  for (const note of part.notes) out.push(`> ${note}`, '');
  return out.join('\n');
}

function header(run: RunInfo, withCommand = true): string {
  const m = run.machine;
  const pk = Object.entries(run.packages)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const excluded = Object.entries(run.excluded);
  const what = withCommand
    ? `Measured ${run.finishedAt ?? run.startedAt} with \`${run.command}\`${run.quick ? ' (quick: fewer and smaller runs)' : ''}: `
    : 'Machine: ';
  return [
    `${what}${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${nodeLabel(run)}${withCommand ? `, load average at start ${m.loadAverage.join(' ')}` : ''} ` +
      `(shared machine)${withCommand ? `. Commit ${run.git.commit.slice(0, 10)}${run.git.dirty ? ' + uncommitted changes' : ''}` : ''}.`,
    '',
    `Packages: ${pk}.`,
    '',
    ...(run.serverNodeNote ? [`${run.serverNodeNote}.`, ''] : []),
    ...(excluded.length ? [`Not measured: ${excluded.map(([k, v]) => `**${k}** — ${v}`).join('; ')}.`, ''] : []),
  ].join('\n');
}

/**
 * Every results file, in the order latest.md shows them; `adapters`/`broadcast`/`streams`/`size` are written by their
 * own folders.
 */
const ORDER = [
  'fanout',
  'memory',
  'client',
  'latency',
  'codegen',
  'adapters',
  'broadcast',
  'engines',
  'streams',
  'size',
];

/**
 * Writes `<part>.json|.md|.svg` for each part of this run, then rebuilds `latest.md`/`latest.json` from every part file
 * in `dir` — so a run of some parts (`--parts`) updates those and keeps the others, each labelled with its own run.
 */
export function writeResults(dir: string, run: RunInfo, parts: PartResult[], external: ExternalResults = {}): void {
  mkdirSync(dir, { recursive: true });
  for (const part of parts) {
    const name = FILE_NAMES[part.part] ?? part.part;
    writeFileSync(join(dir, `${name}.json`), `${JSON.stringify({ run, part }, null, 2)}\n`);
    writeFileSync(join(dir, `${name}.md`), `${header(run)}\n${partMarkdown(part, '##')}`);
    if (part.scenarios.some((s) => Object.keys(s.ratios).length))
      writeFileSync(join(dir, `${name}.svg`), ratioChart(part));
  }
  if (external.adapters) writeFileSync(join(dir, 'adapters.json'), `${JSON.stringify(external.adapters, null, 2)}\n`);
  if (external.broadcast)
    writeFileSync(join(dir, 'broadcast.json'), `${JSON.stringify(external.broadcast, null, 2)}\n`);
  if (external.engines) writeFileSync(join(dir, 'engines.json'), `${JSON.stringify(external.engines, null, 2)}\n`);
  rebuildLatest(dir, run);
}

export interface ExternalResults {
  adapters?: AdapterBenchResult;
  broadcast?: BroadcastBenchResult;
  /** Part G, store engines (bench/broadcast/engines.ts). */
  engines?: { results: EngineResult[]; skipped: Record<string, string> };
}

function rebuildLatest(dir: string, run: RunInfo): void {
  const sections: string[] = [];
  const all: { run: RunInfo; part: PartResult }[] = [];
  const external: ExternalResults = {};
  const excluded: Record<string, string> = {};
  const charts: string[] = [];
  for (const name of ORDER) {
    const file = join(dir, `${name}.json`);
    if (!existsSync(file)) continue;
    const data = JSON.parse(readFileSync(file, 'utf8'));
    if (name === 'streams') {
      // Part H (bench/streams) writes its own markdown: one run per implementation, ratios per step.
      sections.push(readFileSync(join(dir, 'streams.md'), 'utf8'));
      continue;
    }
    if (name === 'size') {
      // Part I (bench/size) writes its own markdown; sizes are deterministic, so it carries no run statistics.
      sections.push(readFileSync(join(dir, 'size.md'), 'utf8'));
      continue;
    }
    if (name === 'adapters') {
      external.adapters = data as AdapterBenchResult;
      sections.push(adaptersMarkdown(external.adapters));
    } else if (name === 'broadcast') {
      external.broadcast = data as BroadcastBenchResult;
      sections.push(broadcastMarkdown(external.broadcast));
    } else if (name === 'engines') {
      external.engines = data as NonNullable<ExternalResults['engines']>;
      sections.push(
        `## G. Store engines: publish→receive and publishes per second\n\n${formatEngines(external.engines)}\n`,
      );
    } else {
      const entry = data as { run: RunInfo; part: PartResult };
      all.push(entry);
      Object.assign(excluded, entry.run.excluded);
      const r = entry.run;
      const measured =
        `_From the run started ${r.startedAt} with \`${r.command}\` (${r.reps} repetition(s), commit ` +
        `${r.git.commit.slice(0, 10)}${r.git.dirty ? ' + uncommitted changes in packages/ or codegen/' : ''}, ${['A', 'B', 'D'].includes(entry.part.part) ? `servers on Node ${r.serverNode ?? r.machine.node}, ` : ''}load average at start ${r.machine.loadAverage.join(' ')})._`;
      const md = partMarkdown(entry.part);
      const [title, ...rest] = md.split('\n');
      sections.push([title, '', measured, ...rest].join('\n'));
      if (existsSync(join(dir, `${name}.svg`))) charts.push(`![${entry.part.part}. ${entry.part.title}](${name}.svg)`);
    }
  }
  writeFileSync(
    join(dir, 'latest.json'),
    `${JSON.stringify({ machine: run.machine, packages: run.packages, parts: all, external }, null, 2)}\n`,
  );
  writeFileSync(
    join(dir, 'latest.md'),
    [header({ ...run, excluded }, false), ...sections, ...(charts.length ? [charts.join('\n'), ''] : [])].join('\n'),
  );
}

/** A plain-text table for the console. */
export function printPart(part: PartResult, log: (line: string) => void): void {
  log('');
  log(`${part.part}. ${part.title}`);
  if (part.skipped) {
    log(`  not run: ${part.skipped}`);
    return;
  }
  for (const s of part.scenarios) {
    log(`  ${s.name} (${s.metric}; ratio to ${s.baseline}, n=${s.reps.length})`);
    for (const [impl, m] of Object.entries(s.medians)) {
      const r = s.ratios[impl];
      const ratio = r ? `${r.median.toFixed(2)}x [${r.min.toFixed(2)}–${r.max.toFixed(2)}]` : '–';
      log(
        `    ${impl.padEnd(22)} ${formatValue(m.median, s.unit).padStart(12)}  ${ratio.padEnd(22)} ${targetCell(s, impl)}`,
      );
    }
  }
  for (const c of part.checks ?? []) {
    log(
      `  ${c.name.padEnd(24)} ${formatValue(c.median, c.unit)} [${formatValue(c.min, c.unit)}–${formatValue(c.max, c.unit)}] < ${c.limit} ${c.met ? 'met' : 'MISSED'}`,
    );
  }
  for (const note of part.notes) log(`  note: ${note}`);
}
