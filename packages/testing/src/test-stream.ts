import type { ProblemBody } from '@ssekit/server';
import { createParser } from 'eventsource-parser';
import { TestStreamError } from './errors.js';
import { assertEvents } from './expect.js';
import type { ExpectedEvent } from './types.js';

// Captured when the module loads, before a test fakes the clock: a wait for an event counts real time, so
// `vi.useFakeTimers()` neither fires it early nor freezes it.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realNow = performance.now.bind(performance);

/** @internal The timers as they were when the module loaded (see above). */
export const realTimers = { setTimeout: realSetTimeout, clearTimeout: realClearTimeout };

/**
 * Default time `next` and friends wait, in real milliseconds.
 *
 * @example
 * ```ts
 * await stream.next({ timeoutMs: DEFAULT_TIMEOUT_MS * 2 });
 * ```
 */
export const DEFAULT_TIMEOUT_MS = 5000;

/** A block as it came off the wire, before decoding: `event` is `message` when the block named none. */
export interface WireEvent {
  event: string;
  data: string;
  id: string | undefined;
  retry: number | undefined;
}

/** Turns a wire event into the test's event, or the error a client would report for it. */
export type WireDecoder<E> = (wire: WireEvent) => { ok: true; value: E } | { ok: false; error: unknown };

type Item<E> = { kind: 'event'; event: E } | { kind: 'invalid'; error: unknown };

interface Waiter {
  wake(): void;
}

/**
 * Options of the waits of a {@link TestStream}.
 *
 * @example
 * ```ts
 * await stream.next({ timeoutMs: 100 } satisfies WaitOptions);
 * ```
 */
export interface WaitOptions {
  /** Real milliseconds to wait; default the stream's `timeoutMs` (5000). */
  timeoutMs?: number;
}

/** What {@link TestStream} is built from: the response of the fetch handler, and how to decode its events. */
export interface TestStreamInit<E> {
  readonly route: string;
  readonly response: Response;
  /** The problem body (or text) of a response that is not a stream, read before the stream is handed out. */
  readonly refusal: ProblemBody | string | undefined;
  readonly decode: WireDecoder<E>;
  readonly abort: AbortController;
  readonly errors: unknown[];
  readonly timeoutMs: number;
}

/**
 * One SSE response read in-process, as a client reads it: parsed with `eventsource-parser`, each event decoded and
 * validated with the route's schemas. Read it with `next`, `take`, `rest`, `for await`, or assert with
 * `expectEvents` / `expectEnd`. A route that answered with a status instead of a stream gives `ok: false`, its
 * `status` and `problem`; what the router reported for this request (a handler failure, a refused `Last-Event-ID`)
 * is in `errors`. Made by `testRoute` and `testHub`.
 *
 * @example
 * ```ts
 * const stream = await testRoute(router, seedContract.greetings, { params: { name: 'Ada' }, query: { count: 2 } });
 * await stream.expectEvents([
 *   { event: 'greeting', data: { text: 'Hello, Ada!', n: 1 }, id: '1' },
 *   { event: 'greeting', data: { text: 'Hello, Ada!', n: 2 }, id: '2' },
 * ]);
 * await stream.expectEnd();
 * ```
 */
export class TestStream<E extends { event: string; data: unknown }> implements AsyncIterable<E> {
  /** The route key (or the path of a raw route). */
  readonly route: string;
  /** The HTTP status of the response. */
  readonly status: number;
  /** The response headers (`content-type`, `cache-control`, …). */
  readonly headers: Headers;
  /** True when the route answered with an event stream (2xx, `text/event-stream`). */
  readonly ok: boolean;
  /**
   * The body of a response that is not a stream: the parsed `application/problem+json` (400 lists `errors` with
   * `{ in, path, message }`), or the text of anything else. `undefined` for a stream.
   */
  readonly problem: ProblemBody | string | undefined;
  /**
   * What the router reported for this request, in order (its `onError` got them too): a `HandlerError` when the
   * handler failed (its `cause` is the handler's error, e.g. a `ContractValidationError` from `send`), an
   * `InvalidLastEventIdError`. Read it after the event that follows the failure (the error event) or after `expectEnd`.
   */
  readonly errors: readonly unknown[];
  /** Comment lines received so far (heartbeats, `session.comment(...)`), without the colon. */
  readonly comments: string[] = [];

