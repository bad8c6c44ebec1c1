/** (E) Codegen time for a generated contract of 200 routes × 5 events (targets: cold < 2.5 s, warm < 1.5 s). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PartResult } from '../lib/part.ts';
import { BenchChild } from '../lib/proc.ts';
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

export async function runCodegen(options: CodegenOptions): Promise<PartResult> {
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
      script: 'codegen/generate-process.ts',
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
      'call, contract import included) and again in the same process (warm). Absolute targets, no baseline.',
    scenarios: [],
    checks: [check('generate() cold', cold, COLD_LIMIT_MS), check('generate() warm', warm, WARM_LIMIT_MS)],
    notes: [
      `import('@ssekit/codegen') before the first call (not in cold): median ${spread(imports).median.toFixed(0)} ms, ` +
        `${spread(imports).min.toFixed(0)}–${spread(imports).max.toFixed(0)} ms (no TypeScript compiler is loaded: the ` +
        'client is written already laid out).',
    ],
  };
}
