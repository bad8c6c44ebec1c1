import type {
  InferBody,
  InferEventInput,
  InferEventName,
  InferHeaders,
  InferParams,
  InferQuery,
  RouteDefinition,
  Serializer,
} from '@ssekit/contract';
import { type Coalescable, type Coalescer, joinFrames } from './coalesce.js';
import { assertSafeField, encodeComment, encodeFrame, eventLine, type ServerSentEvent } from './encode.js';
import { SlowConsumerError, type SlowConsumerPolicy, StreamClosedError } from './errors.js';
import { type CompiledEvents, runSerializer, serializeEventData } from './event-codec.js';
import type { HeartbeatMember, HeartbeatWheel } from './heartbeat.js';
import type { SseSink } from './sink.js';

/** Options of one typed send: the event id and a reconnection hint. */
export interface SendOptions {
  /** Event id (no CR/LF/NUL); becomes the client's `Last-Event-ID`. */
  id?: string;
  /** Reconnection delay hint for the client, in ms. */
  retry?: number;
}

/** The request as a handler sees it. `raw` is the adapter's own object (IncomingMessage, Request, ...). */
export interface SseRequestInfo {
  readonly method: string;
  /** Path and query as received, e.g. `/greetings/ada?count=2`. */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly raw: unknown;
}

/** What every session offers, typed or raw. */
export interface SseSessionBase {
  /** Fires when the stream closes for any reason: client gone, `close()`, slow consumer, server shutdown. */
  readonly signal: AbortSignal;
  /** The client's `Last-Event-ID`, when valid (≤ 1 KiB, no CR/LF/NUL). */
  readonly lastEventId: string | undefined;
  readonly request: SseRequestInfo;
  readonly closed: boolean;
  /** Resolves once the stream closed. `return session.done` keeps a stream open until the client leaves. */
  readonly done: Promise<void>;
  /** Sends a comment frame (`: text`). */
  comment(text: string): Promise<void>;
  /** Ends the stream gracefully after flushing what is queued. Idempotent. */
  close(): void;
}

/**
 * The session of an untyped route: raw `ServerSentEvent`s, strings verbatim, other data serialized.
 *
 * @example
 * ```ts
 * router.sse('/events', async (session) => {
 *   for (let i = 0; i < 100; i++) await session.send({ data: `event ${i}` });
 * });
 * ```
 */
export interface RawSession extends SseSessionBase {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Sends one event. Throws at once (nothing written) on bad fields or a closed stream; resolves when the bytes are accepted. */
  send(event: ServerSentEvent): Promise<void>;
}

/** A raw event on a typed route: its `event` must be declared and its `data` must match. */
export type TypedServerSentEvent<R extends RouteDefinition> =
  | {
      [K in InferEventName<R>]: { event: K; data: InferEventInput<R, K> } & Omit<ServerSentEvent, 'event' | 'data'>;
    }[InferEventName<R>]
  | (Omit<ServerSentEvent, 'event' | 'data'> & { event?: undefined; data?: undefined });

/**
 * The session of a contract route: `send` is checked at compile time and parsed by the event's schema at run time.
 *
 * @example
 * ```ts
 * implement(contract, {
 *   json: async (session) => {
 *     await session.send('customer', { id: 0, firstName: 'Jet', lastName: 'Brains' });
 *   },
 * });
 * ```
 */
export interface TypedSession<R extends RouteDefinition> extends SseSessionBase {
  readonly params: InferParams<R>;
  readonly query: InferQuery<R>;
  readonly headers: InferHeaders<R>;
  readonly body: InferBody<R>;
  /** Validates `data` with the event's schema (transforms apply), serializes, encodes and writes it. */
  send<K extends InferEventName<R>>(event: K, data: InferEventInput<R, K>, options?: SendOptions): Promise<void>;
  /** Sends a raw `ServerSentEvent` whose `event`/`data` are still checked against the contract. */
  send(event: TypedServerSentEvent<R>): Promise<void>;
}

/** Everything a session needs about its route, compiled once per route. */
export interface RouteRuntime {
  readonly name: string;
  readonly path: string;
  /** Declared events, or `undefined` for raw routes. */
  readonly events: CompiledEvents | undefined;
  readonly serialize: Serializer;
  /** The shared heartbeat timer of the route's settings, or `undefined` when heartbeats are off. */
  readonly heartbeat: HeartbeatWheel | undefined;
  readonly maxQueueBytes: number;
  readonly slowConsumer: SlowConsumerPolicy;
  /** Shared coalescing scheduler when `coalesceMs` > 0. */
  readonly coalescer: Coalescer | undefined;
  readonly report: (error: unknown) => void;
}

