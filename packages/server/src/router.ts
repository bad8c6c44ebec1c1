import { type AnyContractRoute, isSsekitError, logError, type Serializer } from '@ssekit/contract';
import { HandlerError, type SlowConsumerPolicy, StreamClosedError } from './errors.js';
import type { HeartbeatOptions } from './heartbeat.js';
import { prepareRequest } from './prepare-request.js';
import { type CoreRequest, type PlainResponse, problemResponse } from './request.js';
import { type ContractRouteImpl, RouteRegistry } from './route-registry.js';
import { RouteScope } from './route-scope.js';
import type { RouteEntry } from './route-table.js';
import { type SessionInit, SseSession } from './session.js';
import type { SseSink } from './sink.js';

export { defaultErrorEventData } from './route-registry.js';
export { type RawHandler, RouteScope } from './route-scope.js';

/** Options shared by a router and, where it makes sense, overridable per route. */
export interface StreamOptions {
  /** Per-route (or per-router) serializer, as Ktor's `sse(path, serialize)`. Default: text verbatim, else JSON. */
  serialize?: Serializer;
  /** Heartbeat comment after this much silence, or `false`. Default `{ periodMs: 15000 }`. */
  heartbeat?: HeartbeatOptions | false;
  /** Bound on bytes queued per client before the slow-consumer policy applies. Default 1 MiB. */
  maxQueueBytes?: number;
  /** `disconnect` (default): cut the client off and report; `drop`: skip events until it catches up, and report. */
  slowConsumer?: SlowConsumerPolicy;
  /**
   * Coalescing window in ms (default 0: off). Frames sent within the window after a first, undelayed frame go out in
   * one write; heartbeats are never delayed and `close()` flushes. Trades up to `coalesceMs` of latency for far fewer
   * syscalls when events are frequent.
   */
  coalesceMs?: number;
}

/** Context handed to `onError`. */
export interface ErrorContext {
  /** Route name (contract key, or path for raw routes), when the error belongs to one. */
  route: string | undefined;
}

/** Router-wide options. */
export interface RouterOptions extends StreamOptions {
  /** Max request body for POST routes, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Receives every error ssekit reports instead of throwing (handler failures, slow consumers, bad ids). Default: `logError`. */
  onError?: (error: unknown, context: ErrorContext) => void;
}

/** What `beforeStream` hooks receive: the validated request, before any byte of the stream. */
export interface BeforeStreamContext<Params = unknown, Query = unknown, Headers = unknown, Body = unknown> {
  readonly params: Params;
  readonly query: Query;
  readonly headers: Headers;
  readonly body: Body;
  readonly lastEventId: string | undefined;
  readonly request: SessionInit['request'];
}

/** The result of routing one request: a plain response, or a stream to start on a sink. */
export type DispatchResult =
  | ({ kind: 'response'; matched: boolean } & PlainResponse)
  | { kind: 'stream'; headers: Record<string, string>; start(sink: SseSink): SseSession };

/** Headers of every stream (no-cache, no-transform, no proxy buffering). Adapters add only what the protocol needs. */
export const STREAM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
});

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The web-standard core: routes, validation, sessions. Adapters (node, fetch, …) hand it requests and sinks.
 *
 * @example
 * ```ts
 * const router = createRouter({ heartbeat: { periodMs: 10_000 } });
 * router.sse('/events', async (session) => {
 *   for (let i = 0; i < 100; i++) await session.send({ data: `event ${i}` });
 * });
 * http.createServer(createNodeHandler(router)).listen(8080);
 * ```
 */
