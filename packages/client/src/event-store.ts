import type { SsekitError } from '@ssekit/contract/errors';
import { connectEventStream } from './connect-event-stream.js';
import type { EventStreamConnection } from './event-stream-types.js';
import { decodeRouteEvent, routeStreamOptions } from './open-route.js';
import type { RawSseEvent } from './raw-event.js';
import { requestKey } from './request-key.js';
import type { BoundRoute, RouteArgs, RouteEventOf, RouteRequest, TypedEvent } from './route-types.js';
import { buildRouteUrl } from './route-url.js';
import { type EventStreamStatus, type LeaderCallbacks, openSharedStream, tabSharingApis } from './tab-share.js';

export type { EventStreamStatus } from './tab-share.js';

/**
 * The last event of each name, typed per name.
 *
 * @example
 * ```ts
 * const last: LastEvents<GreetingsEvent> = snapshot.events;
 * last.greeting?.data.text;
 * ```
 */
export type LastEvents<E extends TypedEvent> = { readonly [Name in E['event']]?: Extract<E, { event: Name }> };

/**
 * The state of an {@link EventStore} at one moment. A new object whenever something changed, the same object
 * otherwise (what `useSyncExternalStore` and Svelte's and Vue's change detection compare).
 *
 * @example
 * ```ts
 * const { status, events, lastEventId, error } = store.getSnapshot();
 * ```
 */
export interface EventStoreSnapshot<E extends TypedEvent = TypedEvent> {
  /** `connecting` until the response is accepted, `open` while it streams, `retrying` while it waits to reconnect, `closed` once it stopped. */
  readonly status: EventStreamStatus;
  /** The last event of each name. */
  readonly events: LastEvents<E>;
  /** The last event, whatever its name. */
  readonly lastEvent: E | undefined;
  /** The stream's last event id (sent as `Last-Event-ID` when it reconnects). */
  readonly lastEventId: string | undefined;
  /** The last error: a failed connection, or an event that did not decode or validate (skipped; the stream goes on). */
  readonly error: SsekitError | undefined;
  /** With `share: 'tabs'`: whether this tab holds the network stream (`leader`) or hears it (`follower`); else `off`. */
  readonly sharing: 'off' | 'leader' | 'follower';
}

/**
 * Options of {@link createEventStore}.
 *
 * @example
 * ```ts
 * const options: EventStoreOptions<GreetingsEvent> = { share: 'tabs', onEvent: (e) => list.push(e) };
 * ```
 */
export interface EventStoreOptions<E extends TypedEvent = TypedEvent> {
  /**
   * `'tabs'`: every tab of this origin subscribing to the same route and request shares one network stream (one tab
   * leads through the Web Locks API, the others hear it over a BroadcastChannel and still decode and validate every
   * event themselves). Without those APIs each tab keeps its own stream. Default: one stream per store.
   */
  share?: 'tabs' | false;
  /** Resume after this id (sent as `Last-Event-ID` on the first request). */
  lastEventId?: string;
  /** Every decoded event, in order, before subscribers hear of the new snapshot. */
  onEvent?(event: E): void;
  /** Every error, as it happens (the snapshot keeps only the last one). */
  onError?(error: SsekitError): void;
}

/**
 * A live view of one route stream. The stream opens when the first subscriber arrives and closes soon after the last
 * one leaves (after a microtask, so an unsubscribe followed at once by a subscribe — React's StrictMode — keeps the
 * one connection); a later subscriber reconnects with the last event id.
 *
 * `subscribe(listener)` calls `listener(snapshot)` at once and on every change, and returns the unsubscribe function:
 * React's `useSyncExternalStore(store.subscribe, store.getSnapshot)` and Svelte's store contract (`$store`) take it
 * as is; in Vue, `store.subscribe((s) => (state.value = s))` into a `shallowRef`.
 *
 * @example
 * ```ts
 * const store = createEventStore(client.greetings, { params: { name: 'ada' } });
 * const stop = store.subscribe((s) => console.log(s.status, s.events.greeting?.data.text));
 * stop();
 * ```
 */
export interface EventStore<E extends TypedEvent = TypedEvent> {
  subscribe(listener: (snapshot: EventStoreSnapshot<E>) => void): () => void;
  getSnapshot(): EventStoreSnapshot<E>;
  /** Stops the stream for good: status `closed`, and later subscribers do not reconnect. */
  close(): void;
}

interface Source {
  close(): void;
}

