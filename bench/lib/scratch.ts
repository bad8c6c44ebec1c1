import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from './proc.ts';

/**
 * A scratch folder for generated files, under the repo's node_modules/.cache: outside every tsconfig include and
 * lint scope, yet resolving `@ssekit/*` and `zod` like the repo does.
 */
export function scratchDir(name: string, fresh = true): string {
  const dir = join(BENCH_DIR, '..', 'node_modules', '.cache', 'ssekit-bench', name);
  if (fresh) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}
