import type { SsekitError } from '@ssekit/contract/errors';
import type { HttpStatusError } from './http-errors.js';
import type { RawSseEvent } from './raw-event.js';
import type { FetchCredentials, HeadersSource } from './request-headers.js';

/**
 * How the client reconnects after a network error, a retryable status (5xx, 429), an idle
 * timeout or a clean end of the stream. Delays use exponential backoff with full jitter.
 *
 * @example
 * ```ts
 * const reconnect: ReconnectOptions = { initialDelayMs: 500, maxDelayMs: 10_000, maxAttempts: 20 };
 * ```
 */
export interface ReconnectOptions {
  /** Backoff base in ms. Default 1000; a server `retry:` field replaces it. */
  initialDelayMs?: number;
  /** Upper bound of one backoff delay in ms. Default 30000. (A server's `Retry-After` is honoured as sent.) */
  maxDelayMs?: number;
  /** Reconnect attempts allowed in a row without a successful connection. Default `Infinity`. */
  maxAttempts?: number;
  /** Give up when the next attempt would start this long (ms) after the first failure in a row. Default `Infinity`. */
  maxElapsedMs?: number;
}

/** Why a stream stopped for good. */
export type CloseReason = 'aborted' | 'closed' | 'no-content' | 'terminal-error' | 'retries-exhausted';

/** What `onClose` receives. */
export interface CloseInfo {
  reason: CloseReason;
  /** The error that ended the stream, for `terminal-error` and `retries-exhausted` (and `closed` after an error with `reconnect: false`). */
  error?: SsekitError;
}

/** What `onRetry` receives, just before the client waits `delayMs` and reconnects. */
export interface RetryInfo {
  /** 1 for the first reconnect after a success, then 2, 3... */
  attempt: number;
  /** How long the client waits before the attempt. */
  delayMs: number;
  /** Why the previous connection ended; `undefined` for a clean end of stream. */
  error: SsekitError | undefined;
}

/**
 * Options of {@link connectEventStream}. The callbacks `onOpen`, `onEvent`, `onComment`, `onRetry`, `onClose` and
 * `beforeRead` are called as methods of this object (`this` is the options); `fetch` is called as a plain function.
 *
 * @example
 * ```ts
 * const options: EventStreamOptions = { url: '/events', onEvent: (e) => console.log(e.data) };
 * ```
 */
export interface EventStreamOptions {
  url: string | URL;
  /** Default `GET`. */
  method?: 'GET' | 'POST' | 'REPORT' | (string & {});
  /** Request body, or a function re-run on every attempt. Sent as `text/plain` unless `headers` set a content type. */
  body?: string | (() => string) | undefined;
  /** Extra headers, or a function re-evaluated on every attempt (fresh auth tokens). */
  headers?: HeadersSource;
  /** Sent as `Last-Event-ID` on the first request, as if the server had sent it earlier. */
  lastEventId?: string | undefined;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch | undefined;
  /** Aborting it stops everything, like `close()`. */
  signal?: AbortSignal | undefined;
  /** Reconnection policy, or `false` to never reconnect. */
  reconnect?: ReconnectOptions | false | undefined;
  /** Watchdog: reconnect when nothing (not even a comment) arrived for this long (ms). Default: off. */
  idleTimeoutMs?: number | undefined;
  /**
   * Largest event (or unterminated line) accepted, in characters. A bigger one drops the connection with an
   * `EventTooLargeError` and reconnects with backoff, so a misbehaving server cannot exhaust memory. Default 16 MiB.
   */
  maxEventSize?: number;
  /** Passed to `fetch` (`'include'` for cookies on a cross-origin stream). */
  credentials?: FetchCredentials | undefined;
  /**
   * Called when the server answers 401 (e.g. an expired token on a reconnect): refresh your credentials here, so that
   * the `headers` function returns the new ones. The client then reconnects at once, with the same `Last-Event-ID`,
   * so nothing is lost. A second 401 in a row (no event in between) is terminal, as is a 401 without this option.
   */
  onUnauthorized?: ((error: HttpStatusError) => void | Promise<void>) | undefined;
  /**
   * Backpressure: called before each read of the response body; while the promise it returns is pending, nothing more
   * is read (the runtime stops reading the socket, so TCP flow control reaches the server) and the idle watchdog is
   * off. Return `undefined` to read on. `streamRoute` uses it for `onOverflow: 'pause'`.
   */
  beforeRead?: (() => Promise<void> | undefined) | undefined;
  /** Called when a response is accepted as an event stream (status 2xx, `text/event-stream`). */
  onOpen?: ((response: Response) => void) | undefined;
  /** Called for every dispatched event, in order. */
  onEvent(event: RawSseEvent): void;
  /** Called for every comment line, without the colon. */
  onComment?(comment: string): void;
  /** Called with every error, retryable or terminal. */
  onError?(error: SsekitError): void;
  /** Called before each reconnect wait. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Called once, when the stream has stopped for good; `done` resolves right after. */
  onClose?: ((info: CloseInfo) => void) | undefined;
}

/**
 * A running event stream.
 *
 * @example
 * ```ts
 * const connection = connectEventStream({ url, onEvent });
 * setTimeout(() => connection.close(), 60_000);
 * await connection.done;
 * ```
 */
export interface EventStreamConnection {
  /** Stops at once: aborts the request, cancels timers, no further requests. Idempotent. */
  close(): void;
  /** The last event id received (or supplied), sent as `Last-Event-ID` on reconnect. */
  readonly lastEventId: string | undefined;
  /** Resolves (never rejects) once the stream has stopped for good and `onClose` ran. */
  readonly done: Promise<void>;
  /** Drop the current connection and reconnect at once, as if the server had dropped it. */
  restart(): void;
}
