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
import type { TypedSession } from './session.js';

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
export type RouteHandler<R extends RouteDefinition> = (session: TypedSession<R>) => unknown;

/** Data of the route's declared error event, or `never` when it declares none. */
export type ErrorEventData<R extends RouteDefinition> = R['errorEvent'] extends string
  ? InferEventInput<R, R['errorEvent']>
  : never;

/**
 * A contract route's implementation with options: a `beforeStream` hook that may answer 4xx/204 instead of a stream,
 * a serializer, heartbeat and queue settings, and how failures map to the declared error event.
 *
 * @example
 * ```ts
 * const room: RouteImplementation<typeof contract.room> = {
 *   beforeStream: ({ headers }) => { if (!headers.authorization) throw new HttpError(401); },
 *   handler: (session) => session.done,
 * };
 * ```
 */
export interface RouteImplementationObject<R extends RouteDefinition> extends StreamOptions {
  handler: RouteHandler<R>;
  /** Runs after validation and before any byte is written; throw `HttpError` to answer with a status. */
  beforeStream?: (
    ctx: BeforeStreamContext<InferParams<R>, InferQuery<R>, InferHeaders<R>, InferBody<R>>,
  ) => void | Promise<void>;
  /** Maps a handler failure to the error event's data. Default `{ code: 'INTERNAL_ERROR', message: 'Internal server error' }`. */
  toErrorEvent?: (error: unknown) => ErrorEventData<R>;
}

/** A handler function, or an object with one and its options. */
export type RouteImplementation<R extends RouteDefinition> = RouteHandler<R> | RouteImplementationObject<R>;

/** One implementation per contract route, no more, no less. */
export type ContractImplementation<C extends Contract> = {
  [K in RouteKeys<C>]: C[K] extends RouteDefinition ? RouteImplementation<C[K]> : never;
};

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
export function implement<C extends Contract>(
  contract: C,
  implementation: ContractImplementation<C>,
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
