/**
 * (I) Browser bundle size of the generated seed client plus its runtime, in both validation modes: esbuild (bundle,
 * minify, ESM, platform browser), then gzip level 9. Sizes are deterministic for a given tree and esbuild version, so
 * bench/size/size.test.ts asserts the budgets below in bytes.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, version as esbuildVersion, type Metafile, type Plugin } from 'esbuild';
import { gitState } from '../lib/machine.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(HERE, '../..');

/**
 * Budgets from the issue, in bytes of min+gzip (1 KB = 1000 B, as the issue counts). Standalone: 8 KB, raised to 8.5 KB
 * when the client's `for await` buffer became bounded and a 401 could refresh credentials (7806 → 8324 B).
 */
export const BUDGETS = { standalone: 8_500, zod: 30_000 } as const;

/** The same React app without and with `@ssekit/react` (standalone seed client): the difference is the package's cost. */
export const REACT_BASELINE_APP = join(HERE, 'fixtures/react-baseline.tsx');
/** See {@link REACT_BASELINE_APP}. */
export const REACT_HOOKS_APP = join(HERE, 'fixtures/react-hooks.tsx');
/** This package's own bound on what `@ssekit/react` adds to a React app, in bytes of min+gzip (measured: 1.3 KB). */
export const REACT_EXTRA_BUDGET = 2_000;

/** The generated seed client of each mode: contracts/generated/client.ts (zod) and the seed's standalone snapshot. */
export const SEED_ZOD_CLIENT = join(REPO, 'contracts/generated/client.ts');
/** Generated from contracts/src/index.ts with `validation: 'standalone'`; codegen/tests/snapshots.test.ts keeps it current. */
export const SEED_STANDALONE_CLIENT = join(REPO, 'codegen/tests/__generated__/standalone/client.ts');
/** The contracts module contracts/generated/client.ts imports (its specifier, as generated). */
const SEED_CONTRACT_SPECIFIER = '../src/index.js';
const SEED_CONTRACT_DIR = join(REPO, 'contracts/src');
/** The seed contract written with zod/mini (same routes, events and JSON Schemas; the test checks it). */
export const MINI_CONTRACT = join(HERE, 'fixtures/seed-contract-mini.ts');

/** How a contract module imports zod. */
export type ContractStyle = 'as committed' | 'named' | 'namespace' | 'default' | 'mini';

const IMPORT_LINES: Record<'named' | 'namespace' | 'default', string> = {
  named: "import { z } from 'zod';",
  namespace: "import * as z from 'zod';",
  default: "import z from 'zod';",
};

export interface BundleSpec {
  /** Short id, used in the JSON and by the test. */
  name: string;
  title: string;
  mode: 'zod' | 'standalone';
  /** The generated client bundled as the entry point. */
  entry: string;
  contractStyle?: ContractStyle;
  /** zod mode: the contracts module the client's `../src/index.js` import resolves to instead of contracts/src. */
  contract?: string;
  /** min+gzip budget in bytes, when this bundle is what the issue's target is about. */
  budget?: number;
}

export interface BundleSize {
  name: string;
  title: string;
  mode: 'zod' | 'standalone';
  entry: string;
  contractStyle?: ContractStyle;
  contract?: string;
  /** Bundled, not minified. */
  raw: number;
  /** Bundled and minified. */
  min: number;
  /** Minified, then gzip level 9. */
  gzip: number;
  budget?: { maxGzip: number; met: boolean };
  /** Minified bytes per origin (esbuild's metafile `bytesInOutput`), largest first. */
  composition: Record<string, number>;
  /** zod locale files in the bundle (`en` is what zod configures by default). */
  zodLocales: string[];
}

export interface SizeResult {
  name: 'size';
  date: string;
  command: string;
  method: string;
  /** The commit measured, and whether packages/ or codegen/ had uncommitted changes. */
  git: { commit: string; dirty: boolean };
  node: string;
  esbuild: string;
  zod: string;
  bundles: BundleSize[];
}

/** Origin of one esbuild input path (relative to the repo): which package or file its bytes belong to. */
export function origin(input: string, entry: string): string {
  const pkg =
    /node_modules\/(zod\/v4\/(?:locales|core|classic|mini)|zod|eventsource-parser|react-dom|react|scheduler)\//.exec(
      input,
    )?.[1];
  if (pkg) return pkg === 'zod/v4/locales' ? 'zod locales' : pkg.replace('zod/v4/', 'zod ');
  if (input.startsWith('packages/client/')) return '@ssekit/client';
  if (input.startsWith('packages/contract/')) return '@ssekit/contract';
  if (input.startsWith('packages/react/')) return '@ssekit/react';
  if (input.startsWith('bench/size/fixtures/react-')) return 'app';
  if (resolve(REPO, input) === entry || input.startsWith('codegen/tests/__generated__/')) return 'generated client';
  return 'contract module';
}

