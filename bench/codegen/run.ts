/** (E) Codegen time for a generated contract of 200 routes × 5 events (target < 3 s). */
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
const LIMIT_MS = 3000;

export async function runCodegen(options: CodegenOptions): Promise<PartResult> {
  const dir = scratchDir('codegen');
  const contracts = join(dir, 'big-contract.ts');
  writeFileSync(contracts, contractSource(ROUTES, EVENTS));
  const cold: number[] = [];
  const warm: number[] = [];
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
      files = r.files;
      options.log(
        `  codegen rep ${rep + 1}: generate() ${r.coldMs.toFixed(0)} ms cold, ${r.warmMs.toFixed(0)} ms warm (import ${r.importMs.toFixed(0)} ms, ${r.files} files)`,
      );
    } finally {
      await child.stop();
    }
  }
  const check = (name: string, values: number[]) => {
    const s = spread(values);
    return {
      name,
      unit: 'ms',
      values,
      median: s.median,
      min: s.min,
      max: s.max,
      limit: LIMIT_MS,
      met: s.median < LIMIT_MS,
    };
  };
  return {
    part: 'E',
    title: `Codegen: generate() for ${ROUTES} routes × ${EVENTS} events`,
    method:
      `A synthetic contract (${ROUTES} routes with params and query, ${EVENTS} object events each) written to a scratch ` +
      `folder; generate() of @ssekit/codegen with every emitter (${files} files), timed in a fresh process (cold: first ` +
      'call, contract import included) and again in the same process (warm). Absolute target, no baseline.',
    scenarios: [],
    checks: [check('generate() cold', cold), check('generate() warm', warm)],
    notes: [],
  };
}
