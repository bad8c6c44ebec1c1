import { SsekitError } from '@ssekit/contract/errors';

/**
 * The server answered with a status other than 2xx (204 is not an error: it stops the stream).
 * `retryable` is true for 5xx and 429; `retryAfterMs` holds a parsed `Retry-After` header.
 *
 * @example
 * ```ts
 * onError(err) { if (err instanceof HttpStatusError && err.status === 401) logout(); }
 * ```
 */
export class HttpStatusError extends SsekitError<'HTTP_STATUS'> {
  /** The HTTP status code. */
  readonly status: number;
  /** Whether the client retries this status (5xx and 429). */
  readonly retryable: boolean;
  /** The server's `Retry-After`, in milliseconds from when the response arrived, if it sent a valid one. */
  readonly retryAfterMs: number | undefined;
  /** The request URL. */
  readonly url: string;

  constructor(init: { status: number; statusText?: string; url: string; method: string; retryAfterMs?: number }) {
    const retryable = init.status >= 500 || init.status === 429;
    const text = init.statusText ? ` ${init.statusText}` : '';
    super(
      'HTTP_STATUS',
      `${init.method} ${init.url} answered HTTP ${init.status}${text} (${retryable ? 'retrying' : 'not retrying'})`,
    );
    this.status = init.status;
    this.retryable = retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.url = init.url;
  }
}

/**
 * A 2xx response whose `Content-Type` is not `text/event-stream`. Terminal: the endpoint is
 * not an SSE endpoint, so reconnecting would not help.
 *
 * @example
 * ```ts
 * onClose({ error }) { if (error instanceof ContentTypeError) console.error(error.contentType); }
 * ```
 */
export class ContentTypeError extends SsekitError<'CONTENT_TYPE'> {
  /** The `Content-Type` the server sent, or `null` when it sent none. */
  readonly contentType: string | null;
  /** The request URL. */
  readonly url: string;

  constructor(init: { contentType: string | null; url: string; method: string }) {
    super(
      'CONTENT_TYPE',
      `${init.method} ${init.url} answered with Content-Type ${init.contentType === null ? '(none)' : JSON.stringify(init.contentType)}, expected text/event-stream`,
    );
    this.contentType = init.contentType;
    this.url = init.url;
  }
}

/**
 * The request failed or the connection broke while reading (DNS, refused, reset, TLS...).
 * Retryable; the original error is the `cause`.
 *
 * @example
 * ```ts
 * onError(err) { if (err.code === 'NETWORK') showOfflineBanner(); }
 * ```
 */
export class NetworkError extends SsekitError<'NETWORK'> {
  /** The request URL. */
  readonly url: string;

  constructor(init: { url: string; method: string; phase: 'connect' | 'read'; cause: unknown }) {
    const detail = init.cause instanceof Error ? init.cause.message : String(init.cause);
    super(
      'NETWORK',
      `${init.method} ${init.url}: ${init.phase === 'connect' ? 'request failed' : 'connection broke while reading'}: ${detail}`,
      { cause: init.cause },
    );
    this.url = init.url;
  }
}
