import {
  type AnyContractRoute,
  type InferEventInput,
  type InferEventName,
  type InferParams,
  type InferParamsInput,
  InvalidArgumentError,
  logError,
  type Serializer,
} from '@ssekit/contract';
import { HttpError } from '../errors.js';
import { type LogRateLimitOptions, rateLimitedLog } from '../log-limiter.js';
import type { BeforeStreamContext } from '../router.js';
import { type SessionOf, type SseRequestInfo, SseSession } from '../session.js';
import type { StreamPosition } from './event-id.js';
import { HubRoute } from './hub-route.js';
import { createMemoryReplayStore } from './memory-store.js';
import { replayInto } from './replay.js';
import { type ReplayStore, type ResetReason, type StoredEvent, StoreUnavailableError } from './store.js';
import { asStoreError, Subscriber, TopicFanout, type TopicMember, type TopicState } from './topic-fanout.js';

const RESOLVED: Promise<void> = Promise.resolve();

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
  /**
   * Errors the hub cannot throw to anyone (a subscriber's failed write, an unknown event from the store); it gets every
   * one. Default: logged, each cause once per interval then counted (see `logRateLimit`).
   */
  onError?: (error: unknown) => void;
  /** The default logging's rate limit (without `onError`), as the router's `logRateLimit`. Default `{ intervalMs: 60_000 }`. */
  logRateLimit?: LogRateLimitOptions | false;
}

/** What a successful publish returns: the event's id (resumable on replay routes), topic and position. */
export interface PublishReceipt {
  readonly id: string;
  readonly topic: string;
  readonly epoch: string;
  readonly position: StreamPosition;
}

