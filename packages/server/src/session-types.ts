import type {
  ContractSchema,
  InferBody,
  InferEventInput,
  InferEventName,
  InferHeaders,
  InferParams,
  InferQuery,
  PathParamNames,
  RouteDefinition,
  Serializer,
} from '@ssekit/contract';
import type { Coalescer } from './coalesce.js';
import type { ServerSentEvent } from './encode.js';
import type { SlowConsumerPolicy } from './errors.js';
import type { CompiledEvents } from './event-codec.js';
import type { HeartbeatWheel } from './heartbeat.js';

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
  /**
   * Fires when the stream closes for any reason: client gone, `close()`, slow consumer, server shutdown. Its `reason`
   * is a `StreamClosedError` whose route names why: `client closed the stream`, `closed by the server`, `slow consumer`.
   */
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

/**
 * A raw event on a typed route: a declared `event` with that event's `data` (the zod input), plus `id`, `retry` and
 * `comments` as in any {@link ServerSentEvent}.
 *
 * @example
 * ```ts
 * const event: TypedServerSentEvent<{ tick: number }, 'tick'> = { event: 'tick', data: 1, id: '1' };
 * ```
 */
export type TypedServerSentEvent<Events, K extends keyof Events & string> = { event: K; data: Events[K] } & Omit<
  ServerSentEvent,
  'event' | 'data'
>;

/**
 * A frame without data: only comments, an `id` or a `retry` hint (clients dispatch no event for it).
 *
 * @example
 * ```ts
 * await session.send({ comments: 'still here', retry: 5000 } satisfies DatalessFrame);
 * ```
 */
export type DatalessFrame = Omit<ServerSentEvent, 'event' | 'data'> & { event?: undefined; data?: undefined };

/**
 * The parsed request parts of a contract route, by name; a part the route does not declare is absent (see
 * {@link SessionOf}).
 *
 * @example
 * ```ts
 * type RoomRequest = { params: { roomId: string }; query: { since?: number } } satisfies RequestTypes;
 * ```
 */
export interface RequestTypes {
  readonly params?: unknown;
  readonly query?: unknown;
  readonly headers?: unknown;
  readonly body?: unknown;
}

type EmptyObject = Record<never, never>;
type PartOf<Request, K extends keyof RequestTypes, Fallback> = Request extends { readonly [P in K]: infer T }
  ? T
  : Fallback;

/**
 * The session of a contract route: `send` takes a declared event name and that event's data (its zod input), is
 * checked at compile time and parsed by the event's schema at run time. `Events` maps each event name to the data
 * `send` accepts; `Request` holds the route's parsed request parts. Name it from a route with {@link SessionOf}.
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
export interface TypedSession<Events, Request extends RequestTypes = {}> extends SseSessionBase {
  readonly params: PartOf<Request, 'params', {}>;
  readonly query: PartOf<Request, 'query', EmptyObject>;
  /** Validated headers on routes with a headers schema; otherwise the raw header record. */
  readonly headers: PartOf<Request, 'headers', EmptyObject>;
  readonly body: PartOf<Request, 'body', undefined>;
  /** Validates `data` with the event's schema (transforms apply), serializes, encodes and writes it. */
  send<K extends keyof Events & string>(event: K, data: Events[K], options?: SendOptions): Promise<void>;
  /** Sends a raw `ServerSentEvent` whose `event` and `data` are still checked against the contract. */
  send<K extends keyof Events & string>(event: TypedServerSentEvent<Events, K>): Promise<void>;
  /** Sends a frame without data: comments, an id, a retry hint. */
  send(frame: DatalessFrame): Promise<void>;
}

/** The request parts a route declares: path params (or a params schema), query, headers, body. */
type DeclaredParts<R extends RouteDefinition> =
  | ([PathParamNames<R['path']>] extends [never] ? (R['params'] extends ContractSchema ? 'params' : never) : 'params')
  | (R['query'] extends ContractSchema ? 'query' : never)
  | (R['headers'] extends ContractSchema ? 'headers' : never)
  | (R['body'] extends ContractSchema ? 'body' : never);

/**
 * The session type of a contract route, by name: `SessionOf<typeof contract.json>` is what the `json` handler
 * receives. It resolves to a {@link TypedSession} of the route's event inputs and request parts, so editors show
 * those (`TypedSession<{ customer: { id: number; … } }, {}>`), not the whole route declaration.
 *
 * @example
 * ```ts
 * async function streamCustomers(session: SessionOf<typeof contract.json>) {
 *   await session.send('customer', { id: 0, firstName: 'Jet', lastName: 'Brains' });
 * }
 * ```
 */
export type SessionOf<R extends RouteDefinition> = R extends RouteDefinition
  ? TypedSession<
      { [K in InferEventName<R>]: InferEventInput<R, K> },
      {
        [P in DeclaredParts<R>]: P extends 'params'
          ? InferParams<R>
          : P extends 'query'
            ? InferQuery<R>
            : P extends 'headers'
              ? InferHeaders<R>
              : InferBody<R>;
      }
    >
  : never;

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
  /**
   * The request had a `Last-Event-ID` that was refused (over 1 KiB, or CR/LF/NUL): `lastEventId` is `undefined`, but a
   * replay route answers it with its reset event instead of resuming silently.
   */
  readonly lastEventIdRefused?: boolean;
}
