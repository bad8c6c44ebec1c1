import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CodegenError } from './errors.js';
import { defaultConditions } from './loader/conditions.js';
import { importModule } from './loader/import-module.js';

/** How the generated client validates event data. */
export type ValidationMode = 'zod' | 'standalone';

/**
 * `ssekit.config.ts`: what to generate from which contracts. Relative paths are relative to the config file.
 *
 * @example
 * ```ts
 * export default defineConfig({ contracts: './src/index.ts', out: './generated', validation: 'standalone' });
 * ```
 */
export interface SsekitConfig {
  /** The TypeScript module exporting the contract(s). Not needed with `from`. */
  contracts: string;
  /**
   * An OpenAPI 3.0/3.1/3.2 or AsyncAPI 3.0 document (YAML or JSON) to generate from instead of `contracts`: its SSE
   * operations become the client's routes. Use it with `validation: 'standalone'` (there is no zod contract).
   */
  from?: string;
  /** Output folder. */
  out: string;
  /** `zod` (default): validate with the contract's own schemas. `standalone`: emitted validators, no zod at run time. */
  validation?: ValidationMode;
  /** Emitters to run, by name. Default: every registered emitter. */
  outputs?: string[];
  /** Docs metadata. */
  info?: { title?: string; version?: string; description?: string };
  /** Servers for the docs. */
  servers?: { name?: string; url: string; description?: string }[];
  /** Only this export of the contracts module (default: every exported contract, merged). */
  exportName?: string;
  /**
   * Specifier the client imports the contracts module from (zod mode, routes with a custom deserializer).
   * Default: the path from `out` to `contracts`, with a `.js` extension (TypeScript and bundlers map it to `.ts`).
   */
  contractImport?: string;
  /** Specifier of the client runtime. Default `@ssekit/client`. */
  runtimeImport?: string;
  /** OpenAPI version for the openapi emitter. Default `3.2`. */
  openapiVersion?: '3.2' | '3.1';
  /**
   * Standalone mode, events whose schema only zod can check fully (transforms, refinements, Dates): `warn` (default)
   * emits what JSON Schema can check and reports the gap; `error` fails generation.
   */
  onNeedsZod?: 'warn' | 'error';
  /** Export conditions used to load the contracts. Default: the `SSEKIT_CONDITIONS` environment variable (comma-separated), else none. */
  conditions?: string[];
}

/**
 * Declares `ssekit.config.ts` with type checking; returns its argument.
 *
 * @example
 * ```ts
 * import { defineConfig } from '@ssekit/codegen';
 * export default defineConfig({ contracts: './src/index.ts', out: './generated' });
 * ```
 */
export function defineConfig(config: SsekitConfig): SsekitConfig {
  return config;
}

/** A config with every path absolute and every default applied. */
export interface ResolvedConfig
  extends Required<Omit<SsekitConfig, 'exportName' | 'info' | 'servers' | 'outputs' | 'from'>> {
  /** The API document to read instead of `contracts`, if any (absolute). */
  from: string | undefined;
  exportName: string | undefined;
  info: NonNullable<SsekitConfig['info']>;
  servers: NonNullable<SsekitConfig['servers']>;
  /** Emitters to run; `undefined` means all registered. */
  outputs: string[] | undefined;
  /** Folder relative paths were resolved against. */
  root: string;
  /** The config file, if one was read. */
  configFile: string | undefined;
}

/** Default config file names, tried in order. */
export const CONFIG_FILES = ['ssekit.config.ts', 'ssekit.config.mts', 'ssekit.config.js', 'ssekit.config.mjs'];

/**
 * Finds and imports a config file (`ssekit.config.ts` in `cwd` unless `path` is given). Returns `undefined` when
 * no path was given and none exists.
 */
export async function loadConfigFile(
  path: string | undefined,
  cwd: string,
): Promise<{ config: Partial<SsekitConfig>; file: string } | undefined> {
  const file = path
    ? resolve(cwd, path)
    : CONFIG_FILES.map((name) => resolve(cwd, name)).find((candidate) => existsSync(candidate));
  if (!file) return undefined;
  const display = relative(cwd, file) || file;
  if (!existsSync(file)) throw new CodegenError('config file not found', { module: display });
  const { exports } = await importModule(file, { displayName: display });
  const config = (exports.default ?? exports.config) as unknown;
  if (typeof config !== 'object' || config === null) {
    throw new CodegenError('must `export default defineConfig({ ... })`', { module: display });
  }
  return { config: config as Partial<SsekitConfig>, file };
}

function importPath(fromDir: string, file: string): string {
  let path = relative(fromDir, file).split(sep).join('/');
  if (!path.startsWith('.')) path = `./${path}`;
  return path.replace(/\.(m|c)?tsx?$/, (_, kind: string | undefined) => `.${kind ?? ''}js`);
}

/**
 * Merges a config file, overrides (CLI flags) and defaults; paths become absolute.
 *
 * @example
 * ```ts
 * resolveConfig({ contracts: './src/index.ts', out: './generated' }, '/repo/contracts');
 * ```
 */
export function resolveConfig(config: Partial<SsekitConfig>, root: string, configFile?: string): ResolvedConfig {
  const where = configFile ? { module: relative(process.cwd(), configFile) || configFile } : {};
  const hasFrom = typeof config.from === 'string' && config.from !== '';
  if (config.from !== undefined && !hasFrom) {
    throw new CodegenError(`\`from\` must be a file path, got ${JSON.stringify(config.from)}`, where);
  }
  if (!hasFrom && (typeof config.contracts !== 'string' || config.contracts === '')) {
    throw new CodegenError(
      'no contracts module: set `contracts` (or `from`) in ssekit.config.ts or pass --contracts (or --from)',
      where,
    );
  }
  if (typeof config.out !== 'string' || config.out === '') {
    throw new CodegenError('no output folder: set `out` in ssekit.config.ts or pass --out', where);
  }
  // From a document there is no zod contract to import: standalone validators are the only choice.
  const validation = config.validation ?? (hasFrom ? 'standalone' : 'zod');
  if (validation !== 'zod' && validation !== 'standalone') {
    throw new CodegenError(`validation must be "zod" or "standalone", got ${JSON.stringify(validation)}`, where);
  }
  if (hasFrom && validation === 'zod') {
    throw new CodegenError(
      '`from` generates standalone validators: use validation "standalone" (or leave it unset)',
      where,
    );
  }
  const from = hasFrom ? (isAbsolute(config.from!) ? config.from! : resolve(root, config.from!)) : undefined;
  const contractsPath = typeof config.contracts === 'string' && config.contracts !== '' ? config.contracts : from!;
  const contracts = isAbsolute(contractsPath) ? contractsPath : resolve(root, contractsPath);
  const out = isAbsolute(config.out) ? config.out : resolve(root, config.out);
  return {
    contracts,
    from,
    out,
    validation,
    outputs: config.outputs,
    info: config.info ?? {},
    servers: config.servers ?? [],
    exportName: config.exportName,
    contractImport: config.contractImport ?? importPath(out, contracts),
    runtimeImport: config.runtimeImport ?? '@ssekit/client',
    openapiVersion: config.openapiVersion ?? '3.2',
    onNeedsZod: config.onNeedsZod ?? 'warn',
    conditions: config.conditions ?? defaultConditions(),
    root,
    configFile,
  };
}

/** Folder a config file's relative paths are resolved against. */
export function configRoot(configFile: string | undefined, cwd: string): string {
  return configFile ? dirname(configFile) : cwd;
}
