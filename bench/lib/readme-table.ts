/**
 * The top-level README's benchmark table, generated from the results files (`latest.json`), never typed by hand.
 *
 * `npx tsx bench/lib/readme-table.ts [results dir] [README path]` rewrites the block between
 * `<!-- bench-table:start -->` and `<!-- bench-table:end -->`; `npm run bench` calls it after a full (non-quick) run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PartResult, Scenario } from './part.ts';
import type { RunInfo } from './report.ts';

/** The results a table is built from: the parts of `latest.json`. */
export interface LatestResults {
  machine: RunInfo['machine'];
  parts: { run: RunInfo; part: PartResult }[];
  /** Part H (bench/streams, `streams.json`), when it has been run. */
  streams?: StreamsResults;
}

/** What the table reads of part H's `streams.json`: its memory targets per implementation, metric and step. */
export interface StreamsResults {
  baseline: string;
  targets: { impl: string; metric: 'rss' | 'heap'; streams: number; ratio: number; maxRatio: number; met: boolean }[];
}

/** One column of the table: an implementation as the bench names it, and its heading. */
export interface Column {
  impl: string;
  heading: string;
}

/** One row: a label and how to compute the cell of each column (`undefined`: empty cell). */
export interface Row {
  label: string;
  cell: (results: LatestResults, column: Column) => string | undefined;
}

/** The columns of the README table, in order. */
export const README_COLUMNS: Column[] = [
  { impl: 'ssekit', heading: 'ssekit' },
  { impl: 'ssekit-hub', heading: 'ssekit hub' },
  { impl: 'better-sse', heading: 'better-sse' },
  { impl: 'hono', heading: 'Hono `streamSSE`' },
  { impl: 'express-zod-api', heading: 'express-zod-api' },
];

function findScenario(results: LatestResults, part: string, name: string | RegExp): Scenario | undefined {
  const entry = results.parts.find((p) => p.part.part === part);
  return entry?.part.scenarios.find((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));
}

/** `1.07×`, with ✅/❌ when the scenario states a target for that implementation. */
export function ratioCell(scenario: Scenario | undefined, impl: string): string | undefined {
  const ratio = scenario?.ratios[impl];
  if (!scenario || !ratio) return undefined;
  const digits = ratio.median >= 10 ? 1 : 2;
  const target = scenario.targets.find((t) => t.impl === impl);
  const mark = target?.met === undefined ? '' : target.met ? ' ✅' : ' ❌';
  return `${ratio.median.toFixed(digits)}×${mark}`;
}

/** A row of median ratios to the scenario's baseline, one per column. */
export function ratioRow(label: string, part: string, scenario: string | RegExp, only?: string[]): Row {
  return {
    label,
    cell: (results, column) =>
      only && !only.includes(column.impl) ? undefined : ratioCell(findScenario(results, part, scenario), column.impl),
  };
}

/** The rows of the README table, in order. Rows whose part has not been run yet are left out. */
export const README_ROWS: Row[] = [
  ratioRow('fan-out N=1000, one event per turn, CPU/event vs raw', 'A', 'N=1000, 1 event/turn'),
  ratioRow('fan-out N=1000, bursts of 10', 'A', 'N=1000, bursts of 10'),
  {
    label: 'same, one event per turn, `coalesceMs: 25`',
    cell: (results, column) =>
      column.impl === 'ssekit'
        ? ratioCell(findScenario(results, 'A', 'N=1000, 1 event/turn'), 'ssekit-coalesce')
        : undefined,
  },
  ratioRow('idle memory per connection (RSS) vs raw, 5,000 streams', 'B', /^RSS/),
  ratioRow('idle memory per connection (heap) vs raw, 5,000 streams', 'B', /^heap/),
  ratioRow('publish→receive p99 at N=100, 100 events/s', 'D', 'p99 latency'),
  {
    label: 'idle memory per stream at the most streams part H holds, RSS / heap vs raw + one comment frame',
    cell: (results, column) => {
      const targets = results.streams?.targets.filter((t) => t.impl === column.impl) ?? [];
      const most = Math.max(...targets.map((t) => t.streams));
      const show = (metric: 'rss' | 'heap') => {
        const t = targets.find((x) => x.metric === metric && x.streams === most);
        return t && `${t.ratio.toFixed(2)}×${t.met ? ' ✅' : ' ❌'}`;
      };
      const rss = show('rss');
      const heap = show('heap');
      return rss && heap ? `${rss} / ${heap} (${most.toLocaleString('en-US')})` : undefined;
    },
  },
  {
    label: 'client decode per event vs bare eventsource-parser + `JSON.parse`',
    cell: (results, column) => {
      if (column.impl !== 'ssekit') return undefined;
      const s = findScenario(results, 'C', 'decode per event, one variant per process');
      const standalone = ratioCell(s, 'generated-standalone');
      const zod = ratioCell(s, 'generated-zod');
      if (!standalone && !zod) return undefined;
      return [standalone && `${standalone} standalone`, zod && `${zod} zod`].filter(Boolean).join(', ');
    },
  },
  {
    label: '`ssekit generate`, 200 routes × 5 events',
    cell: (results, column) => {
      if (column.impl !== 'ssekit') return undefined;
      const checks = results.parts.find((p) => p.part.part === 'E')?.part.checks ?? [];
      const show = (c: (typeof checks)[number] | undefined, word: string) =>
        c && `${(c.median / 1000).toFixed(2)} s ${word}${c.met ? ' ✅' : ' ❌'}`;
      const warm = checks.find((c) => /warm/.test(c.name));
      const cold = checks.find((c) => /cold/.test(c.name));
      const text = [show(warm, 'warm'), show(cold, 'cold')].filter(Boolean).join(', ');
      return text || undefined;
    },
  },
];

