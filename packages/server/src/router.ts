import {
  type AnyContractRoute,
  InvalidArgumentError,
  isSsekitError,
  logError,
  type Serializer,
} from '@ssekit/contract';
import { type CorsOptions, CorsPolicy } from './cors.js';
import {
  BodyTimeoutError,
  HandlerError,
  OriginRejectedError,
  ShuttingDownError,
  type SlowConsumerPolicy,
  StreamClosedError,
  StreamLimitError,
} from './errors.js';
import type { HeartbeatOptions } from './heartbeat.js';
import { type LogRateLimitOptions, rateLimitedLog } from './log-limiter.js';
import { prepareRequest } from './prepare-request.js';
import {
  checkWindow,
  jitteredRetryMs,
  lifetimeMs,
  type MaxLifetimeOptions,
  retryFrame,
  shutdownRetryAfterSeconds,
  uniformInteger,
} from './reconnect-hint.js';
import { type CoreRequest, type PlainResponse, problemResponse } from './request.js';
import { type ContractRouteImpl, RouteRegistry } from './route-registry.js';
import { RouteScope } from './route-scope.js';
import type { RouteEntry } from './route-table.js';
import { type SessionInit, SseSession } from './session.js';
import type { SseSink } from './sink.js';
import { type SlotHold, StreamLimiter, type StreamLimits, type StreamSlot } from './stream-limits.js';

export type { CorsOptions } from './cors.js';
export type { MaxLifetimeOptions } from './reconnect-hint.js';
export { defaultErrorEventData } from './route-registry.js';
export { type RawHandler, RouteScope } from './route-scope.js';
export type { StreamLimits } from './stream-limits.js';

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
  /**
   * End each stream after at most this long with a `retry:` hint, so the client resumes with `Last-Event-ID` (on any
   * instance). Default `false`: a stream lives as long as its handler and its client.
   */
  maxLifetime?: MaxLifetimeOptions | false;
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
  /**
   * How long reading a POST route's body may take, in ms, counted from the dispatch; past it the router answers 408
   * with `Connection: close` (`BodyTimeoutError`). Default 30,000.
   */
  bodyTimeoutMs?: number;
  /** Concurrent-stream limits (503 with `Retry-After` before the stream starts). Default: 10,000 streams, no per-key limit. */
  limits?: StreamLimits;
  /** Cross-origin policy: preflights, `Access-Control-*` headers, 403 for other origins. Default: none (no checks). */
  cors?: CorsOptions;
  /**
   * Receives every error ssekit reports instead of throwing (handler failures, slow consumers, bad ids). Default: each
   * cause logged once per interval, then counted (see `logRateLimit`).
   */
  onError?: (error: unknown, context: ErrorContext) => void;
  /**
   * The default logging (without `onError`): each cause — error code and route; for errors a client cannot trigger at
   * will, also the message — is logged in full once per `intervalMs`, then its repeats are summed up in one line per
   * interval, so clients with bad ids or that stop reading cannot flood the log. `false` logs every error. Default
   * `{ intervalMs: 60_000 }`.
   */
  logRateLimit?: LogRateLimitOptions | false;
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

/**
 * The result of routing one request: a plain response, or a stream to start on a sink. An adapter that does not
 * start a stream it was given (a HEAD request, a client already gone) calls `abandon()`, which frees the stream's
 * slot under `limits`.
 */
export type DispatchResult =
  | ({ kind: 'response'; matched: boolean } & PlainResponse)
  | { kind: 'stream'; headers: Record<string, string>; start(sink: SseSink): SseSession; abandon(): void };

/** Options of {@link SseRouter.close}. */
export interface CloseOptions {
  /**
   * Each open stream gets a `retry:` hint drawn uniformly from `[0, reconnectWindowMs]` before it ends, so its
   * client reconnects (with `Last-Event-ID`) somewhere in that window instead of all clients at once. Default 5,000.
   */
  reconnectWindowMs?: number;
  /**
   * How long `close()` waits for requests already being dispatched (a POST body still arriving, a `beforeStream`
   * still running) to be answered; `serve().close()` also lets connections flush for this long before cutting them.
   * Default 10,000.
   */
  drainMs?: number;
  /** Closed in order once the streams ended: hubs (`hub.close()`), replay stores (`store.close()`), anything with `close()`. */
  resources?: readonly { close(): unknown }[];
}

/** What {@link SseRouter.close} did. */
export interface CloseResult {
  /** Streams that were open and got a `retry:` hint. */
  readonly streams: number;
  /** Requests still being dispatched when `drainMs` ran out. */
  readonly unanswered: number;
}

