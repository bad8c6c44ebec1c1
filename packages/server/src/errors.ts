import { InvalidArgumentError, SsekitError } from '@ssekit/contract';

/** One zod issue, flattened for messages and problem bodies. */
export interface IssueSummary {
  /** Dotted path inside the value, e.g. `prices.1`; empty for the root. */
  path: string;
  message: string;
}

/** Flattens zod issues to `{ path, message }`. */
export function summarizeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): IssueSummary[] {
  return issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

function describeIssues(issues: readonly IssueSummary[]): string {
  return issues.map((i) => `${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('; ');
}

/**
 * A value the server is about to send breaks the contract: a typed `send` (or `hub.publish`) got an undeclared event
 * or data its event schema rejects, or `hub.publish` got params the route's params schema rejects (event
 * `(params)`). Nothing was written; the stream stays usable. (The client's counterpart, for data it receives, is
 * `EventValidationError` of `@ssekit/client`, code `VALIDATION`.)
 *
 * @example
 * ```ts
 * try { await session.send('customer', { id: 'x' } as never); }
 * catch (err) { if (err instanceof ContractValidationError) console.log(err.event, err.issues); }
 * ```
 */
export class ContractValidationError extends SsekitError<'CONTRACT_VALIDATION'> {
  readonly route: string;
  readonly event: string;
  readonly issues: IssueSummary[];
  constructor(route: string, event: string, issues: IssueSummary[], cause?: unknown) {
    super('CONTRACT_VALIDATION', `route "${route}", event "${event}": invalid data: ${describeIssues(issues)}`, {
      cause,
    });
    this.route = route;
    this.event = event;
    this.issues = issues;
  }
}

/**
 * An `event` or `id` field (or a raw event name) holds CR, LF or NUL, which would inject SSE fields.
 *
 * @example
 * ```ts
 * session.send({ event: 'a\nb', data: 'x' }); // throws FieldInjectionError
 * ```
 */
export class FieldInjectionError extends SsekitError<'FIELD_INJECTION'> {
  readonly field: 'event' | 'id' | 'retry';
  constructor(field: 'event' | 'id' | 'retry', reason: string) {
    super('FIELD_INJECTION', `SSE field "${field}" rejected: ${reason}`);
    this.field = field;
  }
}

/**
 * A serializer threw or did not return a string. Nothing was written.
 *
 * @example
 * ```ts
 * session.send({ data: { toJSON: () => undefined } }); // throws SerializationError
 * ```
 */
export class SerializationError extends SsekitError<'SERIALIZATION'> {
  readonly route: string;
  readonly event: string;
  constructor(route: string, event: string, reason: string, cause?: unknown) {
    super('SERIALIZATION', `route "${route}", event "${event}": ${reason}`, { cause });
    this.route = route;
    this.event = event;
  }
}

/**
 * The stream is closed (client gone, `close()` called, or slow consumer disconnected); nothing was written.
 *
 * @example
 * ```ts
 * session.close();
 * session.send({ data: 'late' }); // throws StreamClosedError
 * ```
 */
export class StreamClosedError extends SsekitError<'STREAM_CLOSED'> {
  constructor(route: string) {
    super('STREAM_CLOSED', `route "${route}": the stream is closed`);
  }
}

/**
 * A client did not read fast enough and its queued bytes passed `maxQueueBytes`.
 *
 * @example
 * ```ts
 * createRouter({ maxQueueBytes: 256 * 1024, onError: (e) => e.code === 'SLOW_CONSUMER' && metrics.inc() });
 * ```
 */
export class SlowConsumerError extends SsekitError<'SLOW_CONSUMER'> {
  readonly route: string;
  readonly queuedBytes: number;
  readonly policy: SlowConsumerPolicy;
  constructor(route: string, queuedBytes: number, limit: number, policy: SlowConsumerPolicy) {
    super(
      'SLOW_CONSUMER',
      `route "${route}": client queue ${queuedBytes} bytes passed the ${limit}-byte bound; policy "${policy}"`,
    );
    this.route = route;
    this.queuedBytes = queuedBytes;
    this.policy = policy;
  }
}

/** What happens to a client whose queue passes `maxQueueBytes`: cut it off (default), or drop events until it catches up. */
export type SlowConsumerPolicy = 'disconnect' | 'drop';

/**
 * `implement()` was given no handler for some contract routes (or an implementation object without a `handler`).
 *
 * @example
 * ```ts
 * implement(contract, {} as never); // throws MissingHandlerError naming the routes
 * ```
 */
export class MissingHandlerError extends SsekitError<'MISSING_HANDLER'> {
  /** The routes without a handler. */
  readonly routes: string[];
  constructor(message: string, routes: string[]) {
    super('MISSING_HANDLER', message);
    this.routes = routes;
  }
}

/**
 * `implement()` was given handlers for routes the contract does not declare (a typo, or a stale handler).
 *
 * @example
 * ```ts
 * implement(contract, { ...handlers, romo: handler } as never); // throws ExtraHandlerError naming `romo`
 * ```
 */
export class ExtraHandlerError extends SsekitError<'EXTRA_HANDLER'> {
  /** The keys that are not routes of the contract. */
  readonly routes: string[];
  constructor(routes: string[]) {
    super('EXTRA_HANDLER', `handlers for route(s) the contract does not declare: ${routes.join(', ')}`);
    this.routes = routes;
  }
}

/**
 * A router got a second route with the method and path shape of one it already has (`/rooms/:id` and `/rooms/:roomId`
 * are the same shape): both would answer the same requests.
 *
 * @example
 * ```ts
 * router.sse('/a/:x', h).sse('/a/:y', h); // throws RouteConflictError
 * ```
 */
export class RouteConflictError extends SsekitError<'ROUTE_CONFLICT'> {
  /** `METHOD path` of the route that was refused. */
  readonly route: string;
  /** The name of the route already declared (contract key, or path for raw routes). */
  readonly existing: string;
  constructor(method: string, path: string, existing: string) {
    super('ROUTE_CONFLICT', `route ${method} ${path} is already declared (${existing})`);
    this.route = `${method} ${path}`;
    this.existing = existing;
  }
}

/**
 * A handler failed after the stream started; reported to `onError`, never to the client verbatim.
 *
 * @example
 * ```ts
 * createRouter({ onError: (e) => { if (e instanceof HandlerError) log(e.route, e.cause); } });
 * ```
 */
export class HandlerError extends SsekitError<'HANDLER'> {
  readonly route: string;
  constructor(route: string, cause: unknown) {
    super('HANDLER', `route "${route}": handler failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.route = route;
  }
}

/**
 * A `Last-Event-ID` header was oversized (> 1 KiB) or held CR/LF/NUL; it is treated as absent and never echoed.
 *
 * @example
 * ```ts
 * createRouter({ onError: (e) => e.code === 'INVALID_LAST_EVENT_ID' && console.warn(e.message) });
 * ```
 */
export class InvalidLastEventIdError extends SsekitError<'INVALID_LAST_EVENT_ID'> {
  readonly route: string;
  constructor(route: string, reason: string) {
    super('INVALID_LAST_EVENT_ID', `route "${route}": Last-Event-ID ignored: ${reason}`);
    this.route = route;
  }
}

/**
 * A new stream was refused (503 with `Retry-After`, before `beforeStream` or the handler ran) because a concurrency
 * limit was reached: the router's `limits.maxStreams` (`scope: 'global'`) or one key's `limits.maxStreamsPerKey`
 * (`scope: 'key'`).
 *
 * @example
 * ```ts
 * createRouter({ limits: { maxStreams: 5000 }, onError: (e) => e.code === 'STREAM_LIMIT' && metrics.inc(e.scope) });
 * ```
 */
export class StreamLimitError extends SsekitError<'STREAM_LIMIT'> {
  readonly scope: 'global' | 'key';
  /** The key that reached its limit (`scope: 'key'`). */
  readonly key: string | undefined;
  readonly limit: number;
  constructor(scope: 'global' | 'key', limit: number, key?: string) {
    super(
      'STREAM_LIMIT',
      scope === 'global'
        ? `the router already serves its maximum of ${limit} streams`
        : `key "${key}" already holds its maximum of ${limit} streams`,
    );
    this.scope = scope;
    this.key = key;
    this.limit = limit;
  }
}

/**
 * A stream was requested while the router shuts down (`router.close()`); it was answered 503 with `Retry-After` so
 * the client reconnects elsewhere. Its code is the `code` of that 503's problem body.
 *
 * @example
 * ```ts
 * const error = new ShuttingDownError(); // error.code === 'SHUTTING_DOWN'
 * ```
 */
export class ShuttingDownError extends SsekitError<'SHUTTING_DOWN'> {
  constructor() {
    super('SHUTTING_DOWN', 'the server is shutting down');
  }
}

/**
 * A POST body did not arrive within the router's `bodyTimeoutMs`: an adapter's `readBody` rejects with it (or the
 * router gives up waiting), and the router answers 408 with `Connection: close`.
 *
 * @example
 * ```ts
 * createRouter({ bodyTimeoutMs: 5_000, onError: (e) => e.code === 'BODY_TIMEOUT' && metrics.inc('slow-body') });
 * ```
 */
export class BodyTimeoutError extends SsekitError<'BODY_TIMEOUT'> {
  /** The timeout, in ms. */
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super('BODY_TIMEOUT', `request body not received within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * With the router's `cors` option, a request or preflight came from an origin the policy does not allow: answered
 * 403 before `beforeStream` or the handler ran.
 *
 * @example
 * ```ts
 * createRouter({ cors: { origin: ['https://app.example.com'] }, onError: (e) => e.code === 'ORIGIN_REJECTED' && log(e.origin) });
 * ```
 */
export class OriginRejectedError extends SsekitError<'ORIGIN_REJECTED'> {
  readonly origin: string;
  readonly route: string;
  constructor(route: string, origin: string, reason = 'origin not allowed') {
    super(
      'ORIGIN_REJECTED',
      `route "${route}": request from ${JSON.stringify(origin.slice(0, 200))} refused: ${reason}`,
    );
    this.origin = origin;
    this.route = route;
  }
}

/** A JSON problem body (RFC 9457) as ssekit answers 4xx/5xx before a stream starts. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Invalid request fields: where (`params`, `query`, `headers`, `body`), the path inside, and why. */
  errors?: { in: 'params' | 'query' | 'headers' | 'body'; path: string; message: string }[];
  [extra: string]: unknown;
}

/**
 * Thrown from `beforeStream` to answer with a status instead of a stream: any 4xx, or 204 to tell
 * clients to stop reconnecting.
 *
 * @example
 * ```ts
 * implement(contract, { room: { beforeStream: (ctx) => { if (!ctx.headers.authorization) throw new HttpError(401); }, handler } });
 * ```
 */
export class HttpError extends SsekitError<'HTTP_ERROR'> {
  readonly status: number;
  readonly problem: ProblemBody | undefined;
  readonly headers: Record<string, string>;
  constructor(status: number, problem?: Partial<ProblemBody> & { detail?: string }, headers?: Record<string, string>) {
    if (!Number.isInteger(status) || status < 200 || status > 599 || (status >= 300 && status < 400)) {
      throw new InvalidArgumentError(`HttpError status must be 2xx (204), 4xx or 5xx, got ${status}`);
    }
    super('HTTP_ERROR', problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.headers = headers ?? {};
    this.problem = status === 204 ? undefined : { type: 'about:blank', title: statusTitle(status), status, ...problem };
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The reason phrase for a status, for problem bodies. */
export function statusTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}
