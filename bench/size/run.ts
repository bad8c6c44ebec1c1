/**
 * (I) Browser bundle size of the generated seed client + runtime, zod and standalone modes, and the zod-mode client
 * with the seed contract written in each zod import style. See ./measure.ts for the method.
 *
 *   npx tsx --conditions=@ssekit/source bench/size/run.ts [--out DIR]
 *
 * Prints a table and writes `size.json` (every number, plus the bytes per origin) and `size.md` into bench/results/
 * (or DIR). `runSize()` is the same, callable from bench/run.ts (`--parts I`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatSizes, measureSizes, REPO, type SizeResult } from './measure.ts';

export interface SizeBenchOptions {
  /** Folder to write size.json and size.md into. */
  outDir: string;
  command?: string;
  log?: (line: string) => void;
}

function markdown(result: SizeResult): string {
  return [
    '## I. Browser bundle size',
    '',
    `Measured ${result.date} with \`${result.command}\`: Node ${result.node}, esbuild ${result.esbuild}, zod ${result.zod}.`,
    '',
    formatSizes(result),
    '',
    `> ${result.method}`,
    '',
  ].join('\n');
}

/** Measures, prints, and writes `size.json` and `size.md` into `outDir`. */
export async function runSize(options: SizeBenchOptions): Promise<SizeResult> {
  const log = options.log ?? console.log;
  const result = await measureSizes(options.command);
  log(formatSizes(result));
  for (const b of result.bundles) {
    const parts = Object.entries(b.composition)
      .map(([name, bytes]) => `${name} ${(bytes / 1000).toFixed(1)}`)
      .join(', ');
    log(`  ${b.name}: min KB by origin: ${parts}`);
  }
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, 'size.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(options.outDir, 'size.md'), markdown(result));
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const outDir = values.out ?? join(REPO, 'bench/results');
  await runSize({ outDir, command: 'npx tsx --conditions=@ssekit/source bench/size/run.ts' });
  console.log(`\nwrote ${join(outDir, 'size.json')}`);
}
