import { logError, type SsekitError } from '@ssekit/contract/errors';
import type { CloseInfo, RetryInfo } from './event-stream-types.js';
import { CallbackError } from './lifecycle-errors.js';
import { openRoute, type RouteSinks } from './open-route.js';
import { emitError } from './report-callback.js';
import {
  type ClientConfig,
  HANDLER_OPTION_KEYS,
  type LifecycleHandlers,
  type RouteCallOptions,
  type RouteClientSpec,
  type RouteHandlers,
  type RouteRequest,
  type Subscription,
  type TypedEvent,
} from './route-types.js';

/**
 * Subscribes to a contract route with one callback per event name. Used by generated clients
 * (`client.<route>.subscribe(...)`). Decoding errors and unknown events go to `onError` and the
 * stream continues; a throwing handler is reported as a `CallbackError` and the stream continues.
 * The event handlers are read once, when `subscribe` is called: assigning a handler on the object afterwards changes
 * nothing (subscribe again, or dispatch from inside your own handler).
 *
 * @example
 * ```ts
 * const sub = subscribeRoute(config, spec, { params: { roomId: 'r1' } }, {
 *   message: (text: string, e) => console.log(e.id, text),
 *   on: { 'user-created': (user) => console.log(user) },
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
  const handlers: LifecycleHandlers & { on?: unknown } = routeHandlers;
  const on: unknown = Object.hasOwn(handlers, 'on') ? handlers.on : undefined;
  const map = typeof on === 'object' && on !== null ? on : undefined;
  const onError = handlers.onError ? (error: SsekitError) => handlers.onError?.(error) : logError;
  const connection = openRoute(
    config,
    spec,
    request,
    // the same properties in the same order for every subscription, so all share one shape
    Object.assign(
      // each declared event's handler, read once here rather than by name on every event
      new Subscriber<Event>(
        new Map(Object.keys(spec.decoders).map((name) => [name, eventHandler(handlers, map, name)])),
        onError,
      ),
      {
        // read when called: an absent callback costs one call per connect, retry or close
        onOpen: (response: Response) => handlers.onOpen?.(response),
        onRetry: (info: RetryInfo) => handlers.onRetry?.(info),
        onClose: (info: CloseInfo) => handlers.onClose?.(info),
      },
    ),
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

/**
 * The handler of one event: from the `on` map if it has one for the name, else a top-level one unless the name is an
 * option key (`onError`, `on`, …). Own properties only, so `constructor` or `toString` never reach `Object.prototype`.
 */
function eventHandler(handlers: object, map: object | undefined, name: string): unknown {
  if (map !== undefined && Object.hasOwn(map, name)) return Reflect.get(map, name);
  if ((HANDLER_OPTION_KEYS as readonly string[]).includes(name) || !Object.hasOwn(handlers, name)) return undefined;
  return Reflect.get(handlers, name);
}

/**
 * A subscription's sinks. `onTyped` is this class's method, one function for every subscription, so code V8 optimized
 * around one connection stays valid for the next (a closure per subscription would deoptimize it on every reconnect).
 */
class Subscriber<Event extends TypedEvent> implements RouteSinks<Event> {
  // The typed event carries the decoders' own key, so comparing it with the last name is a pointer check and the
  // table is read only on a change. A string from the start (no event is named ''), as in open-route.
  #lastName = '';
  #handler: unknown;
  readonly #table: Map<string, unknown>;
  // assigned in the constructor; `declare` emits no class field for it (bytes the standalone bundle does not have)
  declare readonly onError: (error: SsekitError) => void;

  constructor(table: Map<string, unknown>, onError: (error: SsekitError) => void) {
    this.#table = table;
    this.onError = onError;
  }

  onTyped(event: Event): void {
    if (event.event !== this.#lastName) {
      this.#lastName = event.event;
      this.#handler = this.#table.get(this.#lastName);
    }
    const handler = this.#handler;
    if (typeof handler !== 'function') return;
    // Inline rather than through invokeCallback: this runs once per event and builds its label only on a throw.
    try {
      handler(event.data, event);
    } catch (cause) {
      emitError(this.onError, new CallbackError(`handler for "${event.event}"`, cause));
    }
  }
}
