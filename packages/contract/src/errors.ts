const brand = Symbol.for('ssekit.error');

/**
 * Every error code ssekit throws or reports, across all packages. Each code belongs to exactly one error class;
 * docs/errors.md lists them with their class, package and meaning.
 *
 * @example
 * ```ts
 * if (isSsekitError(err) && err.code === 'CONTRACT_VALIDATION') console.warn(err.message);
 * ```
 */
export type SsekitErrorCode =
  // @ssekit/contract
  | 'CONTRACT_DEFINITION'
  | 'INVALID_ARGUMENT'
  // @ssekit/server
  | 'CONTRACT_VALIDATION'
  | 'FIELD_INJECTION'
  | 'SERIALIZATION'
  | 'STREAM_CLOSED'
  | 'SLOW_CONSUMER'
  | 'MISSING_HANDLER'
  | 'EXTRA_HANDLER'
  | 'HANDLER'
  | 'HTTP_ERROR'
  | 'INVALID_LAST_EVENT_ID'
  | 'BODY_TOO_LARGE'
  | 'ROUTE_CONFLICT'
  | 'SINK_DESTROYED'
  | 'TOPIC'
  | 'STORE_UNAVAILABLE'
  | 'STORE_DATA'
  | 'STREAM_LIMIT'
  | 'SHUTTING_DOWN'
  | 'BODY_TIMEOUT'
  | 'ORIGIN_REJECTED'
  // @ssekit/client
  | 'HTTP_STATUS'
  | 'CONTENT_TYPE'
  | 'NETWORK'
  | 'PARSE'
  | 'EVENT_TOO_LARGE'
  | 'VALIDATION'
  | 'UNKNOWN_EVENT'
  | 'ABORTED'
  | 'IDLE_TIMEOUT'
  | 'RETRIES_EXHAUSTED'
  | 'CALLBACK'
  | 'SHARED_STREAM'
  | 'BUFFER_OVERFLOW'
  // @ssekit/codegen
  | 'CODEGEN'
  // @ssekit/testing
  | 'TEST_STREAM';

/**
 * Base class of every ssekit error. Each subclass carries its own literal `code` (docs/errors.md lists them).
 * Recognised across duplicated package copies through {@link isSsekitError}.
 *
 * @example
 * ```ts
 * try { await hub.publish(params, 'message', data); }
 * catch (err) { if (err instanceof SsekitError) console.warn(err.code, err.message); }
 * ```
 */
export class SsekitError<Code extends SsekitErrorCode = SsekitErrorCode> extends Error {
  /** Machine-readable failure family. */
  readonly code: Code;
  readonly [brand] = true;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * True when `value` is an error thrown by any ssekit package (any copy of it).
 *
 * @example
 * ```ts
 * try { await session.send('customer', data); }
 * catch (err) { if (isSsekitError(err)) console.log(err.code); }
 * ```
 */
export function isSsekitError(value: unknown): value is SsekitError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * A contract is malformed: bad event name, bad path, params that do not match the path.
 *
 * @example
 * ```ts
 * defineContract({ r: { path: '/x', events: { 'bad name': z.string() } } }); // throws ContractDefinitionError
 * ```
 */
export class ContractDefinitionError extends SsekitError<'CONTRACT_DEFINITION'> {
  /** The route key the problem belongs to, when known. */
  readonly route: string | undefined;
  constructor(message: string, route?: string) {
    super('CONTRACT_DEFINITION', route === undefined ? message : `route "${route}": ${message}`);
    this.route = route;
  }
}

/**
 * A function or constructor got an argument or option it cannot use: a programming error, thrown at once (a
 * non-positive `maxQueueBytes`, `send()` without an event, a missing path param, `createHub` without a route…).
 *
 * @example
 * ```ts
 * createRouter({ maxQueueBytes: 0 }).sse('/x', handler); // throws InvalidArgumentError
 * ```
 */
export class InvalidArgumentError extends SsekitError<'INVALID_ARGUMENT'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/**
 * The default `onError` of every ssekit package (router, hub, Redis store, client): one `console.warn` line,
 * `[ssekit] <where> <CODE>: <message>`, followed by the error's `cause` (or by a non-ssekit error itself), so a
 * handler's stack trace is not lost.
 *
 * @example
 * ```ts
 * createRouter({ onError: (error, { route }) => { metrics.count(error); logError(error, route); } });
 * ```
 */
export function logError(error: unknown, where?: string): void {
  const prefix = where === undefined || where === '' ? '[ssekit]' : `[ssekit] ${where}`;
  if (!isSsekitError(error)) {
    console.warn(prefix, error);
    return;
  }
  const line = `${prefix} ${error.code}: ${error.message}`;
  if (error.cause === undefined) console.warn(line);
  else console.warn(line, error.cause);
}
