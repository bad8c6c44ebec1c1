/** Headers, or a function computing them (re-run on every connection attempt, e.g. for a fresh token). */
export type HeadersSource = HeadersInit | (() => HeadersInit | Promise<HeadersInit>);

/**
 * Evaluates a {@link HeadersSource} into a fresh `Headers` object.
 *
 * @example
 * ```ts
 * const headers = await resolveHeaders(() => ({ authorization: `Bearer ${token()}` }));
 * ```
 */
export async function resolveHeaders(source: HeadersSource | undefined): Promise<Headers> {
  if (source === undefined) return new Headers();
  const init = typeof source === 'function' ? await source() : source;
  return new Headers(init);
}

/**
 * The headers of one SSE request: the caller's, plus `Accept: text/event-stream` unless the
 * caller set one, plus exactly one `Last-Event-ID` when an id is known (any copies the caller
 * supplied, in any letter case, are replaced), plus `Content-Type: text/plain` for a body
 * unless the caller set a content type.
 *
 * @example
 * ```ts
 * buildRequestHeaders(new Headers({ 'last-event-id': 'old' }), { lastEventId: '7', hasBody: false })
 *   .get('Last-Event-ID'); // '7'
 * ```
 */
export function buildRequestHeaders(
  caller: Headers,
  request: { lastEventId: string | undefined; hasBody: boolean },
): Headers {
  const headers = new Headers(caller);
  if (!headers.has('accept')) headers.set('accept', 'text/event-stream');
  headers.delete('last-event-id');
  if (request.lastEventId) headers.set('last-event-id', request.lastEventId);
  if (request.hasBody && !headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
  return headers;
}
