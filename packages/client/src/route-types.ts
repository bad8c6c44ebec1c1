import type { SsekitError } from '@ssekit/contract/errors';
import type { EventDecoder } from './decode-result.js';
import type { CloseInfo, EventStreamOptions, ReconnectOptions, RetryInfo } from './event-stream-types.js';
import type { FetchCredentials, HeadersSource } from './request-headers.js';

/**
 * One decoder per event of a route, by name, each typed with its event's data.
 *
 * @example
 * ```ts
 * const decoders: EventDecoders<TypedEvent<'tick', number>> = { tick: createEventDecoder<number>() };
 * ```
 */
export type EventDecoders<Event extends TypedEvent> = { [E in Event as E['event']]: EventDecoder<E['data']> };

/**
 * What a generated client knows about one contract route; `Event` is the union of its typed events, which
 * `streamRoute` yields.
 *
 * @example
 * ```ts
 * const spec: RouteClientSpec<TypedEvent<'message', string>> = {
 *   key: 'chat',
 *   path: '/rooms/:roomId',
 *   method: 'GET',
 *   decoders: { message: createEventDecoder<string>({ encoding: 'text' }) },
 * };
 * ```
 */
export interface RouteClientSpec<Event extends TypedEvent = TypedEvent> {
  /** The contract route key, used in error messages. */
  key: string;
  /** Path with `:params`. */
  path: string;
  method: 'GET' | 'POST';
  /** One decoder per declared event name; any other event name is reported as unknown. */
  decoders: EventDecoders<Event>;
}

/**
 * Client-wide settings shared by every route of a generated client.
 *
 * @example
 * ```ts
 * const config: ClientConfig = { baseUrl: 'https://api.example.com', headers: () => ({ authorization: token() }) };
 * ```
 */
export interface ClientConfig {
  baseUrl: string | URL;
  fetch?: typeof fetch;
  /** Headers for every request, or a function re-evaluated on every attempt. */
  headers?: HeadersSource;
  reconnect?: ReconnectOptions | false;
  idleTimeoutMs?: number;
  /** Passed to `fetch`. */
  credentials?: FetchCredentials;
  /**
   * Called on a 401: refresh your credentials (the `headers` function then returns the new ones); the client
   * reconnects at once with the same `Last-Event-ID`. A second 401 in a row is terminal. See `EventStreamOptions`.
   */
  onUnauthorized?: EventStreamOptions['onUnauthorized'];
}

/**
 * The inputs of one route request (already validated by the generated code, if it validates).
 *
 * @example
 * ```ts
 * const request: RouteRequest = { params: { roomId: 'r1' }, query: { since: 5 } };
 * ```
 */
export interface RouteRequest {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  /** Per-request headers; they override the client-wide ones. */
  headers?: Record<string, string>;
  /** POST routes: sent as JSON. */
  body?: unknown;
}

/**
 * A decoded event as handlers and iterators see it.
 *
 * @example
 * ```ts
 * const e: TypedEvent<'tick', number> = { event: 'tick', data: 1, id: '1' };
 * ```
 */
export interface TypedEvent<Name extends string = string, Data = unknown> {
  event: Name;
  data: Data;
  id: string | undefined;
}

/**
 * One callback per event name, as `subscribe`'s `on` map holds them. Any name the SSE format allows is a key
 * (`'response.output_text.delta'`, `'user-created'`, even `'onError'`), so event names never collide with options.
 *
 * @example
 * ```ts
 * const on: EventHandlerMap = { 'response.output_text.delta': (text: string) => process.stdout.write(text) };
 * ```
 */
export interface EventHandlerMap {
  // biome-ignore lint/suspicious/noExplicitAny: each generated client narrows `data` per event
  [event: string]: ((data: any, event: TypedEvent) => void) | undefined;
}

/**
 * Per-event callbacks plus lifecycle callbacks. Event handlers go in the `on` map (any event name) or, for names
 * that are not one of the keys below, at the top level next to them. Without `onError`, errors that do not end the
 * stream are logged with `console.warn` rather than dropped.
 *
 * @example
 * ```ts
 * const handlers: SubscribeHandlers = { on: { 'user-created': (u) => console.log(u) }, tick: (n: number) => console.log(n), onError: (e) => console.warn(e) };
 * ```
 */
export interface SubscribeHandlers {
  // biome-ignore lint/suspicious/noExplicitAny: each generated client narrows `data` per event
  [event: string]: ((data: any, event: TypedEvent) => void) | EventHandlerMap | undefined;
  /** Event handlers keyed by event name; it wins over a top-level handler of the same name. */
  on?: EventHandlerMap;
  onError?(error: SsekitError): void;
  onOpen?(response: Response): void;
  onRetry?(info: RetryInfo): void;
  onClose?(info: CloseInfo): void;
}

/**
 * The keys of {@link SubscribeHandlers} that are not event handlers: an event with one of these names is handled only
 * through the `on` map (`__proto__` too, which an object literal cannot hold as an own key).
 *
 * @example
 * ```ts
 * HANDLER_OPTION_KEYS.includes('onError'); // true
 * ```
 */
export const HANDLER_OPTION_KEYS = ['on', 'onError', 'onOpen', 'onRetry', 'onClose', '__proto__'] as const;

/** An event name that can only be handled through the `on` map. */
type HandlerOptionKey = (typeof HANDLER_OPTION_KEYS)[number];

