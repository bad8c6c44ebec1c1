import type { SsekitError } from '@ssekit/contract/errors';
import { connectEventStream } from './connect-event-stream.js';
import type { EventDecoder } from './decode-result.js';
import { ParseError, UnknownEventError } from './event-errors.js';
import type { CloseInfo, EventStreamConnection, RetryInfo } from './event-stream-types.js';
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
}

/**
 * Opens a contract route's stream: builds the URL, merges headers (client-wide, then per
 * request, then `Content-Type: application/json` for a POST body), and decodes every event with
 * the route's decoders. Unknown events and failed decodes go to `onError`; the stream goes on.
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
  const url = buildRouteUrl(config.baseUrl, spec.path, request.params, request.query);
  const hasBody = spec.method === 'POST' && request.body !== undefined;
  const body = hasBody ? JSON.stringify(request.body) : undefined;
  // By name: every event the contract declares has its decoder, typed with that event's data.
  const decoders: Readonly<Record<string, EventDecoder>> = spec.decoders;
  const known = Object.keys(decoders);
  const context = { route: spec.key };

  return connectEventStream({
    url,
    method: spec.method,
    ...(body === undefined ? {} : { body }),
    headers: async () => {
      const headers = await resolveHeaders(config.headers);
      for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
      if (hasBody && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return headers;
    },
    ...(options.lastEventId === undefined ? {} : { lastEventId: options.lastEventId }),
    ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(config.reconnect === undefined ? {} : { reconnect: config.reconnect }),
    ...(config.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: config.idleTimeoutMs }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    onEvent(raw) {
      const decoder = Object.hasOwn(decoders, raw.event) ? decoders[raw.event] : undefined;
      if (!decoder) {
        sinks.onError(new UnknownEventError(raw, { ...context, known }));
        return;
      }
      let result: ReturnType<typeof decoder>;
      try {
        result = decoder(raw.data, raw);
      } catch (cause) {
        // a decoder should return fail(...), but a throwing one must not kill the stream either
        sinks.onError(new ParseError(raw, cause, context));
        return;
      }
      if (!result.ok) {
        sinks.onError(result.error);
        return;
      }
      // The decoder found by the event's name produced that event's data.
      sinks.onTyped({ event: raw.event, data: result.value, id: raw.id } as Event);
    },
    onError: (error) => sinks.onError(error),
    ...(sinks.onOpen ? { onOpen: sinks.onOpen } : {}),
    ...(sinks.onRetry ? { onRetry: sinks.onRetry } : {}),
    ...(sinks.onClose ? { onClose: sinks.onClose } : {}),
  });
}
