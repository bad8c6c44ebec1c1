import {
  type AnyContractRoute,
  defaultSerialize,
  isSsekitError,
  parsePathParams,
  type Serializer,
} from '@ssekit/contract';
import type { $ZodType } from 'zod/v4/core';
import { Coalescer } from './coalesce.js';
import {
  HandlerError,
  HttpError,
  InvalidLastEventIdError,
  type ProblemBody,
  type SlowConsumerPolicy,
  StreamClosedError,
} from './errors.js';
import { type CompiledEvents, compileRouteEvents } from './event-codec.js';
import { DEFAULT_HEARTBEAT_MS, defaultHeartbeatTimers, type HeartbeatOptions, HeartbeatWheel } from './heartbeat.js';
import {
  BodyTooLargeError,
  type CoreRequest,
  lastEventIdProblem,
  type PlainResponse,
  parsePart,
  parseQuery,
  problemResponse,
} from './request.js';
import { type RouteRuntime, type SessionInit, type SseRequestInfo, SseSession } from './session.js';
import type { SseSink } from './sink.js';

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
  /** Receives every error ssekit reports instead of throwing (handler failures, slow consumers, bad ids). Default: log once. */
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

/** A route's full configuration inside the router. */
interface RouteEntry {
  readonly method: string;
  /** True when the path has no `:params` (the params object is then a shared empty one). */
  readonly paramless: boolean;
  readonly segments: readonly (string | { readonly param: string })[];
  readonly runtime: RouteRuntime;
  readonly schemas: { params?: $ZodType; query?: $ZodType; headers?: $ZodType; body?: $ZodType };
  readonly beforeStream: ((ctx: BeforeStreamContext) => unknown) | undefined;
  readonly handler: (session: never) => unknown;
  readonly errorEvent: string | undefined;
  readonly toErrorEvent: (error: unknown) => unknown;
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

const DEFAULT_MAX_QUEUE_BYTES = 1024 * 1024;
const EMPTY: Readonly<Record<string, never>> = Object.freeze({});

/** The request as handlers see it; the header record is copied from the adapter's request on first read only. */
class LazyRequestInfo implements SseRequestInfo {
  readonly method: string;
  readonly url: string;
  readonly raw: unknown;
  #source: CoreRequest | undefined;
  #headers: Record<string, string> | undefined;

  constructor(request: CoreRequest) {
    this.method = request.method;
    this.url = request.url;
    this.raw = request.raw;
    this.#source = request;
  }

