import { join } from 'node:path';
import { build } from 'esbuild';
import { BENCH_DIR } from './proc.ts';

/** Third-party packages stay external: they load from node_modules exactly as an application would load them. */
const EXTERNAL = [
  'better-sse',
  'hono',
  'hono/*',
  '@hono/node-server',
  'express',
  'express-zod-api',
  'zod',
  'zod/*',
  'eventsource-parser',
];

/** Where bundles go: under bench/node_modules so external packages resolve from bench/ and then the root. */
export const BUNDLE_DIR = join(BENCH_DIR, 'node_modules', '.cache', 'ssekit-bench-bundles');

/**
 * Bundles the server and client children once per run (ssekit's workspace sources included, read through the
 * `@ssekit/source` condition, names kept, not minified), so each child starts as plain `node` in a fraction of the
 * time tsx needs — the benchmark starts hundreds of them on a 2-core machine.
 */
export async function bundleChildren(): Promise<void> {
  await build({
    entryPoints: {
      'server-process': join(BENCH_DIR, 'lib', 'server-process.ts'),
      'client-process': join(BENCH_DIR, 'lib', 'client-process.ts'),
    },
    outdir: BUNDLE_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@ssekit/source'],
    external: EXTERNAL,
    // no keepNames: its `__name()` gives every closure a dictionary-mode `name` property, inflating per-connection memory
    keepNames: false,
    logLevel: 'warning',
  });
}
