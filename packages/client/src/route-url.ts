import { InvalidArgumentError } from '@ssekit/contract/errors';
import { buildPath } from '@ssekit/contract/path';

function queryValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function resolveBase(baseUrl: string | URL): URL {
  if (baseUrl instanceof URL) return new URL(baseUrl.href);
  const location = (globalThis as { location?: { href?: string } }).location?.href;
  try {
    return location === undefined ? new URL(baseUrl) : new URL(baseUrl, location);
  } catch (cause) {
    throw new InvalidArgumentError(
      `baseUrl ${JSON.stringify(baseUrl)} is not an absolute URL (relative base URLs only work where globalThis.location exists)`,
      { cause },
    );
  }
}

/**
 * The URL of a route request: `path` (with its `:params` filled and percent-encoded) appended
 * to `baseUrl`'s path, plus the query. Query arrays become repeated keys; `undefined` and `null`
 * values are skipped; dates become ISO strings; other objects become JSON.
 *
 * @example
 * ```ts
 * buildRouteUrl('https://api.example.com/v1', '/rooms/:roomId/events', { roomId: 'a b' }, { tag: ['x', 'y'] }).href;
 * // 'https://api.example.com/v1/rooms/a%20b/events?tag=x&tag=y'
 * ```
 */
export function buildRouteUrl(
  baseUrl: string | URL,
  path: string,
  params?: Record<string, unknown>,
  query?: Record<string, unknown>,
): URL {
  const url = resolveBase(baseUrl);
  const filled = buildPath(path, params);
  url.pathname = url.pathname.replace(/\/+$/, '') + (filled.startsWith('/') ? filled : `/${filled}`);
  url.hash = '';
  if (query) {
    for (const [key, raw] of Object.entries(query)) {
      for (const item of Array.isArray(raw) ? raw : [raw]) {
        const value = queryValue(item);
        if (value !== undefined) url.searchParams.append(key, value);
      }
    }
  }
  return url;
}