/**
 * The callbacks every route's `subscribe` accepts next to its event handlers.
 *
 * @example
 * ```ts
 * const lifecycle: LifecycleHandlers = { onError: (e) => console.warn(e.code), onClose: (info) => console.log(info.reason) };
 * ```
 */
export type LifecycleHandlers = Pick<SubscribeHandlers, 'onError' | 'onOpen' | 'onRetry' | 'onClose'>;

/**
 * One optional callback per event of a route, keyed by event name and typed with that event's data: the `on` map of
 * {@link RouteHandlers}.
 *
 * @example
 * ```ts
 * const on: RouteEventHandlers<TypedEvent<'a.b', number>> = { 'a.b': (n) => console.log(n + 1) };
 * ```
 */
export type RouteEventHandlers<Event extends TypedEvent> = {
  [E in Event as E['event']]?: EventHandlerOf<E>;
};

/**
 * The handler type of one event. For a name `Object.prototype` has (`constructor`, `toString`, …) it also admits
 * `Function`: TypeScript compares an optional key of that name with the inherited member, so without it every
 * handlers object that leaves the key out would fail to type-check.
 */
type EventHandlerOf<E extends TypedEvent> = E['event'] extends keyof Object
  ? ((data: E['data'], event: E) => void) | Function
  : (data: E['data'], event: E) => void;

/**
 * The callbacks of one route's `subscribe`: an optional handler per event, typed with that event's data, in the `on`
 * map or (for names that are not option keys) at the top level, plus the lifecycle ones. For a spec whose events are
 * not known by name, any {@link SubscribeHandlers}.
 *
 * @example
 * ```ts
 * const handlers: RouteHandlers<TypedEvent<'tick', number>> = { tick: (n) => console.log(n + 1), onError: console.warn };
 * const same: RouteHandlers<TypedEvent<'tick', number>> = { on: { tick: (n) => console.log(n + 1) } };
 * ```
 */
export type RouteHandlers<Event extends TypedEvent> = string extends Event['event']
  ? SubscribeHandlers
  : LifecycleHandlers & { on?: RouteEventHandlers<Event> } & {
      [E in Event as Exclude<E['event'], HandlerOptionKey>]?: EventHandlerOf<E>;
    };

/**
 * A running typed subscription.
 *
 * @example
 * ```ts
 * const sub = client.chat.subscribe({ params: { roomId: 'r1' } }, { message: console.log });
 * sub.close();
 * ```
 */
export interface Subscription {
  close(): void;
  readonly lastEventId: string | undefined;
  /** Resolves once the stream stopped for good. */
  readonly done: Promise<void>;
}

/**
 * Per-call options of {@link subscribeRoute} and {@link streamRoute}.
 *
 * @example
 * ```ts
 * const options: RouteCallOptions = { signal: AbortSignal.timeout(60_000), lastEventId: saved };
 * ```
 */
export interface RouteCallOptions {
  signal?: AbortSignal;
  /** Resume after this id (sent as `Last-Event-ID` on the first request). */
  lastEventId?: string;
}

/**
 * What a generated route carries under `'~ssekit'` for integrations such as {@link createEventStore} and
 * `@ssekit/react`: the client's config and the route's spec. The type parameters only carry the route's event union
 * and request type to those integrations; nothing reads them at run time.
 *
 * @example
 * ```ts
 * const { config, spec } = client.greetings['~ssekit'];
 * ```
 */
export interface RouteBinding<Event extends TypedEvent = TypedEvent, Request = RouteRequest | undefined> {
  readonly config: ClientConfig;
  readonly spec: RouteClientSpec<Event>;
  /** Never set: holds the route's types for inference. */
  readonly types?: { readonly event: Event; readonly request: Request };
}

/**
 * A route of a generated client, as integrations take it (`client.greetings`).
 *
 * @example
 * ```ts
 * function keyOf(route: BoundRoute): string { return route['~ssekit'].spec.key; }
 * ```
 */
export interface BoundRoute<Event extends TypedEvent = TypedEvent, Request = RouteRequest | undefined> {
  readonly '~ssekit': RouteBinding<Event, Request>;
}

/**
 * The event union of a generated route (`TypedEvent<'greeting', …> | TypedEvent<'error', …>`).
 *
 * @example
 * ```ts
 * type GreetingsEvent = RouteEventOf<typeof client.greetings>;
 * ```
 */
export type RouteEventOf<R extends BoundRoute<TypedEvent, unknown>> = NonNullable<R['~ssekit']['types']>['event'];

/**
 * The request type of a generated route (`undefined` for a route with no params, query, headers or body).
 *
 * @example
 * ```ts
 * const request: RouteRequestOf<typeof client.greetings> = { params: { name: 'ada' } };
 * ```
 */
export type RouteRequestOf<R extends BoundRoute<TypedEvent, unknown>> = NonNullable<R['~ssekit']['types']>['request'];

/**
 * The arguments after the route: the request (optional when the route takes none), then options.
 *
 * @example
 * ```ts
 * function open<R extends BoundRoute<TypedEvent, unknown>>(route: R, ...args: RouteArgs<R, { share?: 'tabs' }>) {}
 * ```
 */
export type RouteArgs<R extends BoundRoute<TypedEvent, unknown>, Options> =
  undefined extends RouteRequestOf<R>
    ? [request?: RouteRequestOf<R>, options?: Options]
    : [request: RouteRequestOf<R>, options?: Options];
