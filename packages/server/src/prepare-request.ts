import { HttpError, InvalidLastEventIdError, type ProblemBody } from './errors.js';
import {
  BodyTooLargeError,
  type CoreRequest,
  lastEventIdProblem,
  type PlainResponse,
  parsePart,
  parseQuery,
  problemResponse,
} from './request.js';
import type { RouteEntry } from './route-table.js';
import type { SessionInit, SseRequestInfo } from './session.js';

type Problems = NonNullable<ProblemBody['errors']>;

/** What preparing a request gives: the session's input, or the response that answers instead of a stream. */
export type PreparedRequest = { readonly init: SessionInit } | { readonly response: PlainResponse };

/** Where a prepared request reports what it ignores, and the body limit it reads with. */
export interface PrepareContext {
  readonly maxBodyBytes: number;
  readonly report: (error: unknown) => void;
}

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

/**
 * Everything between a matched route and its stream: percent-decoded params, query, headers and the JSON body parsed
 * with the route's schemas (one 400 listing every problem; 415 for a non-JSON body, 413 past the limit), the
 * `Last-Event-ID` check (a bad one is reported and treated as absent, flagged so a replay route can reset), then `beforeStream`, whose `HttpError`
 * answers with its status.
 */
export async function prepareRequest(
  entry: RouteEntry,
  request: CoreRequest,
  rawParams: Readonly<Record<string, string>>,
  search: string,
  context: PrepareContext,
): Promise<PreparedRequest> {
  const problems: Problems = [];
  const decoded = decodeParams(rawParams, problems);
  const rawQuery = search === '' ? EMPTY : parseQuery(search);
  // Routes without path params share one frozen empty object: nothing to parse, nothing to keep per connection.
  // Each part is a value, or a Promise for an asynchronous Standard Schema validator.
  let params = entry.paramless ? EMPTY : parsePart('params', entry.schemas.params, decoded, problems);
  let query = parsePart('query', entry.schemas.query, rawQuery, problems);
  // The full header record is built only when a schema needs it, or when a handler reads `request.headers`.
  let headers = entry.schemas.headers
    ? parsePart('headers', entry.schemas.headers, request.headers(), problems)
    : undefined;
  if (params instanceof Promise) params = await params;
  if (query instanceof Promise) query = await query;
  if (headers instanceof Promise) headers = await headers;
  let body: unknown;
  if (entry.schemas.body) {
    const read = await readJsonBody(request, context.maxBodyBytes, problems);
    if ('response' in read) return read;
    if (!problems.some((p) => p.in === 'body')) body = await parsePart('body', entry.schemas.body, read.json, problems);
  }
  if (problems.length) {
    return { response: problemResponse(400, { detail: 'the request is invalid', errors: problems }) };
  }
  const lastEventId = checkedLastEventId(request, entry.runtime.name, context.report);
  const init: SessionInit = {
    request: new LazyRequestInfo(request),
    // a paramless route's sessions share the frozen empty record instead of one `{}` each
    params: (entry.schemas.params ? params : entry.paramless ? EMPTY : decoded) as Record<string, unknown>,
    query,
    headers,
    body,
    lastEventId: lastEventId === REFUSED ? undefined : lastEventId,
    ...(lastEventId === REFUSED ? { lastEventIdRefused: true } : {}),
  };
  if (entry.beforeStream) {
    try {
      await entry.beforeStream(init);
    } catch (error) {
      if (error instanceof HttpError) return { response: problemResponse(error.status, error.problem, error.headers) };
      throw error;
    }
  }
  return { init };
}

function decodeParams(rawParams: Readonly<Record<string, string>>, problems: Problems): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawParams)) {
    try {
      decoded[name] = decodeURIComponent(value);
    } catch {
      problems.push({ in: 'params', path: name, message: 'malformed percent-encoding' });
    }
  }
  return decoded;
}

/** The body as JSON (`undefined` when empty); 415 for a non-JSON content type, 413 past `limit`. */
async function readJsonBody(
  request: CoreRequest,
  limit: number,
  problems: Problems,
): Promise<{ readonly json: unknown } | { readonly response: PlainResponse }> {
  const type = request.header('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    return { response: problemResponse(415, { detail: 'the body must be application/json' }) };
  }
  let text: string;
  try {
    text = await request.readBody(limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { response: problemResponse(413, { detail: error.message }) };
    throw error;
  }
  try {
    return { json: text === '' ? undefined : JSON.parse(text) };
  } catch {
    problems.push({ in: 'body', path: '', message: 'invalid JSON' });
    return { json: undefined };
  }
}

const REFUSED: unique symbol = Symbol('refused Last-Event-ID');

/**
 * The request's `Last-Event-ID`: `undefined` when absent, {@link REFUSED} when refused (oversized, CR/LF/NUL: reported,
 * never echoed; a replay route answers it with its reset event).
 */
function checkedLastEventId(
  request: CoreRequest,
  route: string,
  report: (error: unknown) => void,
): string | typeof REFUSED | undefined {
  const lastEventId = request.header('last-event-id');
  if (lastEventId === undefined) return undefined;
  const problem = lastEventIdProblem(lastEventId);
  if (!problem) return lastEventId;
  report(new InvalidLastEventIdError(route, problem));
  return REFUSED;
}
