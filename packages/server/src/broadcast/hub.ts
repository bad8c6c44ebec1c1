import {
  type AnyContractRoute,
  ContractDefinitionError,
  defaultSerialize,
  type InferEventInput,
  type InferEventName,
  type InferParams,
  type InferParamsInput,
  isSsekitError,
  type Serializer,
} from '@ssekit/contract';
import type { $ZodType } from 'zod/v4/core';
import { safeParse } from 'zod/v4/core';
import { encodeFrame } from '../encode.js';
import { EventValidationError, HttpError, summarizeIssues } from '../errors.js';
import { compileRouteEvents, serializeEventData } from '../event-codec.js';
import type { BeforeStreamContext } from '../router.js';
import type { SseRequestInfo, TypedSession } from '../session.js';
import { comparePositions, formatEventId, parseEventId, type StreamPosition } from './event-id.js';
import { createMemoryReplayStore } from './memory-store.js';
import {
  type ReplayResult,
  type ReplayStore,
  type ResetReason,
  type StoredEvent,
  type StoreListener,
  StoreUnavailableError,
} from './store.js';
import { checkTopic, defaultTopic, TopicError } from './topic.js';

/** What the authorization hook sees: the validated request and the topic it would join. */
export interface SubscribeContext<R extends AnyContractRoute> {
  readonly topic: string;
  readonly params: InferParams<R>;
  readonly query: unknown;
  readonly headers: unknown;
  readonly lastEventId: string | undefined;
  readonly request: SseRequestInfo;
}

/** Why a reset event is sent, handed to `resetData`. */
export interface ResetInfo {
  readonly reason: ResetReason;
}

type ResetEventInput<R extends AnyContractRoute> = R['resetEvent'] extends string
  ? InferEventInput<R, R['resetEvent']>
  : never;

/** Options of {@link createHub}. */
export interface HubOptions<R extends AnyContractRoute> {
  /** Where events are kept and fanned out. Default: a fresh {@link createMemoryReplayStore} for this hub. */
  store?: ReplayStore;
  /**
   * Topic of a set of params. Default: every path param in path order, percent-encoded (see `defaultTopic`).
   * Whatever it returns is prefixed with the route key, so hubs of different routes never share topics.
   */
  topic?: (params: InferParams<R>) => string;
  /**
   * Runs for every subscription — every connect and every reconnect, before any replay. `false` answers 403 (through
   * `beforeStream`) or closes the stream (when `subscribe` is called directly). Replay only ever reads the authorized
   * topic's log, and each replayed event's topic is checked again before it is written.
   */
  authorize?: (ctx: SubscribeContext<R>) => boolean | Promise<boolean>;
  /** Serializer of event data; must match the route's. Default: the route's `serialize`, else text verbatim / JSON. */
  serialize?: Serializer;
  /** Data of the declared reset event. Default `{ reason }`. */
  resetData?: (info: ResetInfo) => ResetEventInput<R>;
  /** Errors the hub cannot throw to anyone (a subscriber's failed write, an unknown event from the store). */
  onError?: (error: unknown) => void;
}

/** What a successful publish returns: the event's id (resumable on replay routes), topic and position. */
export interface PublishReceipt {
  readonly id: string;
  readonly topic: string;
  readonly epoch: string;
  readonly position: StreamPosition;
}

/** Per-subscription options of {@link Hub.subscribe}. */
export interface SubscribeOptions {
  /**
   * Called once the subscription is live (after the replay, if any): every event published from now on reaches this
   * session. E.g. announce presence here, so the joining client sees its own announcement.
   */
  onLive?: () => void;
}

/** The `{ beforeStream, handler }` pair to plug into `implement()` for a broadcast route. */
export interface HubImplementation<R extends AnyContractRoute> {
  beforeStream: (ctx: BeforeStreamContext<InferParams<R>, unknown, unknown, unknown>) => Promise<void>;
  handler: (session: TypedSession<R>) => Promise<void>;
}

/**
 * A typed broadcast hub for one contract route. See {@link createHub}.
 */
