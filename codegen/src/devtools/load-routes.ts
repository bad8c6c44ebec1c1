import { isAbsolute, relative, resolve } from 'node:path';
import { type AnyContractRoute, contractRoutes } from '@ssekit/contract';
import { configRoot, loadConfigFile } from '../config.js';
import { CodegenError } from '../errors.js';
import { defaultConditions } from '../loader/conditions.js';
import { findContracts } from '../loader/find-contracts.js';
import { importModule } from '../loader/import-module.js';

/** One route of the loaded contracts, under its key. */
export interface LoadedRoute {
  readonly key: string;
  readonly route: AnyContractRoute;
}

/** Where {@link loadContractRoutes} finds the contracts: the same discovery as `ssekit generate`. */
export interface LoadRoutesOptions {
  readonly cwd: string;
  /** Config file; default `ssekit.config.ts` (or .mts/.js/.mjs) in `cwd` when present. */
  readonly config?: string | undefined;
  /** Contracts module; overrides the config's `contracts`. Relative to `cwd`. */
  readonly contracts?: string | undefined;
}

/**
 * Loads the routes of every contract a module exports (or the config's `exportName`), as `ssekit generate` finds them:
 * `--contracts` first, else the config file's `contracts`.
 *
 * @example
 * ```ts
 * const routes = await loadContractRoutes({ cwd: process.cwd(), contracts: 'src/contracts.ts' });
 * ```
 */
export async function loadContractRoutes(options: LoadRoutesOptions): Promise<LoadedRoute[]> {
  const loaded =
    options.contracts !== undefined && options.config === undefined
      ? undefined
      : await loadConfigFile(options.config, options.cwd);
  const root = configRoot(loaded?.file, options.cwd);
  const fromConfig = loaded?.config.contracts;
  let path: string;
  if (options.contracts !== undefined) path = resolve(options.cwd, options.contracts);
  else if (typeof fromConfig === 'string' && fromConfig !== '') {
    path = isAbsolute(fromConfig) ? fromConfig : resolve(root, fromConfig);
  } else {
    throw new CodegenError('no contracts module: pass --contracts <module> or set `contracts` in ssekit.config.ts');
  }
  const display = relative(options.cwd, path) || path;
  const conditions = loaded?.config.conditions ?? defaultConditions();
  const imported = await importModule(path, { conditions, displayName: display });
  const exportName = options.contracts === undefined ? loaded?.config.exportName : undefined;
  const routes: LoadedRoute[] = [];
  for (const { contract } of findContracts(imported.exports, display, exportName)) {
    for (const [key, route] of contractRoutes(contract)) routes.push({ key, route });
  }
  return routes;
}

/**
 * The route whose method and path pattern match a URL (`/greetings/:name` matches `/greetings/Ada`), or `undefined`.
 * The server may be mounted under a prefix, so the pattern is matched against the end of the path; the longest
 * pattern wins, then the one with fewer params.
 *
 * @example
 * ```ts
 * matchRoute(routes, new URL('http://localhost:8080/greetings/Ada?count=2'), 'GET')?.key; // 'greetings'
 * ```
 */
export function matchRoute(routes: readonly LoadedRoute[], url: URL, method: string): LoadedRoute | undefined {
  const segments = url.pathname.split('/').filter(Boolean);
  let best: { route: LoadedRoute; length: number; params: number } | undefined;
  for (const candidate of routes) {
    if (candidate.route.method !== method.toUpperCase()) continue;
    const pattern = candidate.route.path.split('/').filter(Boolean);
    if (pattern.length > segments.length) continue;
    // The server may be mounted under a prefix: match the route's pattern against the end of the URL path.
    const tail = segments.slice(segments.length - pattern.length);
    let params = 0;
    const matches = pattern.every((part, i) => {
      if (part.startsWith(':')) {
        params++;
        return tail[i] !== '';
      }
      return part === tail[i];
    });
    const better =
      best === undefined || pattern.length > best.length || (pattern.length === best.length && params < best.params);
    if (matches && better) best = { route: candidate, length: pattern.length, params };
  }
  return best?.route;
}
