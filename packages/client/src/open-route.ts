import type { SsekitError } from '@ssekit/contract/errors';
import { connectEventStream } from './connect-event-stream.js';
import { type DecodeResult, type EventDecoder, fail, ok } from './decode-result.js';
import { ParseError, UnknownEventError } from './event-errors.js';
import type { CloseInfo, EventStreamConnection, EventStreamOptions, RetryInfo } from './event-stream-types.js';
import type { RawSseEvent } from './raw-event.js';
import { resolveHeaders } from './request-headers.js';
import type { ClientConfig, RouteCallOptions, RouteClientSpec, RouteRequest, TypedEvent } from './route-types.js';
import { buildRouteUrl } from './route-url.js';

/** The sinks the typed layers plug into one route stream. */
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
  // The last event name decoded, its decoder and the decoders' own key for it. The parser hands over a new string per
  // event: comparing it with the last one is cheaper than a property lookup by it, and the typed event carries the
  // key (an internalized string), so the handler lookups downstream are cheap too.
  let lastName: string | undefined;
  let lastKey = '';
  let lastDecoder: EventDecoder | undefined;
  return connectEventStream({
    ...routeStreamOptions(config, spec, request, options),
    onEvent(raw) {
      const name = raw.event;
      if (name !== lastName || lastDecoder === undefined) {
        const decoders: Readonly<Record<string, EventDecoder>> = spec.decoders;
        const decoder = Object.hasOwn(decoders, name) ? decoders[name] : undefined;
        if (!decoder) {
          sinks.onError(new UnknownEventError(raw, { route: spec.key, known: Object.keys(decoders) }));
          return;
        }
        lastName = name;
        lastDecoder = decoder;
        lastKey = Object.keys(decoders).find((key) => key === name) ?? name;
      }
      let result: DecodeResult<unknown>;
      try {
        result = lastDecoder(raw.data, raw);
      } catch (cause) {
        // a decoder should return fail(...), but a throwing one must not kill the stream either
        result = fail(new ParseError(raw, cause, { route: spec.key }));
      }
      // as decodeRouteEvent, minus its wrapping result
      if (result.ok) sinks.onTyped({ event: lastKey, data: result.value, id: raw.id } as Event);
      else sinks.onError(result.error);
    },
    onError: (error) => sinks.onError(error),
    onOpen: sinks.onOpen,
    onRetry: sinks.onRetry,
    onClose: sinks.onClose,
    beforeRead: sinks.beforeRead,
  });
}
