/**
 * The `init` argument of the platform's own `fetch` — the DOM's in a browser, Node's (`@types/node`) on a server — so
 * the client's types need no DOM lib in a Node-only app.
 *
 * @example
 * ```ts
 * const init: FetchInit = { credentials: 'include', headers: { accept: 'text/event-stream' } };
 * ```
 */
export type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;

/**
 * Request headers as `fetch` takes them: a `Headers` object, a record or a list of pairs.
 *
 * @example
 * ```ts
 * const headers: FetchHeaders = { authorization: 'Bearer abc' };
 * ```
 */
export type FetchHeaders = NonNullable<FetchInit['headers']>;

/**
 * The `credentials` mode of `fetch`: `'omit'`, `'same-origin'` or `'include'`.
 *
 * @example
 * ```ts
 * const credentials: FetchCredentials = 'include'; // send cookies on a cross-origin stream
 * ```
 */
export type FetchCredentials = NonNullable<FetchInit['credentials']>;

/**
 * Headers, or a function computing them (re-run on every connection attempt, e.g. for a fresh token).
 *
 * @example
 * ```ts
 * const headers: HeadersSource = async () => ({ authorization: `Bearer ${await getToken()}` });
 * ```
 */
export type HeadersSource = FetchHeaders | (() => FetchHeaders | Promise<FetchHeaders>);

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
 * caller set one, plus exactly one `Last-Event-ID`: the known last event id, which replaces any
 * copies the caller supplied (in any letter case); with no known id, the caller's own value is
 * kept. Plus `Content-Type: text/plain` for a body unless the caller set a content type.
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
  // Headers#set replaces every copy, whatever its letter case, so exactly one line is sent
  if (request.lastEventId) headers.set('last-event-id', request.lastEventId);
  else if (headers.get('last-event-id') === '') headers.delete('last-event-id');
  if (request.hasBody && !headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
  return headers;
}