/** Headers of every stream (no-cache, no-transform, no proxy buffering). Adapters add only what the protocol needs. */
export const STREAM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
});

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Default `bodyTimeoutMs`. */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
/** Default `reconnectWindowMs` of `router.close()`. */
export const DEFAULT_RECONNECT_WINDOW_MS = 5_000;
/** Default `drainMs` of `router.close()`. */
export const DEFAULT_DRAIN_MS = 10_000;

/**
 * What the router keeps per open stream besides the session: its limit hold (a key, not an object), or, on a route with
 * a `lifetime`, this (the hold and the lifetime timer).
 */
class TimedHold {
  readonly hold: SlotHold;
  readonly timer: ReturnType<typeof setTimeout>;

  constructor(hold: SlotHold, timer: ReturnType<typeof setTimeout>) {
    this.hold = hold;
    this.timer = timer;
  }
}

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
  readonly #sessions = new Map<SseSession, SlotHold | TimedHold>();
  readonly #forgetSession = (session: SseSession): void => {
    if (!this.#sessions.has(session)) return;
    const held = this.#sessions.get(session);
    this.#sessions.delete(session);
    if (held instanceof TimedHold) {
      clearTimeout(held.timer);
      this.#limiter.freeHold(held.hold);
    } else {
      this.#limiter.freeHold(held);
    }
  };
  readonly #limiter: StreamLimiter;
  readonly #cors: CorsPolicy | undefined;
  readonly #bodyTimeoutMs: number;
  /** Dispatches under way, and who waits for them to reach zero (`close()`). */
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];
  #closing: { readonly windowMs: number; readonly done: Promise<CloseResult> } | undefined;

  readonly #log: (error: unknown, where?: string) => void;

  constructor(options: RouterOptions = {}) {
    const log = options.logRateLimit === false ? logError : rateLimitedLog(options.logRateLimit);
    const registry = new RouteRegistry(options, (error, route) => report(options, log, error, route));
    super('', registry);
    this.options = options;
    this.#log = log;
    this.#registry = registry;
    this.#limiter = new StreamLimiter(options.limits);
    this.#cors = options.cors ? new CorsPolicy(options.cors) : undefined;
    this.#bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
    if (!(this.#bodyTimeoutMs > 0)) {
      throw new InvalidArgumentError(`bodyTimeoutMs must be positive, got ${this.#bodyTimeoutMs}`);
    }
  }

  /** True once {@link SseRouter.close} was called: new streams are refused with 503. */
  get closing(): boolean {
    return this.#closing !== undefined;
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

  /** Ends every open stream now, without a `retry:` hint, and keeps serving. For a shutdown, use {@link SseRouter.close}. */
  closeAll(): void {
    for (const session of [...this.#sessions.keys()]) session.close();
  }

  /**
   * Graceful shutdown: from now on new streams are answered 503 with `Retry-After`; every open stream gets a `retry:`
   * hint spread over `reconnectWindowMs` and ends; requests being dispatched are answered (for up to `drainMs`); then
   * `resources` are closed in order. Resolves once all of that is done; calling it again returns the same promise.
   * The server itself stays up (see `serve().close()` of the node adapter, which also stops listening).
   *
   * @example
   * ```ts
   * process.once('SIGTERM', async () => {
   *   await router.close({ reconnectWindowMs: 10_000, resources: [hub, store] });
   *   process.exit(0);
   * });
   * ```
   */
  close(options: CloseOptions = {}): Promise<CloseResult> {
    if (this.#closing) return this.#closing.done;
    const windowMs = options.reconnectWindowMs ?? DEFAULT_RECONNECT_WINDOW_MS;
    const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
    checkWindow('reconnectWindowMs', windowMs);
    checkWindow('drainMs', drainMs);
    const done = this.#shutDown(windowMs, drainMs, options.resources ?? []);
    this.#closing = { windowMs, done };
    return done;
  }

  async #shutDown(windowMs: number, drainMs: number, resources: readonly { close(): unknown }[]): Promise<CloseResult> {
    const sessions = [...this.#sessions.keys()];
    for (const session of sessions) endWithRetry(session, jitteredRetryMs(windowMs));
    const unanswered = await this.#waitForDispatches(drainMs);
    for (const resource of resources) {
      try {
        await resource.close();
      } catch (error) {
        this.report(error);
      }
    }
    return { streams: sessions.length, unanswered };
  }

  /** Resolves with 0 once no dispatch is under way, or with how many still are after `ms`. */
  #waitForDispatches(ms: number): Promise<number> {
    if (this.#inFlight === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.#inFlight), ms);
      this.#idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(0);
      });
    });
  }

  #dispatchEnded(): void {
    if (--this.#inFlight > 0 || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** @internal Adds one contract route; see `implement()`. */
  addContractRoute(key: string, route: AnyContractRoute, impl: ContractRouteImpl): void {
    this.#registry.addContract(key, route, impl);
  }

  /** Reports an error to `onError` (default: logged). Never throws. */
  report(error: unknown, route?: string): void {
    report(this.options, this.#log, error, route);
  }

  /**
   * Routes one request: 404/405/400/413/415, a `beforeStream` rejection, a refused origin (403), a body too slow
   * (408), a limit or a shutdown (503) as a plain response; otherwise a stream to start.
   * Never throws: unexpected failures become a 500 and are reported.
   */
  async dispatch(request: CoreRequest): Promise<DispatchResult> {
    this.#inFlight++;
    try {
      return await this.#dispatch(request);
    } catch (error) {
      // A user callback that runs before the route's own try (`limits.streamKey`, a `cors.origin` function) threw.
      this.report(error);
      return respond(true, problemResponse(500));
    } finally {
      this.#dispatchEnded();
    }
  }

  async #dispatch(request: CoreRequest): Promise<DispatchResult> {
    const queryAt = request.url.indexOf('?');
    const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
    const match = this.#registry.table.match(path);
    if (!match) return respond(false, problemResponse(404, { detail: `no SSE route at ${path}` }));
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const entry = match.candidates.find((candidate) => candidate.method === method);
    const cors = this.#cors;
    if (!entry) {
      const methods = [...new Set(match.candidates.map((c) => c.method))];
      const preflight = request.method === 'OPTIONS' ? cors?.preflight(request, methods) : undefined;
      if (preflight?.kind === 'allowed') return respond(true, { status: 204, headers: preflight.headers, body: '' });
      if (preflight?.kind === 'rejected') {
        const name = (match.candidates[0] as RouteEntry).runtime.name;
        return this.#originRejected(name, preflight.origin, preflight.reason);
      }
      const allow = methods.join(', ');
      return respond(true, problemResponse(405, { detail: `${request.method} is not allowed here` }, { allow }));
    }
    const name = entry.runtime.name;
    const reportHere = (error: unknown): void => this.#reportFor(request, error, name);
    let extraHeaders: Record<string, string> | undefined;
    if (cors) {
      const verdict = cors.check(request);
      if (verdict.kind === 'rejected') return this.#originRejected(name, verdict.origin, verdict.reason);
      if (verdict.kind === 'allowed') extraHeaders = verdict.headers;
    }
    if (this.#closing) return respond(true, this.#shuttingDown(extraHeaders));
    const slot = this.#limiter.acquire(request);
    if (slot instanceof StreamLimitError) {
      reportHere(slot);
      // Spread: a whole number of seconds in [retryAfterSeconds, 2 × retryAfterSeconds].
      const base = this.#limiter.retryAfterSeconds;
      const retryAfter = String(uniformInteger(base, 2 * base));
      return respond(
        true,
        problemResponse(503, { detail: slot.message, code: slot.code }, { ...extraHeaders, 'retry-after': retryAfter }),
      );
    }
    let handedOver = false;
    try {
      const prepared = await prepareRequest(
        entry,
        entry.schemas.body ? withBodyTimeout(request, this.#bodyTimeoutMs) : request,
        match.paramsOf(entry),
        queryAt === -1 ? '' : request.url.slice(queryAt + 1),
        {
          maxBodyBytes: this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
          report: reportHere,
        },
      );
      if ('response' in prepared) return respond(true, withHeaders(prepared.response, extraHeaders));
      if (this.#closing) return respond(true, this.#shuttingDown(extraHeaders));
      const init = prepared.init;
      handedOver = true;
      return {
        kind: 'stream',
        headers: extraHeaders ? { ...STREAM_HEADERS, ...extraHeaders } : { ...STREAM_HEADERS },
        // no closure of this dispatch outlives it: an idle stream keeps neither `reportHere` nor this frame's context
        start: (sink) => this.#start(entry, init, sink, slot, request),
        abandon: () => slot.release(),
      };
    } catch (error) {
      reportHere(error);
      if (error instanceof BodyTimeoutError) {
        return respond(
          true,
          problemResponse(408, { detail: error.message, code: error.code }, { ...extraHeaders, connection: 'close' }),
        );
      }
      return respond(true, withHeaders(problemResponse(500), extraHeaders));
    } finally {
      if (!handedOver) slot.release();
    }
  }

  #originRejected(route: string, origin: string, reason: string): DispatchResult {
    const error = new OriginRejectedError(route, origin, reason);
    this.report(error, route);
    return respond(true, problemResponse(403, { detail: 'cross-origin request refused', code: error.code }));
  }

  #shuttingDown(extraHeaders: Record<string, string> | undefined): PlainResponse {
    const error = new ShuttingDownError();
    return problemResponse(
      503,
      { detail: error.message, code: error.code },
      { ...extraHeaders, 'retry-after': String(shutdownRetryAfterSeconds(this.#closing?.windowMs ?? 0)) },
    );
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

  #start(entry: RouteEntry, init: SessionInit, sink: SseSink, slot: StreamSlot, request: CoreRequest): SseSession {
    const session = new SseSession(sink, entry.runtime, init, this.#forgetSession);
    if (session.closed) {
      slot.release();
      return session;
    }
    // The map keeps the hold itself (the slot's key): no slot object per open stream.
    const hold = slot.detach();
    this.#sessions.set(session, hold);
    if (this.#closing) {
      // Dispatched before `close()`, started after it: the client is told to come back, as every open stream was.
      endWithRetry(session, jitteredRetryMs(this.#closing.windowMs));
      return session;
    }
    const lifetime = entry.lifetime;
    if (lifetime) {
      const timer = setTimeout(
        () => endWithRetry(session, jitteredRetryMs(lifetime.reconnectWindowMs)),
        lifetimeMs(lifetime),
      );
      (timer as { unref?: () => void }).unref?.();
      this.#sessions.set(session, new TimedHold(hold, timer));
    }
    try {
      const result = entry.handler(session as never) as PromiseLike<unknown> | undefined;
      // A handler that returns the stream's own `done` (`hub.implementation()`, `(s) => s.done`): it resolves when the
      // stream closed and never rejects, so there is nothing to watch (and no closures, promise or reaction to keep).
      if (session.isDone(result)) return session;
      if (result && typeof result.then === 'function') this.#watch(entry, session, request, result);
      else session.close();
    } catch (error) {
      this.#handlerFailed(entry, session, request, error);
    }
    return session;
  }

  /**
   * Closes the stream when its handler settles. The callbacks are bound functions, not closures: they keep what they
   * need as bound arguments, with no context object (nor dispatch frame) per stream.
   */
  #watch(entry: RouteEntry, session: SseSession, request: CoreRequest, result: PromiseLike<unknown>): void {
    result.then(closeSession.bind(session), this.#handlerFailed.bind(this, entry, session, request));
  }

  #handlerFailed(entry: RouteEntry, session: SseSession, request: CoreRequest, error: unknown): void {
    // Sending on a stream the client already left is the normal end of a handler, not a failure.
    if (error instanceof StreamClosedError || (session.closed && isSsekitError(error))) {
      session.close();
      return;
    }
    const name = entry.runtime.name;
    this.#reportFor(request, new HandlerError(name, error), name);
    if (entry.errorEvent && !session.closed) {
      try {
        void session.send(entry.errorEvent, entry.toErrorEvent(error));
      } catch (sendError) {
        this.#reportFor(request, sendError, name);
      }
    }
    session.close();
  }
}

/** The fulfilment callback of a watched handler, bound to its session (the handler's value is ignored). */
function closeSession(this: SseSession): void {
  this.close();
}

function respond(matched: boolean, response: PlainResponse): DispatchResult {
  return { kind: 'response', matched, ...response };
}

function withHeaders(response: PlainResponse, extra: Record<string, string> | undefined): PlainResponse {
  return extra ? { ...response, headers: { ...response.headers, ...extra } } : response;
}

/** Sends a `retry:` hint (the client's next reconnection delay), then ends the stream gracefully. */
function endWithRetry(session: SseSession, retryMs: number): void {
  if (session.closed) return;
  try {
    void session.writeEncoded(retryFrame(retryMs));
  } catch {
    // closed in between: nothing to hint
  }
  session.close();
}

/**
 * The request with a deadline on its body: `readBody` gets an `AbortSignal` that fires after `timeoutMs` (adapters
 * stop reading), and rejects with {@link BodyTimeoutError} then even if the adapter ignores the signal.
 */
function withBodyTimeout(request: CoreRequest, timeoutMs: number): CoreRequest {
  return {
    method: request.method,
    url: request.url,
    raw: request.raw,
    header: (name) => request.header(name),
    headers: () => request.headers(),
    readBody: (limit) =>
      new Promise<string>((resolve, reject) => {
        const controller = new AbortController();
        const timer = setTimeout(() => {
          const error = new BodyTimeoutError(timeoutMs);
          controller.abort(error);
          reject(error);
        }, timeoutMs);
        request.readBody(limit, controller.signal).then(
          (text) => {
            clearTimeout(timer);
            resolve(text);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error);
          },
        );
      }),
  };
}

/**
 * Hands an error to the router's `onError` (every error), or to its default log (rate-limited per cause); a throwing
 * `onError` is logged too. Never throws.
 */
function report(
  options: RouterOptions,
  log: (error: unknown, where?: string) => void,
  error: unknown,
  route: string | undefined,
): void {
  const where = route === undefined ? undefined : `route "${route}"`;
  if (!options.onError) {
    log(error, where);
    return;
  }
  try {
    options.onError(error, { route });
  } catch (hookError) {
    log(hookError, where);
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
