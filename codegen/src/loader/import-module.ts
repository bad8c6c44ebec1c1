import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { CodegenError, describeError } from '../errors.js';
import { defaultConditions, registerConditions } from './conditions.js';

/** What {@link importModule} returns: the module's exports and every local file it pulled in. */
export interface ImportedModule {
  readonly exports: Record<string, unknown>;
  /** Absolute paths of the files imported while loading (outside node_modules): what `--watch` watches. */
  readonly files: string[];
}

/** Options for {@link importModule}. */
export interface ImportModuleOptions {
  /** Export conditions added to resolution. Default {@link defaultConditions}. */
  readonly conditions?: readonly string[];
  /** Name shown in error messages; default the path relative to the cwd. */
  readonly displayName?: string;
}

/**
 * Imports a TypeScript (or JavaScript) module with tsx, in a fresh module graph each call so edits are picked up.
 * Failures become a {@link CodegenError} naming the module; the original error is the `cause`.
 *
 * @example
 * ```ts
 * const { exports } = await importModule('/repo/contracts/src/index.ts');
 * ```
 */
export async function importModule(path: string, options: ImportModuleOptions = {}): Promise<ImportedModule> {
  const absolute = resolve(path);
  const displayName = options.displayName ?? (relative(process.cwd(), absolute) || absolute);
  if (!existsSync(absolute)) throw new CodegenError(`module not found (${absolute})`, { module: displayName });
  registerConditions(options.conditions ?? defaultConditions());
  const files = new Set<string>();
  let exports: Record<string, unknown>;
  try {
    exports = await tsImport(pathToFileURL(absolute).href, {
      parentURL: import.meta.url,
      onImport(url: string) {
        if (!url.startsWith('file:')) return;
        const file = new URL(url).pathname;
        if (!file.includes('/node_modules/')) files.add(decodeURIComponent(file));
      },
    });
  } catch (error) {
    throw new CodegenError(`cannot load the module: ${describeError(error)}`, { module: displayName, cause: error });
  }
  files.add(absolute);
  return { exports: esExports(exports), files: [...files].sort() };
}

/**
 * A TypeScript file in a CommonJS package (no `"type": "module"`) is compiled to CommonJS and arrives as
 * `{ default: module.exports }`, with its ES exports (and its own `default`) inside that object.
 */
function esExports(namespace: Record<string, unknown>): Record<string, unknown> {
  const inner = namespace.default;
  const compiledEsm = typeof inner === 'object' && inner !== null && (inner as { __esModule?: unknown }).__esModule;
  return compiledEsm === true ? (inner as Record<string, unknown>) : namespace;
}