  get headers(): Readonly<Record<string, string>> {
    if (this.#headers === undefined) {
      this.#headers = this.#source?.headers() ?? {};
      this.#source = undefined;
    }
    return this.#headers;
  }
}
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The default error event payload: a stable code, never an internal message. */
export const defaultErrorEventData = (error: unknown): { code: string; message: string } =>
  error instanceof HttpError && error.problem
    ? { code: `HTTP_${error.status}`, message: error.problem.detail ?? error.problem.title }
    : { code: 'INTERNAL_ERROR', message: 'Internal server error' };

function logOnce(error: unknown, context: ErrorContext): void {
  const where = context.route === undefined ? '' : ` [${context.route}]`;
  console.error(`[ssekit]${where}`, error);
}

function compileSegments(path: string): RouteEntry['segments'] {
  parsePathParams(path);
  return path
    .split('/')
    .slice(1)
    .map((segment) => (segment.startsWith(':') ? { param: segment.slice(1) } : segment));
}

function joinPath(prefix: string, path: string): string {
  if (path === '' || path === '/') return prefix === '' ? '/' : prefix;
  return `${prefix.replace(/\/$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/** A raw route's handler. */
export type RawHandler = (session: import('./session.js').RawSession) => unknown;

/**
 * A place to declare routes: the router itself, or a `route(path, …)` block inside it (Ktor's `route("/x") { sse { … } }`).
 *
 * @example
 * ```ts
 * router.route('/nested', (r) => {
 *   r.sse(async (session) => { await session.send({ data: 'at /nested' }); });
 * });
 * ```
 */
export class RouteScope {
  readonly #prefix: string;
  readonly #router: SseRouter | undefined;

  /** @internal Scopes are made by the router and by `route()`. */
  constructor(prefix: string, router?: SseRouter) {
    this.#prefix = prefix;
    this.#router = router;
  }

  /**
   * Declares an untyped SSE route: `sse(path, handler)`, `sse(path, options, handler)`, or `sse(handler)` at the enclosing path.
   */
  sse(handler: RawHandler): this;
  sse(path: string, handler: RawHandler): this;
  sse(path: string, options: StreamOptions, handler: RawHandler): this;
  sse(a: string | RawHandler, b?: StreamOptions | RawHandler, c?: RawHandler): this {
    const path = typeof a === 'string' ? joinPath(this.#prefix, a) : joinPath(this.#prefix, '');
    const handler = typeof a === 'function' ? a : typeof b === 'function' ? b : c;
    const options = typeof b === 'object' ? b : {};
    if (typeof handler !== 'function') throw new TypeError(`sse(${path}): a handler function is required`);
    this.#owner().addRawRoute(path, options, handler);
    return this;
  }

  #owner(): SseRouter {
    return this.#router ?? (this as unknown as SseRouter);
  }

  /** Opens a nested block of routes under `path`. */
  route(path: string, build: (scope: RouteScope) => void): this {
    build(new RouteScope(joinPath(this.#prefix, path), this.#owner()));
    return this;
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
  readonly #routes: RouteEntry[] = [];
  readonly #static = new Map<string, RouteEntry[]>();
  readonly #sessions = new Set<SseSession>();
  readonly #coalescers = new Map<number, Coalescer>();
  readonly #wheels = new Map<string, HeartbeatWheel>();
  readonly #forgetSession = (session: SseSession): void => {
    this.#sessions.delete(session);
  };

  constructor(options: RouterOptions = {}) {
    super('');
    this.options = options;
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
    return this.#routes.map((entry) => ({ method: entry.method, path: entry.runtime.path, name: entry.runtime.name }));
  }

  /** Closes every open stream (graceful shutdown). */
  closeAll(): void {
    for (const session of [...this.#sessions]) session.close();
  }

  /** @internal Used by RouteScope and implement(). */
  addRawRoute(path: string, options: StreamOptions, handler: RawHandler): void {
    this.#add({
      method: 'GET',
      segments: compileSegments(path),
      runtime: this.#runtime(path, path, undefined, options),
      schemas: {},
      beforeStream: undefined,
      handler: handler as RouteEntry['handler'],
      errorEvent: undefined,
      toErrorEvent: defaultErrorEventData,
    });
  }

  /** @internal Adds one contract route; see `implement()`. */
  addContractRoute(
    key: string,
    route: AnyContractRoute,
    impl: {
      handler: (session: never) => unknown;
      beforeStream?: (ctx: never) => unknown;
      toErrorEvent?: (error: unknown) => unknown;
    } & StreamOptions,
  ): void {
    const serialize = impl.serialize ?? route.serialize;
    const events = compileRouteEvents(key, route, serialize ?? this.options.serialize, defaultSerialize);
    this.#add({
      method: route.method,
      segments: compileSegments(route.path),
      runtime: this.#runtime(key, route.path, events, { ...impl, ...(serialize ? { serialize } : {}) }),
      schemas: {
        params: route['~ssekit'].params,
        ...(route.query ? { query: route.query } : {}),
        ...(route.headers ? { headers: route.headers } : {}),
        ...(route.body ? { body: route.body } : {}),
      },
      beforeStream: impl.beforeStream as RouteEntry['beforeStream'],
      handler: impl.handler,
      errorEvent: route.errorEvent,
      toErrorEvent: impl.toErrorEvent ?? defaultErrorEventData,
    });
  }

  #runtime(name: string, path: string, events: CompiledEvents | undefined, options: StreamOptions): RouteRuntime {
    const o = this.options;
    const heartbeat = options.heartbeat ?? o.heartbeat;
    const maxQueueBytes = options.maxQueueBytes ?? o.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES;
    if (!(maxQueueBytes > 0)) throw new RangeError(`maxQueueBytes must be positive, got ${maxQueueBytes}`);
    const periodMs = heartbeat === false ? 0 : (heartbeat?.periodMs ?? DEFAULT_HEARTBEAT_MS);
    if (heartbeat !== false && !(periodMs > 0)) throw new RangeError(`heartbeat.periodMs must be positive`);
    return {
      name,
      path,
      events,
      serialize: options.serialize ?? o.serialize ?? defaultSerialize,
      heartbeat:
        heartbeat === false
          ? undefined
          : this.#wheel(periodMs, heartbeat?.comment ?? 'heartbeat', heartbeat?.timers ?? defaultHeartbeatTimers()),
      maxQueueBytes,
      slowConsumer: options.slowConsumer ?? o.slowConsumer ?? 'disconnect',
      coalescer: this.#coalescer(options.coalesceMs ?? o.coalesceMs ?? 0),
      report: (error) => this.report(error, name),
    };
  }

  #wheel(periodMs: number, comment: string, timers: 'shared' | 'per-stream'): HeartbeatWheel {
    const key = `${periodMs}\n${timers}\n${comment}`;
    let wheel = this.#wheels.get(key);
    if (!wheel) {
      wheel = new HeartbeatWheel({ periodMs, comment, timers });
      this.#wheels.set(key, wheel);
    }
    return wheel;
  }

  #coalescer(windowMs: number): Coalescer | undefined {
    if (!(windowMs >= 0) || !Number.isFinite(windowMs))
      throw new RangeError(`coalesceMs must be >= 0, got ${windowMs}`);
    if (windowMs === 0) return undefined;
    let coalescer = this.#coalescers.get(windowMs);
    if (!coalescer) {
      coalescer = new Coalescer(windowMs);
      this.#coalescers.set(windowMs, coalescer);
    }
    return coalescer;
  }

  #add(declared: Omit<RouteEntry, 'paramless'>): void {
    const entry: RouteEntry = { ...declared, paramless: declared.segments.every((s) => typeof s === 'string') };
    const clash = this.#routes.find(
      (r) =>
        r.method === entry.method &&
        r.segments.length === entry.segments.length &&
        r.segments.every((s, i) => {
          const other = entry.segments[i];
          return typeof s === 'string' ? s === other : typeof other === 'object';
        }),
    );
    if (clash) {
      throw new Error(`route ${entry.method} ${entry.runtime.path} is already declared (${clash.runtime.name})`);
    }
    this.#routes.push(entry);
    if (entry.segments.every((s) => typeof s === 'string')) {
      const key = `/${entry.segments.join('/')}`;
      this.#static.set(key, [...(this.#static.get(key) ?? []), entry]);
    }
  }

  /** Reports an error to `onError` (default: log once). Never throws. */
  report(error: unknown, route?: string): void {
    try {
      (this.options.onError ?? logOnce)(error, { route });
    } catch (hookError) {
      logOnce(hookError, { route });
    }
  }

  #match(path: string): { candidates: RouteEntry[]; params: Map<RouteEntry, Record<string, string>> } | undefined {
    const found = this.#static.get(path);
    const params = new Map<RouteEntry, Record<string, string>>();
    if (found) {
      for (const entry of found) params.set(entry, {});
      return { candidates: found, params };
    }
    const parts = path.split('/').slice(1);
    const candidates: RouteEntry[] = [];
    for (const entry of this.#routes) {
      if (entry.segments.length !== parts.length) continue;
      const values: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const segment = entry.segments[i]!;
        const part = parts[i] as string;
        if (typeof segment === 'string') ok = segment === part;
        else if (part === '') ok = false;
        else values[segment.param] = part;
      }
      if (ok) {
        candidates.push(entry);
        params.set(entry, values);
      }
    }
    return candidates.length ? { candidates, params } : undefined;
  }

  /**
   * Routes one request: 404/405/400/413/415 or a `beforeStream` rejection as a plain response; otherwise a stream to start.
   * Never throws: unexpected failures become a 500 and are reported.
   */
  async dispatch(request: CoreRequest): Promise<DispatchResult> {
    const queryAt = request.url.indexOf('?');
    const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
    const match = this.#match(path);
    if (!match)
      return { kind: 'response', matched: false, ...problemResponse(404, { detail: `no SSE route at ${path}` }) };
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const entry = match.candidates.find((candidate) => candidate.method === method);
    if (!entry) {
      const allow = [...new Set(match.candidates.map((c) => c.method))].join(', ');
      return {
        kind: 'response',
        matched: true,
        ...problemResponse(405, { detail: `${request.method} is not allowed here` }, { allow }),
      };
    }
    try {
      return await this.#prepare(
        entry,
        request,
        match.params.get(entry) ?? {},
        queryAt === -1 ? '' : request.url.slice(queryAt + 1),
      );
    } catch (error) {
      this.report(error, entry.runtime.name);
      return { kind: 'response', matched: true, ...problemResponse(500) };
    }
  }

  async #prepare(
    entry: RouteEntry,
    request: CoreRequest,
    rawParams: Record<string, string>,
    search: string,
  ): Promise<DispatchResult> {
    const problems: NonNullable<ProblemBody['errors']> = [];
    const decoded: Record<string, string> = {};
    for (const [name, value] of Object.entries(rawParams)) {
      try {
        decoded[name] = decodeURIComponent(value);
      } catch {
        problems.push({ in: 'params', path: name, message: 'malformed percent-encoding' });
      }
    }
    const rawQuery = search === '' ? EMPTY : parseQuery(search);
    // Routes without path params share one frozen empty object: nothing to parse, nothing to keep per connection.
    const params = entry.paramless ? EMPTY : parsePart('params', entry.schemas.params, decoded, problems);
    const query = parsePart('query', entry.schemas.query, rawQuery, problems);
    // The full header record is built only when a schema needs it, or when a handler reads `request.headers`.
    const headers = entry.schemas.headers
      ? parsePart('headers', entry.schemas.headers, request.headers(), problems)
      : undefined;
    let body: unknown;
    if (entry.schemas.body) {
      const type = request.header('content-type') ?? '';
      if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
        return {
          kind: 'response',
          matched: true,
          ...problemResponse(415, { detail: 'the body must be application/json' }),
        };
      }
      let text: string;
      try {
        text = await request.readBody(this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          return { kind: 'response', matched: true, ...problemResponse(413, { detail: error.message }) };
        }
        throw error;
      }
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        problems.push({ in: 'body', path: '', message: 'invalid JSON' });
      }
      if (!problems.some((p) => p.in === 'body')) body = parsePart('body', entry.schemas.body, json, problems);
    }
    if (problems.length) {
      return {
        kind: 'response',
        matched: true,
        ...problemResponse(400, { detail: 'the request is invalid', errors: problems }),
      };
    }
    const name = entry.runtime.name;
    let lastEventId = request.header('last-event-id');
    if (lastEventId !== undefined) {
      const problem = lastEventIdProblem(lastEventId);
      if (problem) {
        this.report(new InvalidLastEventIdError(name, problem), name);
        lastEventId = undefined;
      }
    }
    const init: SessionInit = {
      request: new LazyRequestInfo(request),
      params: (entry.schemas.params ? params : decoded) as Record<string, unknown>,
      query,
      headers,
      body,
      lastEventId,
    };
    if (entry.beforeStream) {
      try {
        await entry.beforeStream(init);
      } catch (error) {
        if (error instanceof HttpError) {
          return {
            kind: 'response',
            matched: true,
            ...problemResponse(error.status, error.problem, error.headers),
          };
        }
        throw error;
      }
    }
    return {
      kind: 'stream',
      headers: { ...STREAM_HEADERS },
      start: (sink) => this.#start(entry, init, sink),
    };
  }

  #start(entry: RouteEntry, init: SessionInit, sink: SseSink): SseSession {
    const session = new SseSession(sink, entry.runtime, init, this.#forgetSession);
    if (session.closed) return session;
    this.#sessions.add(session);
    const fail = (error: unknown): void => this.#handlerFailed(entry, session, error);
    try {
      const result = entry.handler(session as never) as PromiseLike<unknown> | undefined;
      if (result && typeof result.then === 'function') result.then(() => session.close(), fail);
      else session.close();
    } catch (error) {
      fail(error);
    }
    return session;
  }

  #handlerFailed(entry: RouteEntry, session: SseSession, error: unknown): void {
    // Sending on a stream the client already left is the normal end of a handler, not a failure.
    if (error instanceof StreamClosedError || (session.closed && isSsekitError(error))) {
      session.close();
      return;
    }
    const name = entry.runtime.name;
    this.report(new HandlerError(name, error), name);
    if (entry.errorEvent && !session.closed) {
      try {
        void session.send(entry.errorEvent, entry.toErrorEvent(error));
      } catch (sendError) {
        this.report(sendError, name);
      }
    }
    session.close();
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
