import type { SsekitError } from '@ssekit/contract/errors';
import { connectEventStream } from './connect-event-stream.js';
import { type DecodeResult, type EventDecoder, fail, ok } from './decode-result.js';
import { ParseError, UnknownEventError } from './event-errors.js';
import type { CloseInfo, EventStreamConnection, EventStreamOptions, RetryInfo } from './event-stream-types.js';
import type { RawSseEvent } from './raw-event.js';
import { resolveHeaders } from './request-headers.js';
import type { ClientConfig, RouteCallOptions, RouteClientSpec, RouteRequest, TypedEvent } from './route-types.js';
import { buildRouteUrl } from './route-url.js';

/**
 * The sinks the typed layers plug into one route stream. Their own properties are copied onto the stream's options
 * (an `onTyped` there is ignored), so a sink object holds callbacks only, with no `onEvent`.
 */
export interface RouteSinks<Event extends TypedEvent = TypedEvent> {
  onTyped(event: Event): void;
  onError(error: SsekitError): void;
  onOpen?(response: Response): void;
  onRetry?(info: RetryInfo): void;
  onClose?(info: CloseInfo): void;
  /** Backpressure gate, see `EventStreamOptions.beforeRead`. */
  beforeRead?(): Promise<void> | undefined;
}

/**
 * The request part of a route stream's options: the URL, the method, the JSON body of a POST route, and the headers
 * (client-wide, then per request, then `Content-Type: application/json` for a POST body), plus the client-wide
 * connection settings. {@link openRoute} and the event store add the callbacks.
 *
 * @example
 * ```ts
 * connectEventStream({ ...routeStreamOptions(config, spec, request), onEvent: console.log });
 * ```
 */