  readonly #decode: WireDecoder<E>;
  readonly #abort: AbortController;
  readonly #timeoutMs: number;
  readonly #items: Item<E>[] = [];
  readonly #waiters = new Set<Waiter>();
  #received = 0;
  #commentsRead = 0;
  #lastEventId: string | undefined;
  #ended = false;
  #endError: unknown;
  #finished: Promise<void>;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;

  /** @internal Made by `testRoute` and `testHub`. */
  constructor(init: TestStreamInit<E>) {
    this.route = init.route;
    this.status = init.response.status;
    this.headers = init.response.headers;
    this.ok = isEventStream(init.response);
    this.problem = this.ok ? undefined : init.refusal;
    this.errors = init.errors;
    this.#decode = init.decode;
    this.#abort = init.abort;
    this.#timeoutMs = init.timeoutMs;
    if (this.ok && init.response.body) {
      this.#reader = init.response.body.getReader();
      this.#finished = this.#read(this.#reader);
    } else {
      this.#ended = true;
      this.#finished = Promise.resolve();
    }
  }

  /** True once the server ended the stream (or `close()` was called), whether or not every event was read. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Resolves when the stream ended: the server ended it, cut it, or `close()` was called. Never rejects. */
  get done(): Promise<void> {
    return this.#finished;
  }

  /** The last event id, as a client would send it on reconnect (it persists across events without an `id:`). */
  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  /**
   * The next event. Rejects with the client's error for an event the contract rejects (`EventValidationError`,
   * `UnknownEventError`, `ParseError`; the stream goes on), and with a {@link TestStreamError} when the route refused
   * the request, the stream ended, or nothing came within the timeout.
   */
  async next(options?: WaitOptions): Promise<E> {
    const item = await this.#nextItem(options);
    if (item.kind === 'invalid') throw item.error;
    return item.event;
  }

  /** The next `count` events, in order. */
  async take(count: number, options?: WaitOptions): Promise<E[]> {
    const events: E[] = [];
    for (let i = 0; i < count; i++) events.push(await this.next(options));
    return events;
  }

