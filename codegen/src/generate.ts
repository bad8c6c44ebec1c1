import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { configRoot, loadConfigFile, type ResolvedConfig, resolveConfig, type SsekitConfig } from './config.js';
import { diffSummary } from './diff-summary.js';
import { emitters as registry } from './emitters/index.js';
import type { EmitOptions, Emitter } from './emitters/types.js';
import { CodegenError } from './errors.js';
import { readApiDocument } from './from/index.js';
import { buildIr } from './ir/build.js';
import type { IrDocument } from './ir/types.js';
import { findContracts } from './loader/find-contracts.js';
import { importModule } from './loader/import-module.js';

/** Options of {@link generate}: config keys override the config file's, like CLI flags. */
export interface GenerateOptions extends Partial<SsekitConfig> {
  /** Config file to read; default `ssekit.config.ts` in `cwd` when it exists; `false` reads none. */
  config?: string | false;
  /** Folder to resolve relative paths and find the config in. Default `process.cwd()`. */
  cwd?: string;
  /** Compare with the files on disk instead of writing; stale files are listed in `stale`. */
  check?: boolean;
  /** Emitters to choose from. Default: the registry in `emitters/index.ts`. */
  emitters?: Readonly<Record<string, Emitter>>;
}

/** One output file and what happened to it. */
export interface GeneratedFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the output folder, `/`-separated. */
  name: string;
  /** Which emitter wrote it. */
  emitter: string;
  contents: string;
  /** `created`/`updated`/`unchanged` when writing; `missing`/`stale`/`unchanged` with `check`. */
  status: 'created' | 'updated' | 'unchanged' | 'missing' | 'stale';
  /** With `check`, for stale files: the first changed lines. */
  diff?: string;
}

/** What {@link generate} did. */
export interface GenerateResult {
  config: ResolvedConfig;
  ir: IrDocument;
  files: GeneratedFile[];
  /** Files that differ from what would be generated (only with `check`). */
  stale: GeneratedFile[];
  /** Things generation could do only partly (standalone mode, zod-only schemas). */
  warnings: string[];
  /** With `from`: the document's operations that are not SSE streams or cannot be called, as `METHOD /path: why`. */
  skipped: string[];
  /** Every local file the contracts (and config) import: what `--watch` watches. */
  inputs: string[];
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function posix(path: string): string {
  return path.split(sep).join('/');
}

/**
 * `ssekit generate` as a function: load the config and the contracts module, build the IR, run the emitters, then
 * write the files (only those that changed) or, with `check`, report the stale ones.
 *
 * @example
 * ```ts
 * const result = await generate({ cwd: 'contracts', check: true });
 * if (result.stale.length) process.exitCode = 1;
 * ```
 */
export async function generate(options: GenerateOptions = {}): Promise<GenerateResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const { config: configPath, cwd: _cwd, check = false, emitters = registry, ...overrides } = options;
  const loaded = configPath === false ? undefined : await loadConfigFile(configPath, cwd);
  const root = configRoot(loaded?.file, cwd);
  const fromFile = loaded?.config ?? {};
  // Flags are relative to where the command runs; the file's paths to the file.
  const flagPaths = defined({
    contracts: overrides.contracts === undefined ? undefined : resolve(cwd, overrides.contracts),
    out: overrides.out === undefined ? undefined : resolve(cwd, overrides.out),
    from: overrides.from === undefined ? undefined : resolve(cwd, overrides.from),
  });
  const config = resolveConfig({ ...fromFile, ...defined(overrides), ...flagPaths }, root, loaded?.file);
  const source = posix(relative(root, config.from ?? config.contracts));

  const names = config.outputs ?? Object.keys(emitters);
  for (const name of names) {
    if (!emitters[name]) {
      throw new CodegenError(`unknown output "${name}" (known: ${Object.keys(emitters).join(', ') || 'none'})`);
    }
  }
  // Before the contracts load: an emitter may warm up on another thread meanwhile.
  for (const name of names) emitters[name]!.prepare?.();

