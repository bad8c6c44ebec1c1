import { logError, type SsekitError } from '@ssekit/contract/errors';
import { CallbackError } from './lifecycle-errors.js';
import { openRoute } from './open-route.js';
import { emitError } from './report-callback.js';
import type {
  ClientConfig,
  LifecycleHandlers,
  RouteCallOptions,
  RouteClientSpec,
  RouteHandlers,
  RouteRequest,
  Subscription,
  TypedEvent,
} from './route-types.js';

/**
 * Subscribes to a contract route with one callback per event name. Used by generated clients
 * (`client.<route>.subscribe(...)`). Decoding errors and unknown events go to `onError` and the
 * stream continues; a throwing handler is reported as a `CallbackError` and the stream continues.
 *
 * @example
 * ```ts
 * const sub = subscribeRoute(config, spec, { params: { roomId: 'r1' } }, {
 *   message: (text: string, e) => console.log(e.id, text),
 *   onError: (err) => console.warn(err.code, err.message),
 * });
 * sub.close();
 * ```
 */
export function subscribeRoute<Event extends TypedEvent>(
  config: ClientConfig,
  spec: RouteClientSpec<Event>,
  request: RouteRequest,
  routeHandlers: RouteHandlers<Event>,
  options?: RouteCallOptions,
): Subscription {
  const handlers: LifecycleHandlers = routeHandlers;
  const onError = handlers.onError ? (error: SsekitError) => handlers.onError?.(error) : logError;
  const connection = openRoute(
    config,
    spec,
    request,
    {
      onTyped(event) {
        // The handlers object holds one optional callback per event name next to the lifecycle ones.
        const handler: unknown = Object.hasOwn(handlers, event.event) ? Reflect.get(handlers, event.event) : undefined;
        if (typeof handler !== 'function') return;
        // Inline rather than through invokeCallback: this runs once per event and builds its label only on a throw.
        try {
          handler(event.data, event);
        } catch (cause) {
          emitError(onError, new CallbackError(`handler for "${event.event}"`, cause));
        }
      },
      onError,
      ...(handlers.onOpen ? { onOpen: (response: Response) => handlers.onOpen?.(response) } : {}),
      ...(handlers.onRetry ? { onRetry: (info) => handlers.onRetry?.(info) } : {}),
      ...(handlers.onClose ? { onClose: (info) => handlers.onClose?.(info) } : {}),
    },
    options,
  );
  return {
    close: () => connection.close(),
    get lastEventId() {
      return connection.lastEventId;
    },
    done: connection.done,
  };
}
