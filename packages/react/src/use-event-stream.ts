import {
  type BoundRoute,
  createEventStore,
  type EventStore,
  type EventStoreSnapshot,
  type RouteArgs,
  type RouteEventOf,
  requestKey,
  type SsekitError,
  type TypedEvent,
} from '@ssekit/client';
import { useCallback, useInsertionEffect, useMemo, useRef, useSyncExternalStore } from 'react';

/**
 * Options of {@link useEventStream}.
 *
 * @example
 * ```ts
 * const options: UseEventStreamOptions<GreetingsEvent> = { share: 'tabs', onEvent: (e) => console.log(e.data) };
 * ```
 */
export interface UseEventStreamOptions<E extends TypedEvent = TypedEvent> {
  /** `false` opens nothing (status `closed`); switching it back on opens the stream. Default `true`. */
  enabled?: boolean;
  /** `'tabs'`: one network stream shared by every tab of this origin (see `createEventStore`). Default off. */
  share?: 'tabs' | false;
  /** Resume after this id (sent as `Last-Event-ID` on the first request of the stream). */
  lastEventId?: string;
  /**
   * Every decoded event, in order, even several in one render. The latest function is called: a new function on
   * every render never re-subscribes.
   */
  onEvent?(event: E): void;
  /** Every error as it happens (the returned state keeps the last one). The latest function is called. */
  onError?(error: SsekitError): void;
}

/**
 * What {@link useEventStream} returns: the store's snapshot (status, last event per name, last event id, last error,
 * sharing role) and `close()`.
 *
 * @example
 * ```ts
 * const { status, events, error, close }: EventStreamState<GreetingsEvent> = useEventStream(client.greetings, request);
 * ```
 */
export interface EventStreamState<E extends TypedEvent = TypedEvent> extends EventStoreSnapshot<E> {
  /** Stops the stream for good (status `closed`) until the request, `enabled` or `share` changes. */
  close(): void;
}

const DISABLED: EventStoreSnapshot<never> = {
  status: 'closed',
  events: {},
  lastEvent: undefined,
  lastEventId: undefined,
  error: undefined,
  sharing: 'off',
};
const subscribeNothing = () => () => {};
const getDisabled = () => DISABLED;

type AnyCreate = (
  route: BoundRoute<TypedEvent, unknown>,
  request: unknown,
  options: Parameters<typeof createEventStore>[2],
) => EventStore;

/**
 * Subscribes a component to a route of a generated client and returns its live state: `status`
 * (`connecting | open | retrying | closed`), `events` (the last event of each name, typed per name), `lastEvent`,
 * `lastEventId`, `error`, and `close()`.
 *
 * - One connection per mounted hook, also under `StrictMode` (its unmount + remount keeps the connection).
 * - Nothing opens during server-side rendering: the stream opens when the component mounts in the browser.
 * - Unmounting aborts the request and leaves no timer behind.
 * - A new request object with the same params, query, headers and body keeps the connection; a different one
 *   reconnects once. New `onEvent` / `onError` functions never reconnect.
 * - Create the client once (module scope or `useMemo`): a new client is a new connection.
 *
 * @example
 * ```tsx
 * import { useEventStream } from '@ssekit/react';
 * import { createClient } from './generated/client.js';
 *
 * const client = createClient({ baseUrl: '/api' });
 *
 * function Greetings({ name }: { name: string }) {
 *   const { status, events } = useEventStream(client.greetings, { params: { name } }, { share: 'tabs' });
 *   return <p>{status}: {events.greeting?.data.text ?? '…'}</p>;
 * }
 * ```
 */
export function useEventStream<R extends BoundRoute<TypedEvent, unknown>>(
  route: R,
  ...[request, options = {}]: RouteArgs<R, UseEventStreamOptions<RouteEventOf<R>>>
): EventStreamState<RouteEventOf<R>> {
  type E = RouteEventOf<R>;
  const { enabled = true, share = false, lastEventId } = options;
  const handlers = useRef(options);
  useInsertionEffect(() => {
    handlers.current = options;
  });
  const { config, spec } = route['~ssekit'];
  const key = requestKey(request);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the request counts by its content (key), not its identity; lastEventId only seeds a new stream
  const store = useMemo(
    () =>
      enabled
        ? (createEventStore as AnyCreate)(route, request, {
            share,
            ...(lastEventId === undefined ? {} : { lastEventId }),
            onEvent: (event) => handlers.current.onEvent?.(event as E),
            onError: (error) => handlers.current.onError?.(error),
          })
        : undefined,
    [config, spec, key, enabled, share],
  );
  const getSnapshot = store ? store.getSnapshot : getDisabled;
  const snapshot = useSyncExternalStore(store ? store.subscribe : subscribeNothing, getSnapshot, getSnapshot);
  const close = useCallback(() => store?.close(), [store]);
  return useMemo(() => ({ ...(snapshot as EventStoreSnapshot<E>), close }), [snapshot, close]);
}
