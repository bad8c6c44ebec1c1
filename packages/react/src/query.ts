import {
  type BoundRoute,
  type RouteArgs,
  type RouteClientSpec,
  type RouteEventOf,
  type RouteRequest,
  type RouteRequestOf,
  streamRoute,
  type TypedEvent,
} from '@ssekit/client';
import {
  type DataTag,
  type QueryFunction,
  type QueryKey,
  queryOptions,
  experimental_streamedQuery as streamedQuery,
  type UseQueryOptions,
} from '@tanstack/react-query';

/**
 * Options of {@link eventStreamQuery}.
 *
 * @example
 * ```ts
 * const options: EventStreamQueryOptions = { queryKey: ['greetings', 'ada'], refetchMode: 'append' };
 * ```
 */
export interface EventStreamQueryOptions {
  /** Default `['ssekit', <route key>, <request>]` (TanStack hashes it with sorted object keys). */
  queryKey?: QueryKey;
  /**
   * What a refetch does with the data so far: `'reset'` (default) clears it and starts over, `'append'` keeps it and
   * adds, `'replace'` swaps it in once the stream ends (a live stream rarely ends: prefer the other two).
   */
  refetchMode?: 'append' | 'reset' | 'replace';
}

/**
 * {@link EventStreamQueryOptions} plus a `reducer` that folds each event into the data, from `initialValue`: e.g.
 * `(_, e) => e.data` keeps only the latest value, `(list, e) => [...list, e].slice(-50)` a capped list.
 *
 * @example
 * ```ts
 * const latest: EventStreamReducerOptions<GreetingsEvent, string> = { reducer: (_, e) => e.event, initialValue: '' };
 * ```
 */
export interface EventStreamReducerOptions<E extends TypedEvent, TData> extends EventStreamQueryOptions {
  reducer(data: TData, event: E): TData;
  initialValue: TData;
}

/**
 * What {@link eventStreamQuery} returns: options for `useQuery`, `useSuspenseQuery`, `queryClient.fetchQuery`…, with
 * the data type tagged on the key (so `queryClient.getQueryData(options.queryKey)` is typed too).
 *
 * @example
 * ```ts
 * const options: EventStreamQuery<GreetingsEvent[]> = eventStreamQuery(client.greetings, request);
 * ```
 */
export type EventStreamQuery<TData> = UseQueryOptions<TData, Error, TData, QueryKey> & {
  queryKey: DataTag<QueryKey, TData, Error>;
  queryFn: QueryFunction<TData, QueryKey>;
};

/** The route stream as TanStack's `streamFn` wants it; ends quietly when the query is cancelled. */
async function* routeEvents(
  config: BoundRoute['~ssekit']['config'],
  spec: RouteClientSpec,
  request: RouteRequest,
  signal: AbortSignal,
): AsyncGenerator<TypedEvent> {
  try {
    yield* streamRoute(config, spec, request, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

/**
 * TanStack Query v5 options that feed a route's stream into the query cache, through TanStack's
 * `experimental_streamedQuery`: `useQuery(eventStreamQuery(client.greetings, request))` re-renders with every event.
 * The stream opens with the query's fetch and is aborted when the last observer unmounts (or the query is
 * cancelled); a refetch reconnects. Spread the result to add other options (`enabled`, `select`, `staleTime`…).
 *
 * @example
 * ```tsx
 * import { useQuery } from '@tanstack/react-query';
 * import { eventStreamQuery } from '@ssekit/react/query';
 *
 * function Feed({ name }: { name: string }) {
 *   // every event, appended
 *   const all = useQuery(eventStreamQuery(client.greetings, { params: { name } }));
 *   // only the last 20 greetings' texts
 *   const recent = useQuery(
 *     eventStreamQuery(client.greetings, { params: { name } }, {
 *       queryKey: ['greetings', name, 'recent'],
 *       reducer: (texts: string[], e) => (e.event === 'greeting' ? [...texts, e.data.text].slice(-20) : texts),
 *       initialValue: [],
 *     }),
 *   );
 *   return <ul>{recent.data?.map((text, i) => <li key={i}>{text}</li>)}</ul>;
 * }
 * ```
 */
export function eventStreamQuery<R extends BoundRoute<TypedEvent, unknown>, TData>(
  route: R,
  request: RouteRequestOf<R>,
  options: EventStreamReducerOptions<RouteEventOf<R>, TData>,
): EventStreamQuery<TData>;
export function eventStreamQuery<R extends BoundRoute<TypedEvent, unknown>>(
  route: R,
  ...args: RouteArgs<R, EventStreamQueryOptions>
): EventStreamQuery<RouteEventOf<R>[]>;
export function eventStreamQuery(
  route: BoundRoute<TypedEvent, unknown>,
  ...[request, options = {}]: [
    unknown?,
    (EventStreamQueryOptions & Partial<EventStreamReducerOptions<TypedEvent, unknown>>)?,
  ]
): unknown {
  const { config, spec } = route['~ssekit'];
  const routeRequest = (request ?? {}) as RouteRequest;
  const queryFn = streamedQuery<TypedEvent, unknown>({
    streamFn: ({ signal }) => routeEvents(config, spec, routeRequest, signal),
    ...(options.refetchMode ? { refetchMode: options.refetchMode } : {}),
    ...(options.reducer ? { reducer: options.reducer, initialValue: options.initialValue } : {}),
  } as Parameters<typeof streamedQuery<TypedEvent, unknown>>[0]);
  return queryOptions({
    queryKey: options.queryKey ?? ['ssekit', spec.key, routeRequest],
    queryFn,
  });
}
