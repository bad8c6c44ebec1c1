import type {
  Contract,
  InferBody,
  InferEventInput,
  InferHeaders,
  InferParams,
  InferQuery,
  RouteDefinition,
  RouteKeys,
} from '@ssekit/contract';
import { contractRoutes } from '@ssekit/contract';
import { ExtraHandlerError, MissingHandlerError } from './errors.js';
import {
  type BeforeStreamContext,
  createRouter,
  type RouterOptions,
  type SseRouter,
  type StreamOptions,
} from './router.js';
import type { SessionOf } from './session.js';

/**
 * A contract route's handler: receives the typed session; the stream ends when it returns (or its promise settles).
 *
 * @example
 * ```ts
 * const json: RouteHandler<typeof contract.json> = async (session) => {
 *   await session.send('customer', { id: 0, firstName: 'Jet', lastName: 'Brains' });
 * };
 * ```
 */
export type RouteHandler<R extends RouteDefinition> = R extends RouteDefinition
  ? (session: SessionOf<R>) => unknown
  : never;

/** Data of the route's declared error event, or `never` when it declares none. */
export type ErrorEventData<R extends RouteDefinition> = R['errorEvent'] extends string
  ? InferEventInput<R, R['errorEvent']>
  : never;

/**
 * A handler with options: a `beforeStream` hook that may answer 4xx/204 instead of a stream, a serializer, heartbeat
 * and queue settings, and how failures map to the declared error event. Name it from a route with
 * {@link RouteImplementationObject}.
 *
 * @example
 * ```ts
 * const room: HandlerWithOptions<SessionOf<typeof contract.room>, BeforeStreamContext, never> = {
 *   handler: (session) => session.done,
 * };
 * ```
 */
export interface HandlerWithOptions<Session, Context, ErrorData> extends StreamOptions {
  handler: (session: Session) => unknown;
  /** Runs after validation and before any byte is written; throw `HttpError` to answer with a status. */
  beforeStream?: (ctx: Context) => void | Promise<void>;
  /** Maps a handler failure to the error event's data. Default `{ code: 'INTERNAL_ERROR', message: 'Internal server error' }`. */
  toErrorEvent?: (error: unknown) => ErrorData;
}

/**
 * A contract route's implementation with options (see {@link HandlerWithOptions}).
 *
 * @example
 * ```ts
 * const room: RouteImplementationObject<typeof contract.room> = {
 *   beforeStream: ({ headers }) => { if (!headers.authorization) throw new HttpError(401); },
 *   handler: (session) => session.done,
 * };
 * ```
 */
export type RouteImplementationObject<R extends RouteDefinition> = R extends RouteDefinition
  ? HandlerWithOptions<
      SessionOf<R>,
      BeforeStreamContext<InferParams<R>, InferQuery<R>, InferHeaders<R>, InferBody<R>>,
      ErrorEventData<R>
    >
  : never;

/** A handler function, or an object with one and its options. */
export type RouteImplementation<R extends RouteDefinition> = R extends RouteDefinition
  ? RouteHandler<R> | RouteImplementationObject<R>
  : never;

/** One implementation per contract route, no more, no less. */
export type ContractImplementation<C extends Contract> = {
  [K in RouteKeys<C>]: C[K] extends RouteDefinition ? RouteImplementation<C[K]> : never;
};

/**
 * What a compile error says when `implement()` has no handler for a route.
 *
 * @example
 * ```ts
 * implement(contract, { json }); // Property 'room' is missing … required in type '{ room: MissingHandler<"room">; }'
 * ```
 */
export interface MissingHandler<Route extends string> {
  readonly 'needs a handler for route': Route;
}

/**
 * What a compile error says when `implement()` gets a handler for a key the contract does not declare.
 *
 * @example
 * ```ts
 * implement(contract, { json, room, rom }); // Type '() => void' is not assignable to type 'NotARoute<"rom">'
 * ```
 */
export interface NotARoute<Key extends string> {
  readonly 'is not a route of the contract': Key;
}

/**
 * The handlers `implement()` takes for the keys `Keys` it was given: each route's implementation, `NotARoute` for a
 * key the contract does not declare, and `MissingHandler` for each route left out — so that a compile error names the
 * key (`Property 'room' is missing … required in type '{ room: MissingHandler<"room">; }'`) instead of printing the
 * whole contract.
 *
 * @example
 * ```ts
 * const handlers: ImplementationOf<typeof contract, 'json' | 'room'> = { json, room };
 * ```
 */
export type ImplementationOf<C extends Contract, Keys extends PropertyKey> = C extends Contract
  ? {
      [K in Keys]: K extends RouteKeys<C>
        ? C[K] extends RouteDefinition
          ? RouteImplementation<C[K]>
          : never
        : NotARoute<K & string>;
    } & { [K in Exclude<RouteKeys<C>, Keys>]: MissingHandler<K> }
  : never;

/**
 * Implements a contract: every route needs a handler (a compile error, and a `MissingHandlerError` at start-up).
 * Returns a router to mount through an adapter; pass `router` to add to an existing one.
 *
 * @example
 * ```ts
 * const router = implement(seedContract, {
 *   events: async (s) => { for (let i = 0; i < 100; i++) await s.send('message', `event ${i}`); },
 *   json: async (s) => { await s.send('customer', { id: 0, firstName: 'Jet', lastName: 'Brains' }); },
 *   greetings: async (s) => { await s.send('greeting', { text: `Hello, ${s.params.name}!`, n: 1 }); },
 * });
 * ```
 */
export function implement<C extends Contract, Keys extends PropertyKey>(
  contract: C,
  implementation: ImplementationOf<C, Keys>,
  options?: RouterOptions & { router?: SseRouter },
): SseRouter {
  const routes = contractRoutes(contract);
  const impls = implementation as unknown as Record<string, RouteImplementation<RouteDefinition> | undefined>;
  const missing = routes.map(([key]) => key).filter((key) => impls[key] === undefined);
  if (missing.length) {
    throw new MissingHandlerError(`no handler for contract route(s): ${missing.join(', ')}`, missing);
  }
  const known = new Set(routes.map(([key]) => key));
  const extra = Object.keys(impls).filter((key) => !known.has(key));
  if (extra.length) {
    throw new ExtraHandlerError(extra);
  }
  const { router: existing, ...routerOptions } = options ?? {};
  const router = existing ?? createRouter(routerOptions);
  for (const [key, route] of routes) {
    const impl = impls[key];
    const normalized = typeof impl === 'function' ? { handler: impl } : impl;
    if (!normalized || typeof normalized.handler !== 'function') {
      throw new MissingHandlerError(`route "${key}": the implementation has no handler function`, [key]);
    }
    router.addContractRoute(key, route, normalized as Parameters<SseRouter['addContractRoute']>[2]);
  }
  return router;
}
