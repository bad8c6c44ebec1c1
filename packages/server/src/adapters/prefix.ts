/**
 * Mount prefixes of the adapters that route below a path (fetch's `prefix`, Fastify's register `prefix`): one
 * normal form, and one rule for what lies under it.
 */

/** `''` for no prefix (`undefined`, `''`, `/`), otherwise `/a/b`: one leading slash, no trailing one. */
export function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined) return '';
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `/${trimmed}`;
}

/**
 * A request URL (path and query) relative to a normalized prefix — `/sse/events?x=1` under `/sse` is `/events?x=1`,
 * `/sse` itself is `/` — or `undefined` when the URL is not under the prefix.
 */
export function stripPrefix(url: string, prefix: string): string | undefined {
  if (prefix === '') return url;
  if (url !== prefix && !url.startsWith(`${prefix}/`) && !url.startsWith(`${prefix}?`)) return undefined;
  const relative = url.slice(prefix.length);
  return relative === '' || relative.startsWith('?') ? `/${relative}` : relative;
}
