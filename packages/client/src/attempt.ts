import type { SsekitError } from '@ssekit/contract/errors';
import { noop, raceAbort } from './abort.js';
import { isEventStreamContentType } from './content-type.js';
import { EventTooLargeError } from './event-errors.js';
import { EventFeed, type EventFeedHandlers } from './event-feed.js';
import { ContentTypeError, HttpStatusError, NetworkError } from './http-errors.js';
import { CallbackError } from './lifecycle-errors.js';
import {
  buildRequestHeaders,
  type FetchCredentials,
  type FetchInit,
  type HeadersSource,
  resolveHeaders,
} from './request-headers.js';
import { parseRetryAfter } from './retry-after.js';

/** Everything one connection attempt needs. */
export interface AttemptRequest extends EventFeedHandlers {
  url: string;
  method: string;
  fetch: typeof fetch;
  headers: HeadersSource | undefined;
  body: string | (() => string) | undefined;
  credentials: FetchCredentials | undefined;
  lastEventId: string | undefined;
  /** Aborted to interrupt the attempt (close, restart, idle timeout). */
  signal: AbortSignal;
  /** Called when the request starts, on every chunk received, and when reading resumes after `beforeRead`. */
  onActivity(): void;
  /** Called when reading waits on `beforeRead` (the idle watchdog stops meanwhile). */
  onPause(): void;
  /** Backpressure: a promise returned here holds the next read of the body until it settles. */
  beforeRead: (() => Promise<void> | undefined) | undefined;
  /** Called when the response was accepted as an event stream. */
  onOpen(response: Response): void;
  /** Largest event (or unterminated line) accepted, in characters. */
  maxEventSize: number;
}

/** How one attempt ended. */
export type AttemptOutcome =
  | { kind: 'ended' }
  | { kind: 'no-content' }
  | { kind: 'interrupted' }
  | { kind: 'failed'; error: SsekitError; retryable: boolean; retryAfterMs?: number | undefined };

function discard(response: Response): void {
  response.body?.cancel().catch(noop);
}

/**
 * Makes one request and reads its event stream until it ends, fails or is interrupted.
 * Never throws: every failure becomes an outcome the reconnect loop can act on.
 *
 * @example
 * ```ts
 * const outcome = await runAttempt({ url, method: 'GET', fetch, signal, ...handlers });
 * if (outcome.kind === 'failed' && outcome.retryable) scheduleRetry();
 * ```
 */
export async function runAttempt(request: AttemptRequest): Promise<AttemptOutcome> {
  const { signal, url, method } = request;
  let headers: Headers;
  let body: string | undefined;
  try {
    headers = await raceAbort(resolveHeaders(request.headers), signal);
  } catch (cause) {
    if (signal.aborted) return { kind: 'interrupted' };
    return { kind: 'failed', error: new CallbackError('headers', cause), retryable: true };
  }
  try {
    body = typeof request.body === 'function' ? request.body() : request.body;
  } catch (cause) {
    return { kind: 'failed', error: new CallbackError('body', cause), retryable: true };
  }
  if (signal.aborted) return { kind: 'interrupted' };

  const init: FetchInit = {
    method,
    headers: buildRequestHeaders(headers, { lastEventId: request.lastEventId, hasBody: body !== undefined }),
    signal,
  };
  if (body !== undefined) init.body = body;
  if (request.credentials !== undefined) init.credentials = request.credentials;

  request.onActivity();
  let response: Response;
  try {
    // called as a plain function: a browser's own fetch throws "Illegal invocation" when called on another object
    const fetchImpl = request.fetch;
    response = await raceAbort(fetchImpl(url, init), signal, discard);
  } catch (cause) {
    if (signal.aborted) return { kind: 'interrupted' };
    return { kind: 'failed', error: new NetworkError({ url, method, phase: 'connect', cause }), retryable: true };
  }

  if (response.status === 204) {
    discard(response);
    return { kind: 'no-content' };
  }
  if (response.status < 200 || response.status > 299) {
    discard(response);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const error = new HttpStatusError({
      status: response.status,
      statusText: response.statusText,
      url,
      method,
      retryAfterMs,
    });
    return { kind: 'failed', error, retryable: error.retryable, retryAfterMs };
  }
  const contentType = response.headers.get('content-type');
  if (!isEventStreamContentType(contentType)) {
    discard(response);
    return { kind: 'failed', error: new ContentTypeError({ contentType, url, method }), retryable: false };
  }

  request.onOpen(response);
  if (signal.aborted) {
    discard(response);
    return { kind: 'interrupted' };
  }
  if (!response.body) return { kind: 'ended' };

  const reader = response.body.getReader();
  const feed = new EventFeed(request.lastEventId, request, request.maxEventSize);
  // An abort cancels the reader, which settles a pending read as done even when the body ignores the signal: one
  // listener per attempt rather than a race (a listener and two promises) per read.
  const cancel = () => {
    reader.cancel().catch(noop);
  };
  signal.addEventListener('abort', cancel);
  try {
    for (;;) {
      const gate = request.beforeRead?.();
      if (gate) {
        request.onPause();
        await raceAbort(gate, signal);
        request.onActivity();
      }
      const chunk = await reader.read();
      if (chunk.done) return { kind: signal.aborted ? 'interrupted' : 'ended' };
      request.onActivity();
      feed.push(chunk.value);
      if (signal.aborted) return { kind: 'interrupted' };
      if (feed.overflowed) {
        return { kind: 'failed', error: new EventTooLargeError(request.maxEventSize, url), retryable: true };
      }
    }
  } catch (cause) {
    if (signal.aborted) return { kind: 'interrupted' };
    return { kind: 'failed', error: new NetworkError({ url, method, phase: 'read', cause }), retryable: true };
  } finally {
    signal.removeEventListener('abort', cancel);
    cancel();
  }
}
