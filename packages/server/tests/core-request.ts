import type { CoreRequest } from '../src/request.js';

/**
 * A `CoreRequest` for tests that dispatch straight to a router, without an adapter: GET by default, header names
 * lower-cased as the adapters deliver them, and an optional body.
 *
 * @example
 * ```ts
 * const result = await router.dispatch(coreRequest('/s?x=1', { headers: { 'Last-Event-ID': '7' } }));
 * ```
 */
export function coreRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): CoreRequest {
  const headers = Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: init.method ?? 'GET',
    url,
    header: (name) => headers[name],
    headers: () => headers,
    readBody: async () => init.body ?? '',
    raw: undefined,
  };
}
