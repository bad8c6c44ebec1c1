import { BodyTooLargeError, type CoreRequest } from '../../request.ts';
import type { SseRouter } from '../../router.ts';
import type { SseSink } from '../../sink.ts';

const encoder = new TextEncoder();
const HIGH_WATER_MARK = 16 * 1024;

/**
 * A sink over a web `ReadableStream`: it enqueues only against the consumer's pull (desiredSize), so a slow reader is
 * visible as `bufferedBytes`, and `cancel()` on the Response body closes the session.
 *
 * @example
 * ```ts
 * const sink = new ReadableStreamSink();
 * return new Response(sink.stream, { headers });
 * ```
 */
export class ReadableStreamSink implements SseSink {
  readonly stream: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #closed = false;
  #closeListeners: (() => void)[] = [];
  #drainWaiters: (() => void)[] = [];

  constructor(signal?: AbortSignal) {
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => this.#drained(),
        cancel: () => this.#markClosed(),
      },
      { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
    );
    if (signal?.aborted) this.#markClosed();
    else signal?.addEventListener('abort', () => this.#markClosed(), { once: true });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get bufferedBytes(): number {
    return this.#closed ? 0 : HIGH_WATER_MARK - (this.#controller.desiredSize ?? HIGH_WATER_MARK);
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.#closed) return true;
    this.#controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    return (this.#controller.desiredSize ?? 0) > 0;
  }

  waitForDrain(): Promise<void> {
    if (this.#closed || (this.#controller.desiredSize ?? 0) > 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  end(): void {
    if (this.#closed) return;
    this.#controller.close();
    this.#markClosed();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#controller.error(new Error('stream destroyed'));
    this.#markClosed();
  }

  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#closeListeners.push(listener);
  }

  #drained(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#drained();
    const listeners = this.#closeListeners;
    this.#closeListeners = [];
    for (const listener of listeners) listener();
  }
}

async function readLimited(request: Request, limit: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** Adapts a web `Request` to the core's view. */
export function toCoreRequest(request: Request): CoreRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    url: url.pathname + url.search,
    header: (name) => request.headers.get(name) ?? undefined,
    headers: () => Object.fromEntries(request.headers),
    readBody: (limit) => readLimited(request, limit),
    raw: request,
  };
}

/** A web-standard handler: Hono, Bun.serve, Deno.serve, Next.js route handlers, workers. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * Turns a router into a `(request: Request) => Promise<Response>` handler. The stream respects the consumer's pull;
 * cancelling the Response body (or aborting `request.signal`) fires the session's `signal`.
 *
 * @example
 * ```ts
 * const handler = createFetchHandler(router);
 * Bun.serve({ fetch: handler });            // Bun
 * Deno.serve(handler);                      // Deno
 * export const GET = handler;               // Next.js route handler
 * app.get('/events/*', (c) => handler(c.req.raw)); // Hono
 * ```
 */
export function createFetchHandler(router: SseRouter): FetchHandler {
  return async (request) => {
    const result = await router.dispatch(toCoreRequest(request));
    if (result.kind === 'response') {
      const body = result.body === '' || request.method === 'HEAD' ? null : result.body;
      return new Response(body, { status: result.status, headers: result.headers });
    }
    const sink = new ReadableStreamSink(request.signal);
    if (request.method === 'HEAD') {
      sink.end();
      return new Response(null, { status: 200, headers: result.headers });
    }
    result.start(sink);
    return new Response(sink.stream, { status: 200, headers: result.headers });
  };
}