export interface Hub<R extends AnyContractRoute> {
  /** The route key this hub serves. */
  readonly route: string;
  readonly store: ReplayStore;
  /**
   * Validates `data` with the event's schema, serializes it once, stores it, and writes the same encoded bytes to every
   * subscriber of the params' topic (on every instance sharing the store). Resolves once stored; rejects with
   * `StoreUnavailableError` when it was not.
   */
  publish<K extends InferEventName<R>>(
    params: InferParamsInput<R>,
    event: K,
    data: InferEventInput<R, K>,
  ): Promise<PublishReceipt>;
  /**
   * Streams the session's topic until the client leaves: on replay routes, first every retained event after its
   * `Last-Event-ID` (or the reset event), then live events, with no gap and no duplicate.
   */
  subscribe(session: TypedSession<R>, options?: SubscribeOptions): Promise<void>;
  /** The topic of a set of params. */
  topicOf(params: InferParamsInput<R>): string;
  /** Runs `authorize`; throws `HttpError(403)` when it refuses. For custom `beforeStream` hooks. */
  authorize(ctx: BeforeStreamContext<InferParams<R>, unknown, unknown, unknown>): Promise<void>;
  /** `{ beforeStream, handler }` for `implement()`: authorize, then `subscribe`. */
  implementation(): HubImplementation<R>;
  /** Open subscriptions on this instance, in total or for one topic. */
  subscriberCount(topic?: string): number;
  /** Stops every store feed of this hub (open streams stay open but receive nothing more). */
  close(): Promise<void>;
}

/** The session methods the hub needs beyond the typed interface (every real session has them). */
interface WritableSession {
  readonly closed: boolean;
  readonly done: Promise<void>;
  readonly lastEventId: string | undefined;
  readonly params: unknown;
  readonly query: unknown;
  readonly headers: unknown;
  readonly request: SseRequestInfo;
  writeEncoded(frame: string | Uint8Array): Promise<void>;
  close(): void;
}

interface Subscriber {
  readonly session: WritableSession;
  /** While replaying: live events held back, written after the replay unless already replayed. */
  buffer: { stored: StoredEvent; frame: Uint8Array }[] | undefined;
  /** After a replay: live events at or before this position were already written; cleared by the first newer one. */
  skipThrough: StreamPosition | undefined;
}

interface Pending {
  readonly stored: StoredEvent;
  readonly frame: Uint8Array;
}

interface TopicState {
  readonly subscribers: Set<Subscriber>;
  readonly ready: Promise<void>;
  unsubscribe: (() => void) | undefined;
  failed: unknown;
  /** Events of the current turn not yet written: flushed together in a microtask (see `flush`). */
  pending: Pending[];
  scheduled: boolean;
}

const RESET_REASONS: readonly ResetReason[] = ['malformed', 'other-epoch', 'expired', 'unknown-position'];

/**
 * Creates a typed broadcast hub for one contract route: publish an event to every subscriber of a topic derived from
 * the route's params; validated, serialized and encoded once per publish, the same bytes written to every subscriber,
 * never awaiting any one of them. With a Redis store (`@ssekit/redis`) subscribers on every instance receive it.
 *
 * @example
 * ```ts
 * const hub = createHub(chatContract.roomEvents, { authorize: ({ headers }) => isMember(headers) });
 * const router = implement(chatContract, { roomEvents: hub.implementation() });
 * await hub.publish({ roomId: 'lobby' }, 'message', { user: 'ada', text: 'hi' });
 * ```
 */
