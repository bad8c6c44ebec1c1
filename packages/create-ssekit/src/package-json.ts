import { fileSpec, SSEKIT_PACKAGES, type SsekitPackage, type Tarballs } from './packages-from.js';

/** The server a scaffolded app runs on: node:http (`serve` from `@ssekit/server/node`) or Hono on @hono/node-server. */
export type ServerKind = 'node' | 'hono';

/** How the generated client validates events: with the contract's zod schemas, or emitted validators. */
export type ValidationMode = 'zod' | 'standalone';

/** Every {@link ServerKind}, the first the default. */
export const SERVER_KINDS: readonly ServerKind[] = ['node', 'hono'];

/** Every {@link ValidationMode}, the first the default. */
export const VALIDATION_MODES: readonly ValidationMode[] = ['zod', 'standalone'];

/**
 * Version ranges of the app's dependencies outside ssekit.
 *
 * @example
 * ```ts
 * THIRD_PARTY_VERSIONS.zod; // '^4.1.0'
 * ```
 */
export const THIRD_PARTY_VERSIONS = {
  zod: '^4.1.0',
  hono: '^4.13.19',
  '@hono/node-server': '^2.1.9',
  typescript: '^5.9.3',
  tsx: '^4.20.0',
  '@types/node': '^22.10.0',
} as const;

/** The `package.json` of a scaffolded app. */
export interface AppPackageJson {
  name: string;
  version: string;
  private: true;
  description: string;
  type: 'module';
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** What {@link appPackageJson} needs. */
export interface AppPackageJsonOptions {
  /** The app's package name. */
  name: string;
  server: ServerKind;
  /** The spec of each `@ssekit/*` dependency; see {@link ssekitSpecs}. */
  ssekit: Record<SsekitPackage, string>;
}

/**
 * The spec of each `@ssekit/*` dependency: `file:` + the tarball when `tarballs` are given (testing unreleased
 * builds), else `^version` (create-ssekit and the ssekit packages are released in lockstep).
 *
 * @example
 * ```ts
 * ssekitSpecs('0.1.0').server; // '^0.1.0'
 * ssekitSpecs('0.1.0', findTarballs('/tmp/packs', '0.1.0')).server; // 'file:/tmp/packs/ssekit-server-0.1.0.tgz'
 * ```
 */
export function ssekitSpecs(version: string, tarballs?: Tarballs): Record<SsekitPackage, string> {
  const specs = {} as Record<SsekitPackage, string>;
  for (const pkg of SSEKIT_PACKAGES) specs[pkg] = tarballs ? fileSpec(tarballs[pkg]) : `^${version}`;
  return specs;
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The names of every dependency a scaffolded app has, whatever its options: the app may not be named after one.
 *
 * @example
 * ```ts
 * APP_DEPENDENCY_NAMES.includes('zod'); // true
 * ```
 */
export const APP_DEPENDENCY_NAMES: readonly string[] = [
  ...SSEKIT_PACKAGES.map((pkg) => `@ssekit/${pkg}`),
  ...Object.keys(THIRD_PARTY_VERSIONS),
];

/**
 * The scaffolded app's `package.json`, as an object (written with `JSON.stringify`, so it is always valid JSON).
 *
 * @example
 * ```ts
 * const manifest = appPackageJson({ name: 'my-app', server: 'hono', ssekit: ssekitSpecs('0.1.0') });
 * manifest.dependencies.hono; // '^4.13.19'
 * ```
 */
export function appPackageJson(options: AppPackageJsonOptions): AppPackageJson {
  const { ssekit } = options;
  const dependencies: Record<string, string> = {
    '@ssekit/contract': ssekit.contract,
    '@ssekit/server': ssekit.server,
    '@ssekit/client': ssekit.client,
    zod: THIRD_PARTY_VERSIONS.zod,
  };
  if (options.server === 'hono') {
    dependencies.hono = THIRD_PARTY_VERSIONS.hono;
    dependencies['@hono/node-server'] = THIRD_PARTY_VERSIONS['@hono/node-server'];
  }
  return {
    name: options.name,
    version: '0.1.0',
    private: true,
    description: `Typed Server-Sent Events on ssekit (${options.server === 'hono' ? 'Hono' : 'node:http'})`,
    type: 'module',
    scripts: {
      generate: 'ssekit generate',
      start: 'tsx src/server.ts',
      client: 'tsx src/client.ts',
      typecheck: 'tsc --noEmit',
      test: 'ssekit generate && tsc --noEmit && node --import tsx --test test/ticker.test.ts',
    },
    dependencies: sorted(dependencies),
    devDependencies: sorted({
      '@ssekit/codegen': ssekit.codegen,
      '@types/node': THIRD_PARTY_VERSIONS['@types/node'],
      tsx: THIRD_PARTY_VERSIONS.tsx,
      typescript: THIRD_PARTY_VERSIONS.typescript,
    }),
  };
}