/** An event validated and serialized by {@link Hub.prepare}: what a publish would store, not stored yet. */
export interface PreparedEvent {
  readonly topic: string;
  readonly event: string;
  /** The serialized data (the text of its `data:` lines). */
  readonly data: string;
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
  handler: (session: SessionOf<R>) => Promise<void>;
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
   * Validates params and `data` and serializes the data exactly as {@link Hub.publish} does, and returns the topic, event
   * and text it would store — without storing anything. For stores that write the event in the application's own
   * transaction (e.g. `publishInTransaction` of `@ssekit/postgres`). Rejects with what `publish` rejects with for bad
   * input (validators may be asynchronous).
   *
   * @example
   * ```ts
   * const { topic, event, data } = await hub.prepare({ roomId: 'lobby' }, 'message', { user: 'ada', text: 'hi' });
   * ```
   */
  prepare<K extends InferEventName<R>>(
    params: InferParamsInput<R>,
    event: K,
    data: InferEventInput<R, K>,
  ): Promise<PreparedEvent>;
  /**
   * Authorizes the session (a refused one is closed), then streams its topic until the client leaves: on replay
   * routes, first every retained event after its `Last-Event-ID` (or the reset event), then live events, with no gap
   * and no duplicate.
   */
  subscribe(session: SessionOf<R>, options?: SubscribeOptions): Promise<void>;
  /** The topic of a set of params. */
  topicOf(params: InferParamsInput<R>): string;
  /**
   * Runs `authorize`; throws `HttpError(403)` when it refuses (nothing is remembered: a later `subscribe` authorizes
   * again). The `beforeStream` of {@link Hub.implementation}.
   */
  authorize(ctx: BeforeStreamContext<InferParams<R>, unknown, unknown, unknown>): Promise<void>;
  /**
   * `{ beforeStream, handler }` for `implement()`: `beforeStream` authorizes (403 when refused), and `handler`, which
   * the router runs only after it, streams the topic. Wrap `beforeStream` to add checks of your own.
   */
  implementation(options?: SubscribeOptions): HubImplementation<R>;
  /** Open subscriptions on this instance, in total or for one topic. */
  subscriberCount(topic?: string): number;
  /** Stops every store feed of this hub (open streams stay open but receive nothing more). */
  close(): Promise<void>;
}

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
  if (route['~ssekit']?.kind !== 'route') {
    throw new InvalidArgumentError(
      'createHub(route): pass a route of a contract made by defineContract, e.g. contract.room',
    );
  }
  const store = options.store ?? createMemoryReplayStore();
  const key = route['~ssekit'].key;
  const log = options.logRateLimit === false ? logError : rateLimitedLog(options.logRateLimit);
  const report = options.onError ?? ((error: unknown) => log(error, `hub "${key}"`));
  const hubRoute = new HubRoute(route, options, report);
  const fanout = new TopicFanout(store, hubRoute, report);
  let closed = false;

  async function isAuthorized(ctx: Omit<SubscribeContext<R>, 'topic'>): Promise<boolean> {
    if (!options.authorize) return true;
    const topic = hubRoute.topicOf(ctx.params as Record<string, unknown>);
    return (await options.authorize({ ...ctx, topic })) === true;
  }

  /** `subscribe` on a hub with an `authorize` hook: the hook's verdict, then the topic. */
  async function subscribeAuthorized(
    session: SseSession,
    subscribeOptions: SubscribeOptions | undefined,
  ): Promise<void> {
    const authorized = await isAuthorized({
      params: session.params as InferParams<R>,
      query: session.query,
      headers: session.headers,
      lastEventId: session.lastEventId,
      request: session.request,
    });
    if (!authorized) {
      session.close();
      return;
    }
    // Returned, not awaited: the stream's promise is follow's (no frame of this call stays suspended).
    return follow(session, subscribeOptions);
  }

  /**
   * Streams an (authorized) session's topic until the client leaves. A plain live subscription to a live topic returns
   * the session's own `done`: it keeps no frame, closure or object of its own while the stream is open (the session's
   * finish hook, its topic's state, takes it out of the topic).
   */
  function follow(session: SseSession, subscribeOptions: SubscribeOptions | undefined): Promise<void> {
    if (closed || session.closed) return RESOLVED;
    let topic: string;
    try {
      topic = hubRoute.topicOf(session.params);
    } catch (error) {
      return Promise.reject(error);
    }
    // A refused id (over 1 KiB, CR/LF/NUL) is replayed as a malformed one: the client gets the reset event.
    const resumeFrom = session.lastEventId ?? (session.lastEventIdRefused ? '' : undefined);
    const wantsReplay = hubRoute.replay && resumeFrom !== undefined;
    const state = fanout.topic(topic);
    let member: TopicMember;
    let hooked: boolean;
    if (!wantsReplay && session.attachFinishHook(state)) {
      member = session;
      hooked = true;
    } else {
      member = new Subscriber(session, state, wantsReplay);
      hooked = session.attachFinishHook(member);
    }
    state.subscribers.add(member);
    if (hooked && state.live && !wantsReplay && subscribeOptions?.onLive === undefined) return session.done;
    return start(session, state, member, hooked, resumeFrom, subscribeOptions);
  }

  /**
   * The rest of {@link follow}: waits for the topic's store feed, replays, calls `onLive`; then hands over to the
   * session's `done` (or, for a session whose finish hook is taken, awaits it and leaves).
   */
  async function start(
    session: SseSession,
    state: TopicState,
    member: TopicMember,
    hooked: boolean,
    resumeFrom: string | undefined,
    subscribeOptions: SubscribeOptions | undefined,
  ): Promise<void> {
    let handedOver = false;
    try {
      await state.ready;
      if (member instanceof Subscriber && member.buffer) {
        await replayInto(store, hubRoute, member, state.topic, resumeFrom as string);
      }
      if (!session.closed) subscribeOptions?.onLive?.();
      if (hooked) {
        handedOver = true;
        return session.done;
      }
      await session.done;
    } finally {
      if (!handedOver) {
        session.detachFinishHook(member instanceof Subscriber ? member : state);
        fanout.leave(state, member);
      }
    }
  }

  const hub: Hub<R> = {
    route: key,
    store,
    async publish(params, event, data) {
      if (closed) throw new StoreUnavailableError(`hub "${key}" is closed`);
      const { topic, data: text } = await hub.prepare(params, event, data);
      let stored: StoredEvent;
      try {
        stored = await store.append(topic, event, text);
      } catch (error) {
        throw asStoreError(error, `event "${event}" on topic "${topic}" was not stored`);
      }
      return { id: stored.id, topic, epoch: stored.epoch, position: stored.position };
    },
    async prepare(params, event, data) {
      const topic = hubRoute.topicOf(await hubRoute.parseParams(params));
      return { topic, event, data: await hubRoute.serialize(event, data) };
    },
    subscribe(typed, subscribeOptions) {
      let session: SseSession;
      try {
        session = sessionOf(typed);
      } catch (error) {
        return Promise.reject(error);
      }
      if (closed || session.closed) return Promise.resolve();
      // Without an `authorize` hook, the stream's promise is follow's own: no frame of this call (nor a context
      // object, nor the header record it would read) stays suspended for as long as the stream is open.
      if (!options.authorize) return follow(session, subscribeOptions);
      return subscribeAuthorized(session, subscribeOptions);
    },
    topicOf(params) {
      const parsed = hubRoute.parseParams(params);
      if (parsed instanceof Promise) {
        parsed.catch(() => {});
        throw new InvalidArgumentError(`hub "${key}": topicOf needs a params schema that validates synchronously`);
      }
      return hubRoute.topicOf(parsed);
    },
    async authorize(ctx) {
      if (!(await isAuthorized(ctx))) throw new HttpError(403, { detail: 'not allowed to subscribe to this topic' });
    },
    implementation(subscribeOptions) {
      return {
        beforeStream: (ctx) => hub.authorize(ctx),
        // The router runs a handler only after its `beforeStream` let the request through: authorized already.
        handler: (session) => follow(sessionOf(session), subscribeOptions),
      };
    },
    subscriberCount(topic) {
      return fanout.count(topic);
    },
    async close() {
      closed = true;
      fanout.close();
    },
  };
  return hub;
}

/** The router's session behind a handler's typed view: the hub writes pre-encoded frames to it. */
function sessionOf(session: unknown): SseSession {
  if (!(session instanceof SseSession)) {
    throw new InvalidArgumentError('hub.subscribe(session): pass the session a route handler received');
  }
  return session;
}
