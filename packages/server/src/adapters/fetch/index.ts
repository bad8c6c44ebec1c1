import { encodeComment } from '../../encode.js';
import { BodyTooLargeError, type CoreRequest, LimitedBody } from '../../request.js';
import type { SseRouter } from '../../router.js';
import { normalizePrefix, stripPrefix } from '../prefix.js';
import { ReadableStreamSink } from './readable-stream-sink.js';

export {
  DEFAULT_SINK_HIGH_WATER_MARK,
  ReadableStreamSink,
  type ReadableStreamSinkOptions,
  SinkDestroyedError,
} from './readable-stream-sink.js';

async function readLimited(request: Request, limit: number, signal?: AbortSignal): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const body = new LimitedBody(limit);
  // The router's body timeout: cancelling the reader ends the pending read, and the reason is what we reject with.
  const onAbort = (): void => {
    reader.cancel(signal?.reason).catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const { done, value } = await reader.read();
      if (signal?.aborted) throw signal.reason;
      if (done) return body.text();
      if (!body.add(value)) {
        await reader.cancel();
        throw new BodyTooLargeError(limit);
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Options of {@link createFetchHandler}. */
export interface FetchHandlerOptions {
  /**
   * Path prefix the handler is mounted under, stripped before routing: with `prefix: '/api/sse'`, a request for
   * `/api/sse/events` is routed as `/events` (Next.js catch-all route handlers, `app.all('/sse/*', …)` in Hono).
   * Requests outside the prefix are unmatched.
   */
  prefix?: string;
  /** Answers requests that match no SSE route (e.g. hand back to the framework). Default: a 404 problem response. */
  notFound?: (request: Request) => Response | Promise<Response>;
  /**
   * A comment written as the first bytes of every stream (`: open`), before any event. Bun.serve and Next.js route
   * handlers send the response head only with the first body bytes, so a stream that starts silent (a hub subscriber
   * waiting for its first event) has not opened for the client until then; this opens it at once. Default: none (the
   * first bytes are the first event, as on every other adapter).
   */
  openComment?: string;
  /**
   * Also receives the errors the router reports for one request (after the router's `onError`), with that request: a
   * refused `Last-Event-ID`, a handler failure, a 500. `@ssekit/testing` reads a stream's errors through it.
   */
  onError?: (error: unknown, request: Request) => void;
}

/**
 * Adapts a web `Request` to the core's view; `prefix` is stripped from the path and `onError` receives the errors
 * reported for this request (see {@link FetchHandlerOptions}).
 */
export function toCoreRequest(
  request: Request,
  prefix = '',
  onError?: (error: unknown, request: Request) => void,
): CoreRequest {
  const url = new URL(request.url);
  return {
    ...(onError ? { onError: (error: unknown) => onError(error, request) } : {}),
    method: request.method,
    // Outside the prefix: an empty URL matches no route, so the request is answered as unmatched.
    url: stripPrefix(url.pathname + url.search, prefix) ?? '',
    header: (name) => request.headers.get(name) ?? undefined,
    headers: () => Object.fromEntries(request.headers),
    readBody: (limit, signal) => readLimited(request, limit, signal),
    raw: request,
  };
}

/** A web-standard handler: Hono, Bun.serve, Deno.serve, Next.js route handlers, workers. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * Turns a router into a `(request: Request) => Promise<Response>` handler. The stream is driven by the consumer's
 * pull (see {@link ReadableStreamSink}); cancelling the Response body, or aborting `request.signal`, fires the
 * session's `signal`.
 *
 * @example
 * ```ts
 * const handler = createFetchHandler(router);
 * Bun.serve({ fetch: handler, idleTimeout: 30 });   // Bun: its default idle timeout (10 s) is below the heartbeat's
 * Deno.serve(handler);                              // Deno
 * app.mount('/sse', handler);                       // Hono (after app.use('/sse/*', cors(), bearerAuth(…)))
 * // Next.js, app/api/sse/[...path]/route.ts (Next.js sends the head with the first bytes: open with a comment):
 * export const GET = createFetchHandler(router, { prefix: '/api/sse', openComment: 'open' });
 * ```
 */
export function createFetchHandler(router: SseRouter, options: FetchHandlerOptions = {}): FetchHandler {
  const prefix = normalizePrefix(options.prefix);
  const notFound = options.notFound;
  const onError = options.onError;
  const opening = options.openComment === undefined ? undefined : encodeComment(options.openComment);
  return async (request) => {
    const result = await router.dispatch(toCoreRequest(request, prefix, onError));
    if (result.kind === 'response') {
      if (!result.matched && notFound) return notFound(request);
      const body = result.body === '' || request.method === 'HEAD' ? null : result.body;
      return new Response(body, { status: result.status, headers: result.headers });
    }
    if (request.method === 'HEAD') {
      result.abandon();
      return new Response(null, { status: 200, headers: result.headers });
    }
    const sink = new ReadableStreamSink({ signal: request.signal });
    if (opening !== undefined) sink.write(opening);
    result.start(sink);
    return new Response(sink.stream, { status: 200, headers: result.headers });
  };
}
