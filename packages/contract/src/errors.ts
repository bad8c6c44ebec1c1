const brand = Symbol.for('ssekit.error');

/**
 * Every error code ssekit throws or reports, across all packages.
 *
 * @example
 * ```ts
 * if (isSsekitError(err) && err.code === 'CONTRACT_VALIDATION') console.warn(err.issues);
 * ```
 */
export type SsekitErrorCode =
  | 'CONTRACT_DEFINITION'
  | 'CONTRACT_VALIDATION'
  | 'REQUEST_VALIDATION'
  | 'FIELD_INJECTION'
  | 'SERIALIZATION'
  | 'STREAM_CLOSED'
  | 'SLOW_CONSUMER'
  | 'MISSING_HANDLER'
  | 'HANDLER'
  | 'CALLBACK'
  | 'HTTP_STATUS'
  | 'INVALID_LAST_EVENT_ID'
  | 'CONTENT_TYPE'
  | 'NETWORK'
  | 'PARSE'
  | 'VALIDATION'
  | 'UNKNOWN_EVENT'
  | 'ABORTED'
  | 'IDLE_TIMEOUT'
  | 'RETRIES_EXHAUSTED'
  | 'SHARED_STREAM'
  | 'STORE_UNAVAILABLE'
  | 'REPLAY_RESET'
  | 'CODEGEN';

/**
 * Base class of every ssekit error. Each subclass carries a literal `code`.
 * Recognised across duplicated package copies through {@link isSsekitError}.
 *
 * @example
 * ```ts
 * class MyError extends SsekitError<'HANDLER'> {
 *   constructor() { super('HANDLER', 'handler failed'); }
 * }
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