export class SseRouter extends RouteScope {
  readonly options: Readonly<RouterOptions>;
  readonly #registry: RouteRegistry;
  readonly #sessions = new Set<SseSession>();
  readonly #forgetSession = (session: SseSession): void => {
    this.#sessions.delete(session);
  };

  constructor(options: RouterOptions = {}) {
    const registry = new RouteRegistry(options, (error, route) => report(options, error, route));
    super('', registry);
    this.options = options;
    this.#registry = registry;
  }

  /** Number of open streams. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /**
   * The declared routes, in declaration order: method, path as declared (`/greetings/:name`) and name (contract key,
   * or path for raw routes). Read-only; lets framework adapters (Fastify) declare a native route per SSE route.
   *
   * @example
   * ```ts
   * for (const { method, path } of router.routes()) fastify.route({ method, url: path, handler });
   * ```
   */
  routes(): { method: string; path: string; name: string }[] {
    return this.#registry.table.entries.map((entry) => ({
      method: entry.method,
      path: entry.runtime.path,
      name: entry.runtime.name,
    }));
  }

  /** Closes every open stream (graceful shutdown). */
  closeAll(): void {
    for (const session of [...this.#sessions]) session.close();
  }

  /** @internal Adds one contract route; see `implement()`. */
  addContractRoute(key: string, route: AnyContractRoute, impl: ContractRouteImpl): void {
    this.#registry.addContract(key, route, impl);
  }

  /** Reports an error to `onError` (default: logged). Never throws. */
  report(error: unknown, route?: string): void {
    report(this.options, error, route);
  }

  /**
   * Routes one request: 404/405/400/413/415 or a `beforeStream` rejection as a plain response; otherwise a stream to start.
   * Never throws: unexpected failures become a 500 and are reported.
   */
  async dispatch(request: CoreRequest): Promise<DispatchResult> {
    const queryAt = request.url.indexOf('?');
    const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
    const match = this.#registry.table.match(path);
    if (!match) return respond(false, problemResponse(404, { detail: `no SSE route at ${path}` }));
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const entry = match.candidates.find((candidate) => candidate.method === method);
    if (!entry) {
      const allow = [...new Set(match.candidates.map((c) => c.method))].join(', ');
      return respond(true, problemResponse(405, { detail: `${request.method} is not allowed here` }, { allow }));
    }
    const name = entry.runtime.name;
    const reportHere = (error: unknown): void => this.#reportFor(request, error, name);
    try {
      const prepared = await prepareRequest(
        entry,
        request,
        match.paramsOf(entry),
        queryAt === -1 ? '' : request.url.slice(queryAt + 1),
        {
          maxBodyBytes: this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
          report: reportHere,
        },
      );
      if ('response' in prepared) return respond(true, prepared.response);
      const init = prepared.init;
      return {
        kind: 'stream',
        headers: { ...STREAM_HEADERS },
        start: (sink) => this.#start(entry, init, sink, reportHere),
      };
    } catch (error) {
      reportHere(error);
      return respond(true, problemResponse(500));
    }
  }

  /** Reports to `onError`, then to the request's own `onError` (see {@link CoreRequest.onError}). Never throws. */
  #reportFor(request: CoreRequest, error: unknown, route: string): void {
    this.report(error, route);
    if (!request.onError) return;
    try {
      request.onError(error);
    } catch (hookError) {
      logError(hookError, `route "${route}"`);
    }
  }

  #start(entry: RouteEntry, init: SessionInit, sink: SseSink, reportHere: (error: unknown) => void): SseSession {
    const session = new SseSession(sink, entry.runtime, init, this.#forgetSession);
    if (session.closed) return session;
    this.#sessions.add(session);
    const fail = (error: unknown): void => this.#handlerFailed(entry, session, error, reportHere);
    try {
      const result = entry.handler(session as never) as PromiseLike<unknown> | undefined;
      if (result && typeof result.then === 'function') result.then(() => session.close(), fail);
      else session.close();
    } catch (error) {
      fail(error);
    }
    return session;
  }

  #handlerFailed(entry: RouteEntry, session: SseSession, error: unknown, reportHere: (error: unknown) => void): void {
    // Sending on a stream the client already left is the normal end of a handler, not a failure.
    if (error instanceof StreamClosedError || (session.closed && isSsekitError(error))) {
      session.close();
      return;
    }
    const name = entry.runtime.name;
    reportHere(new HandlerError(name, error));
    if (entry.errorEvent && !session.closed) {
      try {
        void session.send(entry.errorEvent, entry.toErrorEvent(error));
      } catch (sendError) {
        reportHere(sendError);
      }
    }
    session.close();
  }
}

function respond(matched: boolean, response: PlainResponse): DispatchResult {
  return { kind: 'response', matched, ...response };
}

/** Hands an error to the router's `onError`, or logs it (`logError`); a throwing `onError` is logged too. Never throws. */
function report(options: RouterOptions, error: unknown, route: string | undefined): void {
  const where = route === undefined ? undefined : `route "${route}"`;
  if (!options.onError) {
    logError(error, where);
    return;
  }
  try {
    options.onError(error, { route });
  } catch (hookError) {
    logError(hookError, where);
  }
}

/**
 * Creates a router for raw (untyped) routes; add contract routes with {@link implement}.
 *
 * @example
 * ```ts
 * const router = createRouter();
 * router.sse('/time', async (session) => { await session.send({ data: new Date().toISOString() }); });
 * ```
 */
export function createRouter(options?: RouterOptions): SseRouter {
  return new SseRouter(options);
}