export function routeStreamOptions<Event extends TypedEvent>(
  config: ClientConfig,
  spec: RouteClientSpec<Event>,
  request: RouteRequest,
  options: RouteCallOptions = {},
): Omit<EventStreamOptions, 'onEvent'> {
  const url = buildRouteUrl(config.baseUrl, spec.path, request.params, request.query);
  const hasBody = spec.method === 'POST' && request.body !== undefined;
  const body = hasBody ? JSON.stringify(request.body) : undefined;
  // Absent settings are passed as `undefined`, which connectEventStream reads as absent.
  return {
    url,
    method: spec.method,
    body,
    headers: async () => {
      const headers = await resolveHeaders(config.headers);
      for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
      if (hasBody && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return headers;
    },
    lastEventId: options.lastEventId,
    fetch: config.fetch,
    signal: options.signal,
    reconnect: config.reconnect,
    idleTimeoutMs: config.idleTimeoutMs,
    credentials: config.credentials,
    onUnauthorized: config.onUnauthorized,
  };
}

/**
 * Decodes one raw event with the route's decoder for its name: an unknown name is an `UnknownEventError`, a decoder
 * that throws a `ParseError`; either way the result says so and the stream goes on.
 *
 * @example
 * ```ts
 * const result = decodeRouteEvent(spec, { event: 'message', data: '"hi"', id: '1' });
 * if (result.ok) console.log(result.value.data);
 * ```
 */
export function decodeRouteEvent<Event extends TypedEvent>(
  spec: RouteClientSpec<Event>,
  raw: RawSseEvent,
): DecodeResult<Event> {
  const result = decodeRouteData(spec, raw);
  // The decoder found by the event's name produced that event's data.
  return result.ok ? ok({ event: raw.event, data: result.value, id: raw.id } as Event) : result;
}

/**
 * {@link decodeRouteEvent} without building the typed event: the decoder's own result (its data). {@link openRoute}
 * does the same per event, with its decoder looked up once per change of event name.
 */
function decodeRouteData(spec: RouteClientSpec<TypedEvent>, raw: RawSseEvent): DecodeResult<unknown> {
  // By name: every event the contract declares has its decoder, typed with that event's data.
  const decoders: Readonly<Record<string, EventDecoder>> = spec.decoders;
  const decoder = Object.hasOwn(decoders, raw.event) ? decoders[raw.event] : undefined;
  if (!decoder) return fail(new UnknownEventError(raw, { route: spec.key, known: Object.keys(decoders) }));
  try {
    return decoder(raw.data, raw);
  } catch (cause) {
    // a decoder should return fail(...), but a throwing one must not kill the stream either
    return fail(new ParseError(raw, cause, { route: spec.key }));
  }
}

/**
 * Opens a contract route's stream ({@link routeStreamOptions}) and decodes every event with the route's decoders
 * ({@link decodeRouteEvent}). Unknown events and failed decodes go to `onError`; the stream goes on.
 *
 * @example
 * ```ts
 * openRoute(config, spec, {}, { onTyped: console.log, onError: console.warn });
 * ```
 */
export function openRoute<Event extends TypedEvent>(
  config: ClientConfig,
  spec: RouteClientSpec<Event>,
  request: RouteRequest,
  sinks: RouteSinks<Event>,
  options: RouteCallOptions = {},
): EventStreamConnection {
  // The sinks' own callbacks (onError, onOpen, onRetry, onClose, beforeRead) are the stream's; the same properties in
  // the same order for every stream of a kind, so those streams' options share one shape.
  return connectEventStream(
    Object.assign(new RouteDecoding(spec, sinks), routeStreamOptions(config, spec, request, options), sinks),
  );
}

/**
 * The decoding half of a route stream's options: `onEvent` decodes with the route's decoders. It is this class's
 * method, called as a method of the options: one function for every route stream, so code V8 optimized around one
 * connection stays valid for the next (a closure per stream would deoptimize it on every reconnect).
 */
class RouteDecoding<Event extends TypedEvent> {
  readonly #spec: RouteClientSpec<Event>;
  readonly #sinks: RouteSinks<Event>;
  // The last event name decoded, its decoder and the decoders' own key for it. The parser hands over a new string per
  // event: comparing it with the last one is cheaper than a property lookup by it, and the typed event carries the
  // key (an internalized string), so the handler lookups downstream are cheap too. A string from the start (no event is
  // named ''), so optimized code that compares it with a name stays valid for the next stream's first event.
  #lastName = '';
  #lastKey = '';
  #lastDecoder: EventDecoder | undefined;

  constructor(spec: RouteClientSpec<Event>, sinks: RouteSinks<Event>) {
    this.#spec = spec;
    this.#sinks = sinks;
    // Most routes send one event, or mostly their first: selected up front, the stream's first event takes the same
    // path as every later one (code optimized for the previous stream has never seen the lookup run). A route without
    // events has no first name, and `undefined` names no event either.
    this.#select(Object.keys(spec.decoders)[0] as string);
  }

  /** Makes `name`'s decoder the current one; false when the route declares no such event. */
  #select(name: string): boolean {
    const decoders: Readonly<Record<string, EventDecoder>> = this.#spec.decoders;
    const decoder = Object.hasOwn(decoders, name) ? decoders[name] : undefined;
    if (!decoder) return false;
    this.#lastName = name;
    this.#lastDecoder = decoder;
    this.#lastKey = Object.keys(decoders).find((key) => key === name) ?? name;
    return true;
  }

  onEvent(raw: RawSseEvent): void {
    if (raw.event !== this.#lastName && !this.#select(raw.event)) {
      this.#sinks.onError(
        new UnknownEventError(raw, { route: this.#spec.key, known: Object.keys(this.#spec.decoders) }),
      );
      return;
    }
    let result: DecodeResult<unknown>;
    try {
      result = (this.#lastDecoder as EventDecoder)(raw.data, raw);
    } catch (cause) {
      // a decoder should return fail(...), but a throwing one must not kill the stream either
      result = fail(new ParseError(raw, cause, { route: this.#spec.key }));
    }
    // as decodeRouteEvent, minus its wrapping result
    if (result.ok) this.#sinks.onTyped({ event: this.#lastKey, data: result.value, id: raw.id } as Event);
    else this.#sinks.onError(result.error);
  }
}
