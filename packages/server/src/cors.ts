import { InvalidArgumentError } from '@ssekit/contract';
import type { CoreRequest } from './request.js';

/**
 * Cross-origin policy of a router's SSE routes. With it, the router answers preflight `OPTIONS` requests itself, adds
 * `Access-Control-Allow-Origin` (and `Vary: Origin`) to streams and to error answers, and refuses a request from an
 * origin the policy does not allow with 403 before `beforeStream` or the handler run. Requests without `Origin`
 * (same-origin GETs, non-browser clients) and same-origin requests (the `Origin` names the request's `Host`) pass.
 *
 * @example
 * ```ts
 * createRouter({
 *   cors: { origin: ['https://app.example.com'], credentials: true, allowedHeaders: ['authorization'] },
 * });
 * ```
 */
export interface CorsOptions {
  /**
   * The origins allowed: `'*'` (any; with `credentials` the request's origin is echoed), one origin, a list, or a
   * function of the request's `Origin` value. Origins are compared as `scheme://host[:port]`, exactly.
   */
  origin: '*' | string | readonly string[] | ((origin: string, request: CoreRequest) => boolean);
  /** Send `Access-Control-Allow-Credentials: true` (cookies, HTTP auth). Default `false`. */
  credentials?: boolean;
  /**
   * Request headers a cross-origin request may carry, beyond the CORS-safelisted ones. `Content-Type` (JSON POST
   * bodies) and `Last-Event-ID` (resuming) are always allowed. Default: none more.
   */
  allowedHeaders?: readonly string[];
  /** Response headers scripts may read, beyond the safelisted ones. Default: none. */
  exposedHeaders?: readonly string[];
  /** How long browsers may cache a preflight answer (`Access-Control-Max-Age`), in seconds. Default 600. */
  maxAgeSeconds?: number;
}

/** Default `cors.maxAgeSeconds`. */
export const DEFAULT_CORS_MAX_AGE_S = 600;

/** What the policy says about one request. */
export type CorsVerdict =
  | { readonly kind: 'none' }
  | { readonly kind: 'allowed'; readonly headers: Record<string, string> }
  | { readonly kind: 'rejected'; readonly origin: string; readonly reason: string };

const NONE: CorsVerdict = { kind: 'none' };
const ALWAYS_ALLOWED = ['content-type', 'last-event-id'];

/** A compiled {@link CorsOptions}: decides per request and builds the response headers. */
export class CorsPolicy {
  readonly #matches: (origin: string, request: CoreRequest) => boolean;
  readonly #any: boolean;
  readonly #credentials: boolean;
  readonly #allowedHeaders: ReadonlySet<string>;
  readonly #allowHeadersValue: string;
  readonly #exposeHeadersValue: string | undefined;
  readonly #maxAge: string;

  constructor(options: CorsOptions) {
    const { origin } = options;
    this.#any = origin === '*';
    if (typeof origin === 'function') this.#matches = origin;
    else if (origin === '*') this.#matches = () => true;
    else {
      const list = typeof origin === 'string' ? [origin] : origin;
      if (!Array.isArray(list))
        throw new InvalidArgumentError('cors.origin must be "*", an origin, a list or a function');
      const allowed = new Set(list.map(normalizeOrigin));
      this.#matches = (value) => allowed.has(value);
    }
    this.#credentials = options.credentials ?? false;
    const headers = [...ALWAYS_ALLOWED, ...(options.allowedHeaders ?? []).map((h) => h.toLowerCase())];
    this.#allowedHeaders = new Set(headers);
    this.#allowHeadersValue = [...this.#allowedHeaders].join(', ');
    this.#exposeHeadersValue = options.exposedHeaders?.length ? options.exposedHeaders.join(', ') : undefined;
    const maxAge = options.maxAgeSeconds ?? DEFAULT_CORS_MAX_AGE_S;
    if (!Number.isInteger(maxAge) || maxAge < 0) {
      throw new InvalidArgumentError(`cors.maxAgeSeconds must be a non-negative integer, got ${maxAge}`);
    }
    this.#maxAge = String(maxAge);
  }

  /** The verdict for an actual (non-preflight) request. */
  check(request: CoreRequest): CorsVerdict {
    const origin = request.header('origin');
    if (origin === undefined || isSameOrigin(origin, request)) return NONE;
    if (!this.#allows(origin, request)) return { kind: 'rejected', origin, reason: 'origin not allowed' };
    const headers = this.#originHeaders(origin);
    if (this.#exposeHeadersValue) headers['access-control-expose-headers'] = this.#exposeHeadersValue;
    return { kind: 'allowed', headers };
  }

  /**
   * The verdict for a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`), given the methods the
   * path serves; `undefined` when the request is not a preflight.
   */
  preflight(request: CoreRequest, methods: readonly string[]): CorsVerdict | undefined {
    const origin = request.header('origin');
    const method = request.header('access-control-request-method');
    if (origin === undefined || method === undefined) return undefined;
    if (!this.#allows(origin, request)) return { kind: 'rejected', origin, reason: 'origin not allowed' };
    if (!methods.includes(method.toUpperCase())) {
      return { kind: 'rejected', origin, reason: `method ${method.slice(0, 20)} not served here` };
    }
    const requested = (request.header('access-control-request-headers') ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== '');
    const refused = requested.find((h) => !this.#allowedHeaders.has(h));
    if (refused !== undefined)
      return { kind: 'rejected', origin, reason: `header ${refused.slice(0, 64)} not allowed` };
    const headers = this.#originHeaders(origin);
    headers.vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
    headers['access-control-allow-methods'] = methods.join(', ');
    headers['access-control-allow-headers'] = this.#allowHeadersValue;
    headers['access-control-max-age'] = this.#maxAge;
    return { kind: 'allowed', headers };
  }

  #allows(origin: string, request: CoreRequest): boolean {
    // `null` (sandboxed frames, file: pages) is only allowed when named explicitly or by a function.
    if (origin === 'null' && this.#any) return false;
    return this.#matches(origin, request);
  }

  #originHeaders(origin: string): Record<string, string> {
    const headers: Record<string, string> = {
      'access-control-allow-origin': this.#any && !this.#credentials ? '*' : origin,
      vary: 'Origin',
    };
    if (this.#credentials) headers['access-control-allow-credentials'] = 'true';
    return headers;
  }
}

/** `https://Example.com:443/` → `https://example.com:443`: scheme and host lower-cased, no trailing slash. */
function normalizeOrigin(origin: string): string {
  if (typeof origin !== 'string' || origin === '') {
    throw new InvalidArgumentError(`cors.origin entries must be origins like "https://app.example.com", got ${origin}`);
  }
  return origin.replace(/\/+$/, '').toLowerCase();
}

/** True when `Origin` names the host the request was sent to (a browser's same-origin POST carries `Origin`). */
function isSameOrigin(origin: string, request: CoreRequest): boolean {
  const host = request.header('host') ?? request.header(':authority');
  if (host === undefined) return false;
  const at = origin.indexOf('://');
  return at !== -1 && origin.slice(at + 3).toLowerCase() === host.toLowerCase();
}
