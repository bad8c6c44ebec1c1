import type { ContractSchema } from '@ssekit/contract';
import { SsekitError } from '@ssekit/contract';
import { type ProblemBody, statusTitle, summarizeIssues } from './errors.js';
import { concatBytes, toBytes } from './frames.js';
import { type Validated, validateSchema } from './validate.js';

/**
 * The request as the core sees it, built by each adapter without copying what it does not need.
 *
 * @example
 * ```ts
 * const core: CoreRequest = { method: 'GET', url: '/events', header: () => undefined, headers: () => ({}), readBody: async () => '', raw: req };
 * ```
 */
export interface CoreRequest {
  readonly method: string;
  /** Path and query as received: `/rooms/a%20b?since=3`. */
  readonly url: string;
  /** One header by lower-case name. */
  header(name: string): string | undefined;
  /** All headers, names in lower case. */
  headers(): Record<string, string>;
  /**
   * The body as text; rejects with {@link BodyTooLargeError} past `limit` bytes. When `signal` aborts (the router's
   * `bodyTimeoutMs`), stop reading and reject with `signal.reason`.
   */
  readBody(limit: number, signal?: AbortSignal): Promise<string>;
  readonly raw: unknown;
  /**
   * Also receives the errors the router reports for this request, after the router's `onError`: a refused
   * `Last-Event-ID`, a handler failure (`HandlerError`), an unexpected failure answered with 500. Test kits and
   * per-request logging use it; it must not throw (what it throws is logged).
   */
  readonly onError?: (error: unknown) => void;
}

/**
 * A request body passed the router's `maxBodyBytes`: an adapter's `readBody` rejects with it, and the router answers
 * 413.
 *
 * @example
 * ```ts
 * readBody: async (limit) => { if (text.length > limit) throw new BodyTooLargeError(limit); return text; }
 * ```
 */
export class BodyTooLargeError extends SsekitError<'BODY_TOO_LARGE'> {
  /** The limit, in bytes. */
  readonly limit: number;
  constructor(limit: number) {
    super('BODY_TOO_LARGE', `request body exceeds ${limit} bytes`);
    this.limit = limit;
  }
}

const decoder = new TextDecoder();

/**
 * A request body collected up to a byte limit, from whatever chunks an adapter's transport yields (node streams, web
 * streams, a body a framework already parsed). Every adapter's `readBody` goes through it.
 *
 * @example
 * ```ts
 * const body = new LimitedBody(limit);
 * for await (const chunk of stream) if (!body.add(chunk)) throw new BodyTooLargeError(limit);
 * return body.text();
 * ```
 */
export class LimitedBody {
  readonly limit: number;
  readonly #chunks: Uint8Array[] = [];
  #size = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Adds a chunk; `false` (and the chunk is not kept) once the body is past the limit. */
  add(chunk: Uint8Array | string): boolean {
    const bytes = typeof chunk === 'string' ? toBytes(chunk) : chunk;
    this.#size += bytes.byteLength;
    if (this.#size > this.limit) return false;
    this.#chunks.push(bytes);
    return true;
  }

  /** The body so far, decoded as UTF-8. */
  text(): string {
    return this.#chunks.length === 0 ? '' : decoder.decode(concatBytes(this.#chunks));
  }
}

/** A response the core answers instead of a stream. */
export interface PlainResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Builds a `application/problem+json` response. */
export function problemResponse(
  status: number,
  problem?: Partial<ProblemBody>,
  headers?: Record<string, string>,
): PlainResponse {
  if (status === 204) return { status, headers: headers ?? {}, body: '' };
  const body: ProblemBody = { type: 'about:blank', title: statusTitle(status), status, ...problem };
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

type ProblemField = NonNullable<ProblemBody['errors']>[number];

/**
 * Parses one request part with its schema (zod, or any Standard Schema), collecting problems instead of throwing.
 * A Promise only when the validator is asynchronous.
 */
export function parsePart(
  where: ProblemField['in'],
  schema: ContractSchema | undefined,
  value: unknown,
  problems: ProblemField[],
): unknown {
  if (!schema) return value;
  const result = validateSchema(schema, value);
  const settle = (validated: Validated): unknown => {
    if (validated.success) return validated.data;
    for (const issue of summarizeIssues(validated.issues)) problems.push({ in: where, ...issue });
    return undefined;
  };
  return result instanceof Promise ? result.then(settle) : settle(result);
}

/** Query string → record; repeated keys become arrays. */
export function parseQuery(search: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (search === '') return out;
  for (const [key, value] of new URLSearchParams(search)) {
    const prev = out[key];
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** Max `Last-Event-ID` we accept, in bytes; a longer id is treated as absent (reported, never echoed). */
export const MAX_LAST_EVENT_ID_BYTES = 1024;

/** Checks a `Last-Event-ID` header in O(1) of its content beyond the length check; returns the reason it is refused. */
export function lastEventIdProblem(value: string): string | undefined {
  // UTF-8 is at most 3 bytes per UTF-16 unit; the string length bounds the work before any scan.
  if (value.length > MAX_LAST_EVENT_ID_BYTES) return `longer than ${MAX_LAST_EVENT_ID_BYTES} bytes`;
  if (/[\r\n\0]/.test(value)) return 'contains CR, LF or NUL';
  if (utf8Length(value) > MAX_LAST_EVENT_ID_BYTES) return `longer than ${MAX_LAST_EVENT_ID_BYTES} bytes`;
  return undefined;
}

const encoder = new TextEncoder();
function utf8Length(value: string): number {
  // Fast path: pure ASCII needs no encoding.
  return /^[\x00-\x7f]*$/.test(value) ? value.length : encoder.encode(value).length;
}