export function createHub<R extends AnyContractRoute>(route: R, options: HubOptions<R> = {}): Hub<R> {
  const internals = route['~ssekit'];
  if (internals?.kind !== 'route') {
    throw new TypeError('createHub(route): pass a route of a contract made by defineContract, e.g. contract.room');
  }
  const key = internals.key;
  const replay = route.replay === true;
  const store = options.store ?? createMemoryReplayStore();
  const report = options.onError ?? ((error: unknown) => console.error(`[ssekit] hub "${key}"`, error));
  const paramsSchema = internals.params;
  // Validated, serialized and encoded exactly as the session's typed `send` does (one codec for both).
  const events = compileRouteEvents(key, route, options.serialize ?? route.serialize, defaultSerialize);

  const resetEvent = route.resetEvent;
  const resetData = options.resetData ?? ((info: ResetInfo) => ({ reason: info.reason }) as ResetEventInput<R>);
  if (replay) {
    if (resetEvent === undefined) {
      throw new ContractDefinitionError(
        'a replayable route needs a `resetEvent`: without it a client with an unusable Last-Event-ID would resume silently',
        key,
      );
    }
    if (!options.resetData) {
      const schema = events.byName.get(resetEvent)?.schema as $ZodType;
      for (const reason of RESET_REASONS) {
        if (!safeParse(schema, { reason }).success) {
          throw new ContractDefinitionError(
            `its reset event "${resetEvent}" does not accept { reason: '${reason}' }; pass \`resetData\` to createHub`,
            key,
          );
        }
      }
    }
  }

  const topics = new Map<string, TopicState>();
  const authorized = new WeakSet<object>();
  let closed = false;

  function validate(name: string, value: unknown): string {
    return serializeEventData(events, name, value).text;
  }

  function topicOfParsed(params: Record<string, unknown>): string {
    if (!options.topic) return defaultTopic(key, internals.paramNames, params);
    let custom: unknown;
    try {
      custom = options.topic(params as InferParams<R>);
    } catch (error) {
      if (isSsekitError(error)) throw error;
      throw new TopicError(key, `the topic function threw: ${error instanceof Error ? error.message : String(error)}`);
    }
    return checkTopic(key, `${key}#${checkTopic(key, custom)}`);
  }

  function parseParams(params: unknown): Record<string, unknown> {
    const parsed = safeParse(paramsSchema, params);
    if (!parsed.success) {
      throw new EventValidationError(key, '(params)', summarizeIssues(parsed.error.issues), parsed.error);
    }
    return parsed.data as Record<string, unknown>;
  }

  function encodeStored(stored: StoredEvent): Uint8Array | undefined {
    const compiled = events.byName.get(stored.event);
    if (!compiled) {
      report(new TopicError(key, `the store delivered an undeclared event "${stored.event}" on "${stored.topic}"`));
      return undefined;
    }
    return toBytes(encodeFrame(compiled.line, stored.data, replay ? stored.id : undefined, undefined, undefined));
  }

  function resetFrame(reason: ResetReason, epoch: string, position: StreamPosition): Uint8Array {
    const name = resetEvent as string;
    const text = validate(name, resetData({ reason }));
    const compiled = events.byName.get(name) as { line: string };
    return toBytes(encodeFrame(compiled.line, text, formatEventId(epoch, position), undefined, undefined));
  }

  function write(state: TopicState, subscriber: Subscriber, frame: Uint8Array): void {
    try {
      // Not awaited: a slow subscriber never delays the others; its session's slow-consumer policy bounds its queue.
      void subscriber.session.writeEncoded(frame);
    } catch (error) {
      state.subscribers.delete(subscriber);
      if (!subscriber.session.closed) report(error);
    }
  }

  /**
   * Writes the events that arrived during this turn: one write per subscriber, of their frames concatenated once
   * (a burst of publishes costs each subscriber one write, not one per event). Subscribers still replaying hold them;
   * those just past a replay skip what it already wrote.
   */
  function flush(state: TopicState): void {
    state.scheduled = false;
    const items = state.pending;
    if (items.length === 0) return;
    state.pending = [];
    let batch: Uint8Array | undefined;
    for (const subscriber of state.subscribers) {
      if (subscriber.buffer) {
        for (const item of items) subscriber.buffer.push(item);
        continue;
      }
      const skip = subscriber.skipThrough;
      if (skip !== undefined) {
        let i = 0;
        while (i < items.length && comparePositions((items[i] as Pending).stored.position, skip) <= 0) i++;
        if (i === items.length) continue;
        subscriber.skipThrough = undefined;
        if (i > 0) {
          write(state, subscriber, concatBytes(items.slice(i).map((item) => item.frame)));
          continue;
        }
      }
      batch ??= items.length === 1 ? (items[0] as Pending).frame : concatBytes(items.map((item) => item.frame));
      write(state, subscriber, batch);
    }
  }

  function openTopic(topic: string): TopicState {
    const existing = topics.get(topic);
    if (existing) return existing;
    const listener: StoreListener = {
      event(stored) {
        const state = topics.get(topic);
        if (!state || state.subscribers.size === 0) return;
        const frame = encodeStored(stored);
        if (!frame) return;
        state.pending.push({ stored, frame });
        if (!state.scheduled) {
          state.scheduled = true;
          queueMicrotask(() => flush(state));
        }
      },
      reset(epoch) {
        const state = topics.get(topic);
        if (!state) return;
        flush(state);
        let frame: Uint8Array | undefined;
        for (const subscriber of state.subscribers) {
          if (subscriber.buffer) {
            // Mid-replay across a store reset: its reconnect gets the reset event from its (old-epoch) id.
            state.subscribers.delete(subscriber);
            subscriber.session.close();
          } else if (replay) {
            subscriber.skipThrough = undefined;
            frame ??= resetFrame('other-epoch', epoch, { ms: 0, seq: 0 });
            write(state, subscriber, frame);
          }
        }
      },
    };
    const state: TopicState = {
      subscribers: new Set(),
      unsubscribe: undefined,
      failed: undefined,
      pending: [],
      scheduled: false,
      ready: store.subscribe(topic, listener).then(
        (unsubscribe) => {
          if (topics.get(topic) === state && state.subscribers.size > 0) state.unsubscribe = unsubscribe;
          else unsubscribe();
        },
        (error: unknown) => {
          if (topics.get(topic) === state) topics.delete(topic);
          state.failed = error;
          throw asStoreError(error, `cannot subscribe to topic "${topic}"`);
        },
      ),
    };
    topics.set(topic, state);
    return state;
  }

  function leave(topic: string, state: TopicState, subscriber: Subscriber): void {
    state.subscribers.delete(subscriber);
    if (state.subscribers.size > 0 || topics.get(topic) !== state) return;
    topics.delete(topic);
    state.unsubscribe?.();
    state.unsubscribe = undefined;
  }

  async function runAuthorize(ctx: Omit<SubscribeContext<R>, 'topic'>): Promise<boolean> {
    if (!options.authorize) return true;
    const topic = topicOfParsed(ctx.params as Record<string, unknown>);
    return (await options.authorize({ ...ctx, topic })) === true;
  }

  async function replayInto(subscriber: Subscriber, topic: string, lastEventId: string): Promise<void> {
    const session = subscriber.session;
    const parsed = parseEventId(lastEventId);
    let result: ReplayResult;
    if (!parsed) result = { kind: 'reset', reason: 'malformed' };
    else {
      try {
        result = await store.read(topic, parsed.epoch, parsed.position);
      } catch (error) {
        throw asStoreError(error, `cannot replay topic "${topic}"`);
      }
    }
    let after: StreamPosition;
    if (result.kind === 'events' && parsed) {
      after = parsed.position;
      for (const stored of result.events) {
        if (session.closed) return;
        // Re-authorization of replayed events: only the authorized topic's events, in order, once.
        if (stored.topic !== topic || comparePositions(stored.position, after) <= 0) continue;
        const frame = encodeStored(stored);
        after = stored.position;
        if (frame) await session.writeEncoded(frame);
      }
    } else {
      const reason = result.kind === 'reset' ? result.reason : 'malformed';
      let head: { epoch: string; position: StreamPosition };
      try {
        head = await store.head(topic);
      } catch (error) {
        throw asStoreError(error, `cannot read the head of topic "${topic}"`);
      }
      if (session.closed) return;
      after = head.position;
      await session.writeEncoded(resetFrame(reason, head.epoch, head.position));
    }
    // No await from here until live: the buffer is drained and switched off in one turn.
    const held = subscriber.buffer ?? [];
    subscriber.buffer = undefined;
    if (session.closed) return;
    for (const { stored, frame } of held) {
      if (comparePositions(stored.position, after) > 0) {
        void session.writeEncoded(frame);
        after = stored.position;
      }
    }
    // The replay read may be ahead of the live feed (e.g. Redis: XRANGE on one connection, pub/sub on another):
    // live events up to `after` may still arrive, and are skipped until the first newer one.
    subscriber.skipThrough = after;
  }

  const hub: Hub<R> = {
    route: key,
    store,
    async publish(params, event, data) {
      if (closed) throw new StoreUnavailableError(`hub "${key}" is closed`);
      const topic = topicOfParsed(parseParams(params));
      const text = validate(event, data);
      let stored: StoredEvent;
      try {
        stored = await store.append(topic, event, text);
      } catch (error) {
        throw asStoreError(error, `event "${event}" on topic "${topic}" was not stored`);
      }
      return { id: stored.id, topic, epoch: stored.epoch, position: stored.position };
    },
    async subscribe(typed, subscribeOptions) {
      const session = typed as unknown as WritableSession;
      if (typeof session.writeEncoded !== 'function') {
        throw new TypeError('hub.subscribe(session): pass the session a route handler received');
      }
      if (closed || session.closed) return;
      const params = session.params as Record<string, unknown>;
      const topic = topicOfParsed(params);
      if (!authorized.has(session.request)) {
        const ok = await runAuthorize({
          params: params as InferParams<R>,
          query: session.query,
          headers: session.headers,
          lastEventId: session.lastEventId,
          request: session.request,
        });
        if (!ok) {
          session.close();
          return;
        }
      }
      const wantsReplay = replay && session.lastEventId !== undefined;
      const subscriber: Subscriber = { session, buffer: wantsReplay ? [] : undefined, skipThrough: undefined };
      const state = openTopic(topic);
      state.subscribers.add(subscriber);
      try {
        await state.ready;
        if (wantsReplay) await replayInto(subscriber, topic, session.lastEventId as string);
        if (!session.closed) subscribeOptions?.onLive?.();
        await session.done;
      } finally {
        leave(topic, state, subscriber);
      }
    },
    topicOf(params) {
      return topicOfParsed(parseParams(params));
    },
    async authorize(ctx) {
      const ok = await runAuthorize(ctx as unknown as Omit<SubscribeContext<R>, 'topic'>);
      if (!ok) throw new HttpError(403, { detail: 'not allowed to subscribe to this topic' });
      authorized.add(ctx.request);
    },
    implementation() {
      return { beforeStream: (ctx) => hub.authorize(ctx), handler: (session) => hub.subscribe(session) };
    },
    subscriberCount(topic) {
      if (topic !== undefined) return topics.get(topic)?.subscribers.size ?? 0;
      let total = 0;
      for (const state of topics.values()) total += state.subscribers.size;
      return total;
    },
    async close() {
      closed = true;
      for (const state of topics.values()) state.unsubscribe?.();
      topics.clear();
    },
  };
  return hub;
}