function redirectContract(spec: BundleSpec): Plugin[] {
  const contract = spec.contract;
  if (!contract) return [];
  return [
    {
      name: 'seed-contract-variant',
      setup(b) {
        b.onResolve({ filter: /^\.\.\/src\/index\.js$/ }, (args) =>
          args.importer === spec.entry && args.path === SEED_CONTRACT_SPECIFIER ? { path: contract } : undefined,
        );
      },
    },
  ];
}

async function bundle(spec: BundleSpec, minify: boolean): Promise<{ code: Uint8Array; metafile: Metafile }> {
  const result = await build({
    entryPoints: [spec.entry],
    absWorkingDir: REPO,
    bundle: true,
    minify,
    format: 'esm',
    platform: 'browser',
    // workspace packages from their sources, as everywhere in the repo (tsc's dist output minifies the same)
    conditions: ['@ssekit/source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    // React's production build (no effect on bundles without React)
    define: { 'process.env.NODE_ENV': '"production"' },
    jsx: 'automatic',
    plugins: redirectContract(spec),
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${spec.entry}`);
  return { code: file.contents, metafile: result.metafile };
}

/** Bundles one client twice (as is, minified) and gzips the minified output. */
export async function measureBundle(spec: BundleSpec): Promise<BundleSize> {
  const raw = await bundle(spec, false);
  const min = await bundle(spec, true);
  const gzip = gzipSync(min.code, { level: 9 }).length;
  const composition: Record<string, number> = {};
  const zodLocales: string[] = [];
  for (const output of Object.values(min.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0) continue;
      const key = origin(input, spec.entry);
      composition[key] = (composition[key] ?? 0) + bytesInOutput;
      const locale = /zod\/v4\/locales\/([^/]+)\.js$/.exec(input)?.[1];
      if (locale && locale !== 'index') zodLocales.push(locale);
    }
  }
  return {
    name: spec.name,
    title: spec.title,
    mode: spec.mode,
    entry: relative(REPO, spec.entry),
    ...(spec.contractStyle ? { contractStyle: spec.contractStyle } : {}),
    ...(spec.contract ? { contract: relative(REPO, spec.contract) } : {}),
    raw: raw.code.length,
    min: min.code.length,
    gzip,
    ...(spec.budget === undefined ? {} : { budget: { maxGzip: spec.budget, met: gzip <= spec.budget } }),
    composition: Object.fromEntries(Object.entries(composition).sort((a, b) => b[1] - a[1])),
    zodLocales: zodLocales.sort(),
  };
}

/**
 * A copy of contracts/src whose modules import zod in the given style (everything else unchanged), in a scratch folder
 * under node_modules/.cache that resolves `zod` and `@ssekit/*` like the repo. Returns the copy's index.ts.
 */
export function seedContractInStyle(style: 'named' | 'namespace' | 'default', scratch: string): string {
  const dir = join(scratch, `contract-${style}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // as contracts/package.json: an ESM package without side effects, so unused re-exports (the chat contract) drop out
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true, "sideEffects": false }\n');
  for (const file of ['index.ts', 'chat.ts']) {
    const text = readFileSync(join(SEED_CONTRACT_DIR, file), 'utf8');
    const restyled = text.replace(/^import (?:\{ z \}|\* as z|z) from 'zod';$/m, IMPORT_LINES[style]);
    if (!restyled.includes(IMPORT_LINES[style])) throw new Error(`contracts/src/${file} has no zod import to restyle`);
    writeFileSync(join(dir, file), restyled);
  }
  return join(dir, 'index.ts');
}

/** The scratch folder of this part: bench's node_modules/.cache, outside every tsconfig and lint scope. */
export function sizeScratchDir(): string {
  const dir = join(REPO, 'node_modules/.cache/ssekit-bench/size');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Every bundle the part measures: the two seed clients the targets are about, then the contract styles compared. */
export function bundleSpecs(scratch = sizeScratchDir()): BundleSpec[] {
  const style = (s: 'named' | 'namespace' | 'default', how: string): BundleSpec => ({
    name: `zod-${s}`,
    title: `zod mode, seed contract with \`${how}\``,
    mode: 'zod',
    entry: SEED_ZOD_CLIENT,
    contractStyle: s,
    contract: seedContractInStyle(s, scratch),
  });
  return [
    {
      name: 'standalone',
      title: 'standalone mode, seed client + @ssekit/client',
      mode: 'standalone',
      entry: SEED_STANDALONE_CLIENT,
      budget: BUDGETS.standalone,
    },
    {
      name: 'zod',
      title: 'zod mode, seed client + @ssekit/client + contracts/src as committed',
      mode: 'zod',
      entry: SEED_ZOD_CLIENT,
      contractStyle: 'as committed',
      budget: BUDGETS.zod,
    },
    style('named', "import { z } from 'zod'"),
    style('default', "import z from 'zod'"),
    style('namespace', "import * as z from 'zod'"),
    {
      name: 'zod-mini',
      title: "zod mode, seed contract with `import * as z from 'zod/mini'`",
      mode: 'zod',
      entry: SEED_ZOD_CLIENT,
      contractStyle: 'mini',
      contract: MINI_CONTRACT,
    },
    {
      name: 'react-baseline',
      title: 'React app, standalone seed client, hand-written useEffect (baseline)',
      mode: 'standalone',
      entry: REACT_BASELINE_APP,
    },
    {
      name: 'react-hooks',
      title: 'the same React app with useEventStream from @ssekit/react',
      mode: 'standalone',
      entry: REACT_HOOKS_APP,
    },
  ];
}

function installedVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

export const METHOD =
  'esbuild bundle of the generated client (entry) with everything it imports: minify, format esm, platform browser, ' +
  "condition @ssekit/source (workspace packages from their sources); raw = the same bundle unminified; gzip = node:zlib gzipSync level 9 of the minified output. 1 KB = 1000 B. zod-mode style variants bundle the same contracts/generated/client.ts with its contracts import pointed at a copy of contracts/src whose zod import is rewritten, or at bench/size/fixtures/seed-contract-mini.ts. react-baseline and react-hooks bundle a React app (bench/size/fixtures/react-*.tsx, React's production build, JSX automatic) without and with @ssekit/react; their difference is what the package adds.";

/** Measures every bundle of {@link bundleSpecs}. */
export async function measureSizes(command = 'npm run bench -- --parts I'): Promise<SizeResult> {
  const bundles: BundleSize[] = [];
  for (const spec of bundleSpecs()) bundles.push(await measureBundle(spec));
  return {
    name: 'size',
    date: new Date().toISOString(),
    command,
    method: METHOD,
    git: gitState(),
    node: process.version,
    esbuild: esbuildVersion,
    zod: installedVersion('zod'),
    bundles,
  };
}

/**
 * What `@ssekit/react` (with the event store of `@ssekit/client` it brings) adds to a React app: the `react-hooks`
 * bundle minus the `react-baseline` bundle, in bytes.
 */
export function reactExtra(bundles: readonly BundleSize[]): { min: number; gzip: number } | undefined {
  const baseline = bundles.find((b) => b.name === 'react-baseline');
  const hooks = bundles.find((b) => b.name === 'react-hooks');
  return baseline && hooks ? { min: hooks.min - baseline.min, gzip: hooks.gzip - baseline.gzip } : undefined;
}

/** How many locales zod ships (each `zod/v4/locales/<code>.js`). */
function zodLocaleCount(): number {
  try {
    return readdirSync(join(REPO, 'node_modules/zod/v4/locales')).filter((f) => /^(?!index\.)[^.]+\.js$/.test(f))
      .length;
  } catch {
    return Number.NaN;
  }
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/** A console / markdown table of the sizes. */
export function formatSizes(result: SizeResult): string {
  const allLocales = zodLocaleCount();
  const lines = [
    '| bundle | raw | min | min+gzip | target (min+gzip) | zod locales |',
    '| --- | ---: | ---: | ---: | --- | --- |',
  ];
  for (const b of result.bundles) {
    const target = b.budget ? `≤ ${kb(b.budget.maxGzip)} ${b.budget.met ? '✅ met' : '❌ missed'}` : '';
    const locales =
      b.mode === 'standalone'
        ? '–'
        : b.zodLocales.length > 3
          ? `${b.zodLocales.length} of ${allLocales}`
          : b.zodLocales.join(', ') || 'none';
    lines.push(`| ${b.title} | ${kb(b.raw)} | ${kb(b.min)} | ${kb(b.gzip)} | ${target} | ${locales} |`);
  }
  const extra = reactExtra(result.bundles);
  if (extra) {
    lines.push(
      '',
      `@ssekit/react adds ${kb(extra.min)} min, ${kb(extra.gzip)} min+gzip to the React app (react-hooks − react-baseline).`,
    );
  }
  return lines.join('\n');
}