/** The parsed request a session is created from. */
export interface SessionInit {
  readonly request: SseRequestInfo;
  readonly params: Record<string, unknown>;
  readonly query: unknown;
  readonly headers: unknown;
  readonly body: unknown;
  readonly lastEventId: string | undefined;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * A live SSE stream: the object handlers receive. Adapters create it through the router; users don't.
 */
export class SseSession implements SseSessionBase, Coalescable, HeartbeatMember {
  /** @internal The heartbeat wheel's tick at the last write. */
  lastWriteTick = 0;
  readonly request: SseRequestInfo;
  readonly params: Record<string, unknown>;
  readonly query: unknown;
  readonly body: unknown;
  readonly lastEventId: string | undefined;
  readonly #headers: unknown;

  readonly #sink: SseSink;
  readonly #route: RouteRuntime;
  #controller: AbortController | undefined;
  #closed = false;
  #dropping = false;
  /** Frames held during an open coalescing window, and their size. */
  #pending: (string | Uint8Array)[] | undefined;
  #pendingBytes = 0;
  #windowOpen = false;
  /** The window's only frame so far is the one that opened it. */
  #windowOpener = false;
  #congested = false;
  #done: Promise<void> | undefined;
  #resolveDone: (() => void) | undefined;
  readonly #onFinish: (session: SseSession) => void;

