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
import { InvalidArgumentError } from '@ssekit/contract';
import type { Coalescer } from './coalesce.js';
import { assertSafeField, encodeComment, encodeFrame, eventLine, type ServerSentEvent } from './encode.js';
import { type SlowConsumerPolicy, StreamClosedError } from './errors.js';
import { type CompiledEvents, runSerializer, serializeEventData } from './event-codec.js';
import type { HeartbeatWheel } from './heartbeat.js';
import type { SseSink } from './sink.js';
import { WriteQueue } from './write-queue.js';

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

/**
 * A live SSE stream: the object handlers receive. It checks and encodes what is sent; its {@link WriteQueue} decides
 * when the bytes reach the sink. Adapters create it through the router; users don't.
 */
export class SseSession implements SseSessionBase {
  readonly request: SseRequestInfo;
  readonly params: Record<string, unknown>;
  readonly query: unknown;
  readonly body: unknown;
  readonly lastEventId: string | undefined;
  readonly #headers: unknown;

  readonly #sink: SseSink;
  readonly #route: RouteRuntime;
  readonly #queue: WriteQueue;
  #controller: AbortController | undefined;
  #closed = false;
  #done: Promise<void> | undefined;
  #resolveDone: (() => void) | undefined;
  readonly #onFinish: (session: SseSession) => void;

  constructor(sink: SseSink, route: RouteRuntime, init: SessionInit, onFinish: (session: SseSession) => void) {
    this.#sink = sink;
    this.#route = route;
    this.#onFinish = onFinish;
    this.#queue = new WriteQueue(sink, route, (reason) => this.destroy(reason));
    this.request = init.request;
    this.params = init.params;
    this.query = init.query;
    this.#headers = init.headers;
    this.body = init.body;
    this.lastEventId = init.lastEventId;
    sink.onClose(() => this.#finish('client closed the stream'));
    if (!this.#closed) this.#queue.start();
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
      return this.#queue.write(this.#encodeTyped(eventOrName, data, options?.id, options?.retry, undefined));
    }
    if (typeof eventOrName !== 'object' || eventOrName === null) {
      throw new InvalidArgumentError('send() takes an event name and data, or a ServerSentEvent object');
    }
    const { event, data: value, id, retry, comments } = eventOrName;
    if (this.#route.events && (event !== undefined || value !== undefined)) {
      return this.#queue.write(this.#encodeTyped(event ?? 'message', value, id, retry, comments));
    }
    return this.#queue.write(this.#encodeRaw(event, value, id, retry, comments));
  }

  comment(text: string): Promise<void> {
    this.#assertOpen();
    return this.#queue.write(encodeComment(text));
  }

  close(): void {
    if (this.#closed) return;
    this.#queue.flushPending();
    this.#sink.end();
    this.#finish('closed by the server');
  }

  /** Writes an already-encoded frame (shared by broadcast: encode once, write to all). */
  writeEncoded(frame: string | Uint8Array): Promise<void> {
    this.#assertOpen();
    return this.#queue.write(frame);
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

  /** A raw route's event: strings verbatim, other data through the route's serializer. */
  #encodeRaw(
    event: string | undefined,
    value: unknown,
    id: string | undefined,
    retry: number | undefined,
    comments: string | readonly string[] | undefined,
  ): string {
    if (value === undefined && event === undefined) return encodeFrame('', undefined, id, retry, comments);
    const name = event ?? 'message';
    if (event !== undefined) assertSafeField('event', event);
    const text =
      typeof value === 'string'
        ? value
        : runSerializer(this.#route.serialize, value, {
            route: this.#route.name,
            path: this.#route.path,
            event: name,
            schema: undefined,
            encoding: 'json',
          });
    return encodeFrame(eventLine(name), text, id, retry, comments);
  }

  #finish(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.close();
    this.#controller?.abort(new StreamClosedError(`${this.#route.name} (${reason})`));
    this.#resolveDone?.();
    this.#onFinish(this);
  }
}