  const warnings: string[] = [];
  let ir: IrDocument;
  let inputFiles: string[];
  let skipped: string[] = [];
  if (config.from !== undefined) {
    const read = await readApiDocument(config.from, { module: source, contractImport: config.contractImport });
    ir = withConfigInfo(read.ir, config);
    for (const warning of read.warnings) warnings.push(`${source}: ${warning.pointer}: ${warning.message}`);
    for (const note of read.notes) warnings.push(`${source}: ${note}`);
    skipped = read.skipped;
    inputFiles = [config.from];
  } else {
    const imported = await importModule(config.contracts, { conditions: config.conditions, displayName: source });
    const contracts = findContracts(imported.exports, source, config.exportName);
    ir = buildIr(contracts, {
      info: config.info,
      servers: config.servers,
      contractImport: config.contractImport,
      module: source,
    });
    inputFiles = imported.files;
  }

  if (config.validation === 'standalone') {
    for (const route of ir.routes) {
      for (const event of route.events) {
        if (!event.needsZod) continue;
        const what = event.zodOnly.join(', ');
        const message = `only zod can fully check this schema (${what}); standalone validation checks what JSON Schema expresses`;
        if (config.onNeedsZod === 'error') {
          throw new CodegenError(`${message} (onNeedsZod: 'error')`, {
            module: source,
            route: route.key,
            event: event.name,
          });
        }
        warnings.push(`${source}: route "${route.key}", event "${event.name}": ${message}`);
      }
    }
  }

  const emitOptions: EmitOptions = {
    validation: config.validation,
    runtimeImport: config.runtimeImport,
    openapiVersion: config.openapiVersion,
    source,
  };
  // Every emitter starts before any is awaited, so work an emitter hands to another thread overlaps the others;
  // results and errors are then taken in the order of `outputs`, as one after the other would.
  const runs = names.map((name) => {
    try {
      return Promise.resolve(emitters[name]!.emit(ir, emitOptions));
    } catch (error) {
      return Promise.reject(error);
    }
  });
  for (const run of runs) run.catch(() => undefined);
  const files: GeneratedFile[] = [];
  const owners = new Map<string, string>();
  for (const [index, name] of names.entries()) {
    let emitted: Awaited<ReturnType<Emitter['emit']>>;
    try {
      emitted = await runs[index]!;
    } catch (error) {
      if (error instanceof CodegenError) throw error;
      throw new CodegenError(`emitter "${name}" failed: ${error instanceof Error ? error.message : String(error)}`, {
        module: source,
        cause: error,
      });
    }
    for (const file of emitted) {
      const path = resolve(config.out, file.path);
      const inside = relative(config.out, path);
      if (inside.startsWith('..') || inside === '') {
        throw new CodegenError(`emitter "${name}" wants to write ${file.path}, outside the output folder`);
      }
      const clash = owners.get(path);
      if (clash) throw new CodegenError(`emitters "${clash}" and "${name}" both write ${file.path}`);
      owners.set(path, name);
      files.push({ path, name: posix(inside), emitter: name, contents: file.contents, status: 'unchanged' });
    }
  }

  for (const file of files) {
    const current = await readFile(file.path, 'utf8').catch(() => undefined);
    if (current === file.contents) continue;
    if (check) {
      file.status = current === undefined ? 'missing' : 'stale';
      if (current !== undefined) file.diff = diffSummary(current, file.contents);
      continue;
    }
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.contents);
    file.status = current === undefined ? 'created' : 'updated';
  }
  const inputs = [...new Set([...inputFiles, ...(loaded ? [loaded.file] : [])])].sort();
  return {
    config,
    ir,
    files,
    stale: files.filter((f) => f.status === 'stale' || f.status === 'missing'),
    warnings,
    skipped,
    inputs,
  };
}

/** The config's `info` and `servers` win over the document's. */
function withConfigInfo(ir: IrDocument, config: ResolvedConfig): IrDocument {
  const info = { ...ir.info, ...defined(config.info) };
  const servers =
    config.servers.length > 0
      ? config.servers.map((server, index) => ({
          name: server.name ?? (index === 0 ? 'default' : `server${index + 1}`),
          url: server.url,
          description: server.description,
        }))
      : ir.servers;
  const defaultBaseUrl = config.servers.length > 0 ? absoluteHttpUrl(servers[0]!.url) : ir.defaultBaseUrl;
  const { defaultBaseUrl: _, ...rest } = ir;
  return { ...rest, info, servers, ...(defaultBaseUrl === undefined ? {} : { defaultBaseUrl }) };
}

function absoluteHttpUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