  constructor(sink: SseSink, route: RouteRuntime, init: SessionInit, onFinish: (session: SseSession) => void) {
    this.#sink = sink;
    this.#route = route;
    this.#onFinish = onFinish;
    this.request = init.request;
    this.params = init.params;
    this.query = init.query;
    this.#headers = init.headers;
    this.body = init.body;
    this.lastEventId = init.lastEventId;
    sink.onClose(() => this.#finish('client closed the stream'));
    if (!this.#closed) route.heartbeat?.join(this);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Validated headers on routes with a headers schema; otherwise the raw header record (built on first read). */
  get headers(): unknown {
    return this.#headers ?? this.request.headers;
  }

  get done(): Promise<void> {
    this.#done ??= this.#closed
      ? Promise.resolve()
      : new Promise((resolve) => {
          this.#resolveDone = resolve;
        });
    return this.#done;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#closed) this.#controller.abort(new StreamClosedError(this.#route.name));
    }
    return this.#controller.signal;
  }

  send(eventOrName: string | ServerSentEvent, data?: unknown, options?: SendOptions): Promise<void> {
    this.#assertOpen();
    if (typeof eventOrName === 'string') {
      return this.#writeFrame(this.#encodeTyped(eventOrName, data, options?.id, options?.retry, undefined));
    }
    if (typeof eventOrName !== 'object' || eventOrName === null) {
      throw new TypeError('send() takes an event name and data, or a ServerSentEvent object');
    }
    const { event, data: value, id, retry, comments } = eventOrName;
    if (this.#route.events && (event !== undefined || value !== undefined)) {
      return this.#writeFrame(this.#encodeTyped(event ?? 'message', value, id, retry, comments));
    }
    let text: string | undefined;
    let line = '';
    if (value !== undefined || event !== undefined) {
      const name = event ?? 'message';
      line = eventLine(name);
      if (event !== undefined) assertSafeField('event', event);
      text =
        typeof value === 'string'
          ? value
          : runSerializer(this.#route.serialize, value, {
              route: this.#route.name,
              path: this.#route.path,
              event: name,
              schema: undefined,
              encoding: 'json',
            });
    }
    return this.#writeFrame(encodeFrame(line, text, id, retry, comments));
  }

  comment(text: string): Promise<void> {
    this.#assertOpen();
    return this.#writeFrame(encodeComment(text));
  }

  close(): void {
    if (this.#closed) return;
    this.flushPending();
    this.#sink.end();
    this.#finish('closed by the server');
  }

  /** Writes an already-encoded frame (shared by broadcast: encode once, write to all). */
  writeEncoded(frame: string | Uint8Array): Promise<void> {
    this.#assertOpen();
    return this.#writeFrame(frame);
  }

  /** Ends the stream abruptly, e.g. on server shutdown or slow consumer. */
  destroy(reason: string): void {
    if (this.#closed) return;
    this.#sink.destroy();
    this.#finish(reason);
  }

  #assertOpen(): void {
    if (this.#closed) throw new StreamClosedError(this.#route.name);
  }

  #encodeTyped(
    name: string,
    value: unknown,
    id: string | undefined,
    retry: number | undefined,
    comments: string | readonly string[] | undefined,
  ): string {
    const events = this.#route.events as CompiledEvents;
    const { compiled, text } = serializeEventData(events, name, value);
    return encodeFrame(compiled.line, text, id, retry, comments);
  }

  #writeFrame(frame: string | Uint8Array): Promise<void> {
    const coalescer = this.#route.coalescer;
    if (coalescer === undefined) return this.#writeNow(frame);
    if (!this.#windowOpen) {
      // The first frame after a quiet window is never delayed; it opens the window for the ones that follow.
      this.#windowOpen = true;
      this.#windowOpener = true;
      coalescer.open(this);
      return this.#writeNow(frame);
    }
    if (this.#overBound(frame.length)) return RESOLVED;
    this.#pending ??= [];
    this.#pending.push(frame);
    this.#pendingBytes += frame.length;
    return this.#congested ? this.#sink.waitForDrain() : RESOLVED;
  }

  /** @internal Called by the heartbeat wheel after a period of silence; never delayed by coalescing. */
  sendHeartbeat(frame: string): void {
    if (this.#closed) return;
    this.flushPending();
    void this.#writeNow(frame);
  }

  /** Writes the frames held by the coalescing window in one write. Returns false when nothing was held. */
  flushPending(): boolean {
    if (this.#closed || this.#pending === undefined || this.#pending.length === 0) return false;
    const chunk = joinFrames(this.#pending);
    this.#pending = undefined;
    this.#pendingBytes = 0;
    void this.#writeNow(chunk);
    return true;
  }

  /**
   * @internal Called by the coalescer at the end of each window: flushes what is held and keeps the window open while
   * frames flow. The frame that opened a window went out at once, so a window with only that frame stays open once
   * more — otherwise a steady one-event-per-turn flow would reopen (and write directly) every time.
   */
  onWindowEnd(): boolean {
    const wrote = this.flushPending();
    if (wrote || this.#windowOpener) {
      this.#windowOpener = false;
      return true;
    }
    this.#windowOpen = false;
    return false;
  }

  /** Applies the slow-consumer policy before queueing `size` more bytes; true when the frame must not be queued. */
  #overBound(size: number): boolean {
    const sink = this.#sink;
    const limit = this.#route.maxQueueBytes;
    const queued = sink.bufferedBytes + this.#pendingBytes;
    if (this.#route.slowConsumer === 'drop') {
      if (this.#dropping && queued <= limit / 2) this.#dropping = false;
      if (queued + size > limit) {
        if (!this.#dropping) {
          this.#dropping = true;
          this.#route.report(new SlowConsumerError(this.#route.name, queued, limit, 'drop'));
        }
        return true;
      }
      return false;
    }
    if (queued + size > limit) {
      this.destroy('slow consumer');
      this.#route.report(new SlowConsumerError(this.#route.name, queued + size, limit, 'disconnect'));
      return true;
    }
    return false;
  }

  #writeNow(frame: string | Uint8Array): Promise<void> {
    const sink = this.#sink;
    if (this.#route.slowConsumer === 'drop' && this.#overBound(frame.length)) return RESOLVED;
    const belowHighWater = sink.write(frame);
    if (this.#route.heartbeat) this.lastWriteTick = this.#route.heartbeat.tick;
    if (sink.bufferedBytes > this.#route.maxQueueBytes && this.#route.slowConsumer === 'disconnect') {
      const queued = sink.bufferedBytes;
      this.destroy('slow consumer');
      this.#route.report(new SlowConsumerError(this.#route.name, queued, this.#route.maxQueueBytes, 'disconnect'));
      return RESOLVED;
    }
    if (belowHighWater) return RESOLVED;
    if (!this.#congested) {
      this.#congested = true;
      void sink.waitForDrain().then(() => {
        this.#congested = false;
      });
    }
    return sink.waitForDrain();
  }

  #finish(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#route.heartbeat?.leave(this);
    this.#route.coalescer?.forget(this);
    this.#pending = undefined;
    this.#controller?.abort(new StreamClosedError(`${this.#route.name} (${reason})`));
    this.#resolveDone?.();
    this.#onFinish(this);
  }
}