function asStoreError(error: unknown, what: string): unknown {
  if (isSsekitError(error)) return error;
  return new StoreUnavailableError(`${what}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}

const encoder = new TextEncoder();
type NodeBuffer = { from(text: string, encoding: 'utf8'): Uint8Array };
const NodeBufferClass = (globalThis as { Buffer?: NodeBuffer }).Buffer;

/**
 * Encodes a frame once for all subscribers. On Node a `Buffer` (a Uint8Array): node streams take it as is, while a
 * plain Uint8Array would be wrapped in a new Buffer on every write, i.e. once per subscriber.
 */
const toBytes: (text: string) => Uint8Array = NodeBufferClass
  ? (text) => NodeBufferClass.from(text, 'utf8')
  : (text) => encoder.encode(text);

type NodeBufferConcat = { concat(list: readonly Uint8Array[]): Uint8Array };

/** One buffer of several frames (a Node `Buffer` on Node). */
function concatBytes(frames: readonly Uint8Array[]): Uint8Array {
  if (frames.length === 1) return frames[0] as Uint8Array;
  if (NodeBufferClass) return (NodeBufferClass as unknown as NodeBufferConcat).concat(frames);
  let length = 0;
  for (const frame of frames) length += frame.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const frame of frames) {
    out.set(frame, offset);
    offset += frame.length;
  }
  return out;
}
