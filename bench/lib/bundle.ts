import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
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
 * `@ssekit/source` condition, not minified), so each child starts as plain `node` in a fraction of the
 * time tsx needs — the benchmark starts hundreds of them on a 2-core machine.
 */
export async function bundleChildren(ref?: string): Promise<void> {
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
    plugins: ref ? [snapshotSources(ref)] : [],
  });
}

/**
 * Resolves `@ssekit/*` to the sources of a committed snapshot (`git archive <ref>`) instead of the working tree, so a
 * run measures a known commit while others edit the checkout.
 */
function snapshotSources(ref: string): Plugin {
  const root = join(BENCH_DIR, 'node_modules', '.cache', 'ssekit-bench-source', ref.replace(/[^\w.-]/g, '_'));
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const archive = execFileSync('git', ['archive', ref, 'packages'], { cwd: join(BENCH_DIR, '..'), maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  return {
    name: 'ssekit-snapshot',
    setup(b) {
      b.onResolve({ filter: /^@ssekit\// }, (args) => {
        const [scope, name, ...rest] = args.path.split('/');
        const dir = join(root, 'packages', String(name));
        const manifest = join(dir, 'package.json');
        if (!existsSync(manifest)) throw new Error(`${scope}/${name} is not in the snapshot of ${ref}`);
        const exports = JSON.parse(readFileSync(manifest, 'utf8')).exports as Record<string, Record<string, string>>;
        const entry = exports[rest.length ? `./${rest.join('/')}` : '.']?.['@ssekit/source'];
        if (!entry) throw new Error(`${args.path}: no @ssekit/source export in the snapshot of ${ref}`);
        return { path: join(dir, entry) };
      });
    },
  };
}
