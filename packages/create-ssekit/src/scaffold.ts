import { mkdirSync, readdirSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CreateSsekitError } from './errors.js';
import { validateAppName } from './name.js';
import {
  APP_DEPENDENCY_NAMES,
  type AppPackageJson,
  appPackageJson,
  SERVER_KINDS,
  type ServerKind,
  ssekitSpecs,
  VALIDATION_MODES,
  type ValidationMode,
} from './package-json.js';
import { findTarballs } from './packages-from.js';
import { readTemplates, render } from './templates.js';
import { ownVersion } from './version.js';

/** What {@link scaffold} creates. */
export interface ScaffoldOptions {
  /** The app folder; must not exist or be empty. Its basename is the app's package name. */
  dir: string;
  /** What a relative `dir` and `packagesFrom` are resolved against. Default `process.cwd()`. */
  cwd?: string;
  /** `node` (default): node:http via `@ssekit/server/node`. `hono`: Hono on @hono/node-server. */
  server?: ServerKind;
  /** How the generated client validates events. Default `zod`. */
  validation?: ValidationMode;
  /**
   * A folder of `npm pack` tarballs of the ssekit packages, to try unreleased builds: the app's `@ssekit/*`
   * dependencies become `file:` paths to them instead of `^version`.
   */
  packagesFrom?: string;
  /** The `@ssekit/*` version range base. Default: create-ssekit's own version. */
  version?: string;
}

/** What {@link scaffold} wrote. */
export interface ScaffoldResult {
  /** The app folder, absolute. */
  dir: string;
  /** The app's package name. */
  name: string;
  server: ServerKind;
  validation: ValidationMode;
  /** The written `package.json`. */
  packageJson: AppPackageJson;
  /** Every written file, relative to `dir` with `/` separators, sorted. */
  files: string[];
}

function checkChoice<T extends string>(flag: string, value: T | undefined, choices: readonly T[]): T {
  if (value === undefined) return choices[0] as T;
  if (!choices.includes(value)) {
    throw new CreateSsekitError(
      'USAGE',
      `--${flag} must be ${choices.map((choice) => `"${choice}"`).join(' or ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Throws `TARGET_NOT_EMPTY` unless `dir` is missing or an empty folder. */
function checkTarget(dir: string, shown: string): void {
  let stats: Stats;
  try {
    stats = statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!stats.isDirectory()) {
    throw new CreateSsekitError('TARGET_NOT_EMPTY', `${shown} exists and is not a folder; choose another name`);
  }
  const entries = readdirSync(dir);
  if (entries.length > 0) {
    const sample = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', ...' : '');
    throw new CreateSsekitError(
      'TARGET_NOT_EMPTY',
      `${shown} is not empty (${sample}); create-ssekit writes only into a new or empty folder`,
    );
  }
}

/**
 * Writes a new ssekit app into `options.dir`: a contract, a server, the generator config, a client script, a test,
 * a README and a `package.json` whose `npm test` generates the client, type-checks and runs the test. Everything is
 * checked before the first write, so a {@link CreateSsekitError} (`INVALID_NAME`, `TARGET_NOT_EMPTY`, `USAGE`)
 * leaves the disk untouched.
 *
 * @example
 * ```ts
 * const result = await scaffold({ dir: 'my-app', server: 'hono' });
 * console.log(result.files); // ['.gitignore', 'README.md', 'package.json', 'src/app.ts', ...]
 * ```
 */
export async function scaffold(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const cwd = options.cwd ?? process.cwd();
  if (typeof options.dir !== 'string' || options.dir === '') {
    throw new CreateSsekitError('USAGE', 'no app folder given');
  }
  const dir = resolve(cwd, options.dir);
  const name = basename(dir);
  const server = checkChoice('server', options.server, SERVER_KINDS);
  const validation = checkChoice('validation', options.validation, VALIDATION_MODES);
  validateAppName(name, APP_DEPENDENCY_NAMES);
  const version = options.version ?? ownVersion();
  const tarballs = options.packagesFrom === undefined ? undefined : findTarballs(options.packagesFrom, version, cwd);
  checkTarget(dir, options.dir);

  const packageJson = appPackageJson({ name, server, ssekit: ssekitSpecs(version, tarballs) });
  const values = { name, validation, serverName: server === 'hono' ? 'Hono on Node' : 'node:http' };
  const contents = new Map<string, string>();
  for (const file of readTemplates(server)) contents.set(file.path, render(file.text, values));
  contents.set('package.json', `${JSON.stringify(packageJson, null, 2)}\n`);

  const files = [...contents.keys()].sort();
  for (const path of files) {
    const target = join(dir, ...path.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, contents.get(path) as string);
  }
  return { dir, name, server, validation, packageJson, files };
}
