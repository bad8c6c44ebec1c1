/** (E) Codegen time for a generated contract of 200 routes × 5 events (targets: cold < 2.5 s, warm < 1.5 s). */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_DIR } from '../lib/bundle.ts';
import type { PartResult } from '../lib/part.ts';
import { BENCH_DIR, BenchChild } from '../lib/proc.ts';
import { scratchDir } from '../lib/scratch.ts';
import { spread } from '../lib/stats.ts';
import { contractSource } from './make-contract.ts';

export interface CodegenOptions {
  reps: number;
  log: (line: string) => void;
  cpuProfDir?: string;
}

const ROUTES = 200;
const EVENTS = 5;
const COLD_LIMIT_MS = 2500;
const WARM_LIMIT_MS = 1500;

/**
 * What a user runs: `@ssekit/codegen` compiled (its `dist/`, rebuilt here from the working tree with `tsc -b`) under
 * plain `node`, no tsx loader around it. The child script itself is bundled with `@ssekit/codegen` left external, so it
 * loads the package as an installed app would.
 */
async function compiledChild(): Promise<string> {
  const root = join(BENCH_DIR, '..');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'codegen/tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  const outfile = join(BUNDLE_DIR, 'codegen-process.mjs');
  await build({
    entryPoints: [join(BENCH_DIR, 'codegen', 'generate-process.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@ssekit/codegen'],
    logLevel: 'warning',
  });
  return outfile;
}

export async function runCodegen(options: CodegenOptions): Promise<PartResult> {
  const script = await compiledChild();
  const dir = scratchDir('codegen');
  const contracts = join(dir, 'big-contract.ts');
  writeFileSync(contracts, contractSource(ROUTES, EVENTS));
  const cold: number[] = [];
  const warm: number[] = [];
  const imports: number[] = [];
  let files = 0;
  for (let rep = 0; rep < options.reps; rep++) {
    const out = scratchDir(`codegen/out-${rep}`);
    const child = await BenchChild.start({
      script,
      args: ['--contracts', contracts, '--out', out],
      label: `codegen rep ${rep + 1}`,
      ...(options.cpuProfDir && rep === 0 ? { cpuProfDir: options.cpuProfDir } : {}),
    });
    try {
      const r = await child.request<{
        importMs: number;
        coldMs: number;
        warmMs: number;
        files: number;
        routes: number;
      }>('time', {}, 55_000);
      if (r.routes !== ROUTES) throw new Error(`codegen produced ${r.routes} routes, expected ${ROUTES}`);
      cold.push(r.coldMs);
      warm.push(r.warmMs);
      imports.push(r.importMs);
      files = r.files;
      options.log(
        `  codegen rep ${rep + 1}: generate() ${r.coldMs.toFixed(0)} ms cold, ${r.warmMs.toFixed(0)} ms warm (import ${r.importMs.toFixed(0)} ms, ${r.files} files)`,
      );
    } finally {
      await child.stop();
    }
  }
  const check = (name: string, values: number[], limit: number) => {
    const s = spread(values);
    return {
      name,
      unit: 'ms',
      values,
      median: s.median,
      min: s.min,
      max: s.max,
      limit,
      met: s.median < limit,
    };
  };
  return {
    part: 'E',
    title: `Codegen: generate() for ${ROUTES} routes × ${EVENTS} events`,
    method:
      `A synthetic contract (${ROUTES} routes with params and query, ${EVENTS} object events each) written to a scratch ` +
      `folder; generate() of @ssekit/codegen with every emitter (${files} files), timed in a fresh process (cold: first ` +
      'call, contract import included) and again in the same process (warm). The package runs compiled (its dist/, ' +
      'rebuilt from the working tree) under plain node, as an installed app runs it. Absolute targets, no baseline.',
    scenarios: [],
    checks: [check('generate() cold', cold, COLD_LIMIT_MS), check('generate() warm', warm, WARM_LIMIT_MS)],
    notes: [
      `import('@ssekit/codegen') before the first call (not in cold): median ${spread(imports).median.toFixed(0)} ms, ` +
        `${spread(imports).min.toFixed(0)}–${spread(imports).max.toFixed(0)} ms (no TypeScript compiler is loaded: the ` +
        'client is written already laid out).',
    ],
  };
}
