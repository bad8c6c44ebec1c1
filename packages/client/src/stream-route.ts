import { InvalidArgumentError, logError, type SsekitError } from '@ssekit/contract/errors';
import { noop } from './abort.js';
import type { CloseInfo, EventStreamConnection } from './event-stream-types.js';
import { AbortedError, BufferOverflowError } from './lifecycle-errors.js';
import { openRoute } from './open-route.js';
import type { ClientConfig, RouteCallOptions, RouteClientSpec, RouteRequest, TypedEvent } from './route-types.js';

/**
 * Options of {@link streamRoute}.
 *
 * @example
 * ```ts
 * const options: StreamRouteOptions = { signal, onError: (e) => console.warn(e.message) };
 * ```
 */
export interface StreamRouteOptions extends RouteCallOptions {
  /** Errors that do not end the stream (decode failures, unknown events, retried failures). Default: `console.warn`. */
  onError?(error: SsekitError): void;
  /**
   * Events kept between the stream and a loop body that has not asked for them yet. Default 1000. With
   * `onOverflow: 'pause'` the buffer may pass it by the events of the one network chunk being parsed.
   */
  maxBufferedEvents?: number;
  /**
   * What happens when the loop falls `maxBufferedEvents` behind:
   * - `'pause'` (default): stop reading the response until the loop catches up. Nothing is dropped; the server sees
   *   TCP backpressure (and may cut the client off as a slow consumer, after which the client reconnects with
   *   `Last-Event-ID`, so a replay route loses nothing). The idle watchdog is off while paused.
   * - `'drop-oldest'`: keep reading and drop the oldest buffered events; a {@link BufferOverflowError} is reported to
   *   `onError` each time the buffer fills.
   * - `'error'`: close the connection; the buffered events are still yielded, then the loop throws a
   *   {@link BufferOverflowError}.
   */
  onOverflow?: 'pause' | 'drop-oldest' | 'error';
}

const DEFAULT_MAX_BUFFERED_EVENTS = 1000;

type Waiter<Event> = { resolve(result: IteratorResult<Event>): void; reject(error: unknown): void };

/**
 * Iterates a contract route's decoded events. The connection opens on the first `next()`.
 * Terminal errors (4xx, wrong content type, exhausted retries) are thrown from the iterator
 * after the events received before them; aborting `signal` throws an {@link AbortedError};
 * a 204 ends the iteration. `break` / `return()` closes the connection. Events are buffered
 * while the loop body runs, up to `maxBufferedEvents` (default 1000); past it, `onOverflow` decides: `'pause'`
 * (default) stops reading until the loop catches up, so none is lost and the server feels backpressure.
 *
 * @example
 * ```ts
 * for await (const e of streamRoute(config, spec, { params: { roomId: 'r1' } })) {
 *   if (e.event === 'message') console.log(e.data);
 * }
 * ```
 */
export function streamRoute<Event extends TypedEvent>(
  config: ClientConfig,
  spec: RouteClientSpec<Event>,
  request: RouteRequest,
  options: StreamRouteOptions = {},
): AsyncIterableIterator<Event> {
  const maxBuffered = options.maxBufferedEvents ?? DEFAULT_MAX_BUFFERED_EVENTS;
  const overflowPolicy = options.onOverflow ?? 'pause';
  if (!(Number.isSafeInteger(maxBuffered) && maxBuffered > 0 && /^(pause|drop-oldest|error)$/.test(overflowPolicy))) {
    throw new InvalidArgumentError(
      `streamRoute: maxBufferedEvents must be a positive integer (got ${maxBuffered}), onOverflow pause, drop-oldest or error (got ${overflowPolicy})`,
    );
  }
  const buffer: Event[] = [];
  const waiters: Waiter<Event>[] = [];
  let connection: EventStreamConnection | undefined;
  let ended: { error?: unknown } | undefined;
  let returned = false;
  // 'pause': the read the connection waits on, released once the loop took the buffer below the bound.
  let paused: { promise: Promise<void>; release(): void } | undefined;
  // 'drop-oldest': the buffer is full (reported once until it drains); 'error': the error to throw after the buffer.
  let overflowing = false;
  let overflowError: BufferOverflowError | undefined;

  const onBufferShrunk = () => {
    if (buffer.length >= maxBuffered) return;
    overflowing = false;
    if (paused) {
      const { release } = paused;
      paused = undefined;
      release();
    }
  };

  const settle = () => {
    for (;;) {
      const waiter = waiters[0];
      if (!waiter) return;
      const event = buffer.shift();
      if (event) {
        onBufferShrunk();
        waiters.shift();
        waiter.resolve({ done: false, value: event });
        continue;
      }
      if (!ended) return;
      waiters.shift();
      if (ended.error !== undefined) {
        const error = ended.error;
        ended = {}; // thrown once; later next() calls report done
        waiter.reject(error);
      } else waiter.resolve({ done: true, value: undefined });
    }
  };

  const onClose = (info: CloseInfo) => {
    if (returned) ended = {};
    else if (overflowError) ended = { error: overflowError };
    else if (info.reason === 'aborted') ended = { error: new AbortedError(options.signal?.reason) };
    else if (info.reason === 'terminal-error' || info.reason === 'retries-exhausted') ended = { error: info.error };
    else if (info.reason === 'closed' && info.error) ended = { error: info.error };
    else ended = {};
    settle();
  };

  // Terminal errors are thrown from the iterator, so they are not also sent to onError. Without
  // reconnection, every connection-level failure ends the stream, so it is terminal too.
  const noReconnect = config.reconnect === false;
  const isTerminal = (error: SsekitError): boolean => {
    switch (error.code) {
      case 'RETRIES_EXHAUSTED':
      case 'CONTENT_TYPE':
        return true;
      case 'HTTP_STATUS':
        return noReconnect || !(error as SsekitError & { retryable?: boolean }).retryable;
      case 'NETWORK':
      case 'IDLE_TIMEOUT':
      case 'CALLBACK':
        return noReconnect;
      default:
        return false;
    }
  };

  const start = () => {
    if (connection || ended) return;
    const onError = options.onError ?? logError;
    connection = openRoute(
      config,
      spec,
      request,
      {
        onTyped(event) {
          if (overflowError) return; // closing: nothing more is kept
          if (buffer.length >= maxBuffered && waiters.length === 0) {
            if (overflowPolicy === 'error') {
              overflowError = new BufferOverflowError(maxBuffered, 'error');
              connection?.close();
              return;
            }
            if (overflowPolicy === 'drop-oldest') {
              buffer.shift();
              if (!overflowing) {
                overflowing = true;
                onError(new BufferOverflowError(maxBuffered, 'drop-oldest'));
              }
            }
          }
          buffer.push(event);
          settle();
        },
        beforeRead() {
          if (overflowPolicy !== 'pause' || buffer.length < maxBuffered || ended) return undefined;
          if (!paused) {
            let release = noop;
            const promise = new Promise<void>((resolve) => {
              release = resolve;
            });
            paused = { promise, release };
          }
          return paused.promise;
        },
        onError(error) {
          if (!isTerminal(error)) onError(error);
        },
        onClose,
      },
      // the call's own options (signal, lastEventId) are read from the stream's
      options,
    );
  };

  const iterator: AsyncIterableIterator<Event> = {
    next() {
      start();
      return new Promise<IteratorResult<Event>>((resolve, reject) => {
        waiters.push({ resolve, reject });
        settle();
      });
    },
    async return() {
      returned = true;
      buffer.length = 0;
      onBufferShrunk();
      if (connection) {
        connection.close();
        await connection.done;
      } else ended = {};
      settle();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