  /** Every event until the server ends the stream (rejects with a `timeout` if it does not end in time). */
  async rest(options?: WaitOptions): Promise<E[]> {
    const events: E[] = [];
    const deadline = realNow() + (options?.timeoutMs ?? this.#timeoutMs);
    for (;;) {
      const item = await this.#nextItem({ timeoutMs: Math.max(0, deadline - realNow()) }, true);
      if (item === undefined) return events;
      if (item.kind === 'invalid') throw item.error;
      events.push(item.event);
    }
  }

  /**
   * Reads `expected.length` events and compares them with `expected` (see {@link ExpectedEvent}: fields left out are
   * not compared). A mismatch throws `node:assert`'s `AssertionError` with a diff; returns the events read.
   */
  async expectEvents(expected: readonly ExpectedEvent<E>[], options?: WaitOptions): Promise<E[]> {
    const events = await this.take(expected.length, options);
    assertEvents(events, expected);
    return events;
  }

  /** Asserts the server ends the stream with no further event (a `TestStreamError` otherwise). */
  async expectEnd(options?: WaitOptions): Promise<void> {
    const item = await this.#nextItem(options, true);
    if (item === undefined) return;
    const what = item.kind === 'event' ? `event ${JSON.stringify(item.event)}` : `an invalid event (${item.error})`;
    throw new TestStreamError('ended', `${this.#where()}: expected the stream to end, got ${what}`);
  }

  /** The next comment line (a heartbeat, `session.comment(...)`) not returned by an earlier call. */
  async nextComment(options?: WaitOptions): Promise<string> {
    for (;;) {
      const comment = this.comments[this.#commentsRead];
      if (comment !== undefined) {
        this.#commentsRead++;
        return comment;
      }
      if (this.#ended) this.#throwEnded('a comment');
      await this.#wait(options, 'a comment');
    }
  }

  /**
   * Leaves the stream, as a client closing the connection: the session's `signal` aborts and its handler's `send`
   * throws `StreamClosedError`. Resolves when reading stopped.
   */
  async close(): Promise<void> {
    this.#abort.abort();
    await this.#reader?.cancel().catch(() => {});
    await this.#finished;
  }

  /** `for await (const event of stream)`: every event until the end; leaving the loop early closes the stream. */
  async *[Symbol.asyncIterator](): AsyncIterator<E> {
    try {
      for (;;) {
        const item = await this.#nextItem(undefined, true);
        if (item === undefined) return;
        if (item.kind === 'invalid') throw item.error;
        yield item.event;
      }
    } finally {
      if (!this.#ended) await this.close();
    }
  }

  async #nextItem(options: WaitOptions | undefined): Promise<Item<E>>;
  async #nextItem(options: WaitOptions | undefined, endIsValue: true): Promise<Item<E> | undefined>;
  async #nextItem(options: WaitOptions | undefined, endIsValue = false): Promise<Item<E> | undefined> {
    if (!this.ok) throw this.#refused();
    for (;;) {
      const item = this.#items.shift();
      if (item) return item;
      if (this.#ended) {
        if (this.#endError !== undefined) this.#throwEnded('an event');
        if (endIsValue) return undefined;
        this.#throwEnded('an event');
      }
      await this.#wait(options, endIsValue ? 'the end of the stream' : 'an event');
    }
  }

  #wait(options: WaitOptions | undefined, what: string): Promise<void> {
    const timeoutMs = options?.timeoutMs ?? this.#timeoutMs;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        wake: () => {
          realClearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve();
        },
      };
      const timer = realSetTimeout(() => {
        this.#waiters.delete(waiter);
        reject(
          new TestStreamError(
            'timeout',
            `${this.#where()}: no ${what} within ${timeoutMs} ms (${this.#received} event(s) received so far)`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter.wake();
  }

  #refused(): TestStreamError {
    const detail =
      typeof this.problem === 'string'
        ? this.problem
        : this.problem
          ? JSON.stringify(this.problem)
          : `content-type ${this.headers.get('content-type')}`;
    return new TestStreamError(
      'refused',
      `${this.#where()}: the route answered ${this.status}, not a stream: ${detail}`,
    );
  }

  #throwEnded(what: string): never {
    if (this.#endError !== undefined) {
      throw new TestStreamError(
        'destroyed',
        `${this.#where()}: the server cut the stream after ${this.#received} event(s), waiting for ${what}`,
        { cause: this.#endError },
      );
    }
    throw new TestStreamError(
      'ended',
      `${this.#where()}: the stream ended after ${this.#received} event(s), waiting for ${what}`,
    );
  }

  #where(): string {
    return `route "${this.route}"`;
  }

  #push(item: Item<E>): void {
    this.#received++;
    this.#items.push(item);
    this.#wake();
  }

  async #read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    let retry: number | undefined;
    const parser = createParser({
      onEvent: (message) => {
        const wire: WireEvent = { event: message.event || 'message', data: message.data, id: message.id, retry };
        retry = undefined;
        const decoded = this.#decode(wire);
        this.#push(decoded.ok ? { kind: 'event', event: decoded.value } : { kind: 'invalid', error: decoded.error });
      },
      onId: (id) => {
        this.#lastEventId = id === '' ? undefined : id;
      },
      onRetry: (ms) => {
        retry = ms;
      },
      onComment: (comment) => {
        this.comments.push(comment);
        this.#wake();
      },
    });
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch (error) {
      // Our own close() cancels the reader; anything else is the server cutting the stream.
      if (!this.#abort.signal.aborted) this.#endError = error;
    } finally {
      this.#ended = true;
      this.#wake();
    }
  }
}

function isEventStream(response: Response): boolean {
  const type = response.headers.get('content-type') ?? '';
  return response.status >= 200 && response.status < 300 && /^text\/event-stream\b/i.test(type);
}