/** The microtask queue, without relying on a global that some test environments replace. */
const later = (task: () => void) => void Promise.resolve().then(task);

/**
 * A framework-agnostic store over a route of a generated client: status, the last event of each name (typed), the
 * last event id and the last error, with `subscribe` / `getSnapshot` (see {@link EventStore}). Events are decoded
 * and validated by the route's own decoders; one that fails is skipped and becomes `error`.
 *
 * @example
 * ```ts
 * import { createEventStore } from '@ssekit/client';
 * import { createClient } from './generated/client.js';
 *
 * const client = createClient({ baseUrl: 'https://api.example.com' });
 * const store = createEventStore(client.greetings, { params: { name: 'ada' } }, { share: 'tabs' });
 * const unsubscribe = store.subscribe(({ status, events }) => render(status, events.greeting?.data));
 * ```
 */
export function createEventStore<R extends BoundRoute<TypedEvent, unknown>>(
  route: R,
  ...[request, options = {}]: RouteArgs<R, EventStoreOptions<RouteEventOf<R>>>
): EventStore<RouteEventOf<R>> {
  type E = RouteEventOf<R>;
  const { config, spec } = route['~ssekit'];
  const routeRequest = (request ?? {}) as RouteRequest;
  const listeners = new Set<(snapshot: EventStoreSnapshot<E>) => void>();
  let snapshot: EventStoreSnapshot<E> = {
    status: 'connecting',
    events: {},
    lastEvent: undefined,
    lastEventId: options.lastEventId,
    error: undefined,
    sharing: 'off',
  };
  let source: Source | undefined;
  let ended = false;
  let stopScheduled = false;
  let generation = 0;

  const update = (patch: Partial<EventStoreSnapshot<E>>) => {
    snapshot = { ...snapshot, ...patch };
    for (const listener of [...listeners]) listener(snapshot);
  };

  const start = () => {
    const current = ++generation;
    const live = () => current === generation;
    const onRaw = (raw: RawSseEvent) => {
      if (!live()) return;
      const result = decodeRouteEvent(spec, raw);
      if (!result.ok) {
        onError(result.error);
        if (live() && raw.id !== snapshot.lastEventId) update({ lastEventId: raw.id });
        return;
      }
      const event = result.value as E;
      options.onEvent?.(event);
      if (!live()) return;
      update({ events: { ...snapshot.events, [event.event]: event }, lastEvent: event, lastEventId: event.id });
    };
    const onError = (error: SsekitError) => {
      if (!live()) return;
      options.onError?.(error);
      if (live()) update({ error });
    };
    const onStatus = (status: EventStreamStatus) => {
      if (!live()) return;
      if (status === 'closed') {
        ended = true;
        source = undefined;
      }
      if (status !== snapshot.status) update({ status });
    };
    const connect = (lastEventId: string | undefined, callbacks: LeaderCallbacks) =>
      connectEventStream({
        ...routeStreamOptions(config, spec, routeRequest, lastEventId === undefined ? {} : { lastEventId }),
        ...callbacks,
      });
    const apis = options.share === 'tabs' ? tabSharingApis() : undefined;
    if (snapshot.status !== 'connecting') snapshot = { ...snapshot, status: 'connecting' };
    if (apis) {
      const url = buildRouteUrl(config.baseUrl, spec.path, routeRequest.params, routeRequest.query);
      const name = `${spec.key} ${spec.method} ${url} ${requestKey({ headers: routeRequest.headers, body: routeRequest.body })}`;
      source = openSharedStream(apis, name, snapshot.lastEventId, connect, {
        onEvent: onRaw,
        onStatus,
        onError,
        onRole: (role) => live() && role !== snapshot.sharing && update({ sharing: role }),
      });
      return;
    }
    const connection: EventStreamConnection = connect(snapshot.lastEventId, {
      onEvent: onRaw,
      onOpen: () => onStatus('open'),
      onRetry: () => onStatus('retrying'),
      onError,
      onClose: () => onStatus('closed'),
    });
    source = connection;
  };

  const stop = (status: EventStreamStatus) => {
    generation++;
    source?.close();
    source = undefined;
    if (snapshot.status !== status) update({ status });
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      stopScheduled = false;
      if (!source && !ended) start();
      listener(snapshot);
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        stopScheduled = true;
        later(() => {
          if (!stopScheduled || listeners.size > 0) return;
          stopScheduled = false;
          stop('closed');
        });
      };
    },
    getSnapshot: () => snapshot,
    close() {
      ended = true;
      stop('closed');
    },
  };
}
