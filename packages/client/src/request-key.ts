function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}

/**
 * A string that is the same for requests with the same content, whatever the order of their object keys: JSON with
 * sorted keys (`undefined` members dropped, dates as ISO strings). Hooks use it to reconnect only when a request's
 * params, query, headers or body really changed, not when a new object with the same content is passed.
 *
 * @example
 * ```ts
 * requestKey({ params: { a: 1, b: 2 } }) === requestKey({ params: { b: 2, a: 1 } }); // true
 * ```
 */
export function requestKey(request: unknown): string {
  return JSON.stringify(request, sortKeys) ?? '';
}