/** The machine line above the table. */
function machineLine(results: LatestResults): string {
  const m = results.machine;
  const servers = new Set<string>();
  const others = new Set<string>();
  for (const { run, part } of results.parts) {
    if (['A', 'B', 'D'].includes(part.part)) servers.add(run.serverNode ?? run.machine.node);
    else others.add(run.machine.node);
  }
  const same = servers.size <= 1 && others.size <= 1 && [...servers][0] === [...others][0];
  const nodes = same
    ? `Node ${[...servers, ...others][0] ?? m.node}`
    : `servers on Node ${[...servers].join(' / ')}, client decode and codegen on Node ${[...others].join(' / ')}`;
  return `Latest run (${m.cores} × ${m.cpuModel}, ${nodes}; full tables and charts in [bench/results/latest.md](./bench/results/latest.md)):`;
}

/** The markdown table (machine line, header, rows), from `latest.json`'s content. */
export function readmeTable(results: LatestResults, rows = README_ROWS, columns = README_COLUMNS): string {
  const filled = rows
    .map((row) => ({ row, cells: columns.map((c) => row.cell(results, c) ?? '') }))
    .filter(({ cells }) => cells.some((c) => c !== ''));
  const used = columns.filter((_, i) => filled.some(({ cells }) => cells[i] !== ''));
  const index = used.map((c) => columns.indexOf(c));
  const lines = [
    `| measure | ${used.map((c) => c.heading).join(' | ')} |`,
    `| --- | ${used.map(() => '---:').join(' | ')} |`,
    ...filled.map(({ row, cells }) => `| ${row.label} | ${index.map((i) => cells[i]).join(' | ')} |`),
  ];
  return [machineLine(results), '', ...lines].join('\n');
}

const START = '<!-- bench-table:start -->';
const END = '<!-- bench-table:end -->';

/** Replaces the block between the bench-table markers of `readme` with `table`. */
export function replaceTable(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README has no ${START} … ${END} block`);
  return `${readme.slice(0, start + START.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

/** Regenerates the README's table from `<resultsDir>/latest.json`. */
export function writeReadmeTable(resultsDir: string, readmePath: string): void {
  const results = JSON.parse(readFileSync(join(resultsDir, 'latest.json'), 'utf8')) as LatestResults;
  const streams = join(resultsDir, 'streams.json');
  if (existsSync(streams)) results.streams = JSON.parse(readFileSync(streams, 'utf8')) as StreamsResults;
  writeFileSync(readmePath, replaceTable(readFileSync(readmePath, 'utf8'), readmeTable(results)));
  // The repository's formatter pads markdown tables; format the file so `npm run lint` stays green.
  execFileSync('npx', ['biome', 'format', '--write', readmePath], { cwd: dirname(readmePath), stdio: 'ignore' });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const here = dirname(fileURLToPath(import.meta.url));
  writeReadmeTable(
    process.argv[2] ?? join(here, '..', 'results'),
    process.argv[3] ?? join(here, '..', '..', 'README.md'),
  );
}
