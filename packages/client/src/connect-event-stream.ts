import { InvalidArgumentError, type SsekitError } from '@ssekit/contract/errors';
import { raceAbort, sleep } from './abort.js';
import { type AttemptOutcome, runAttempt } from './attempt.js';
import { backoffDelay } from './backoff.js';
import type { CloseInfo, EventStreamConnection, EventStreamOptions } from './event-stream-types.js';
import { HttpStatusError } from './http-errors.js';
import { CallbackError, IdleTimeoutError, RetriesExhaustedError } from './lifecycle-errors.js';
import { callbackFailed, emitError, invokeCallback, reportUncaught } from './report-callback.js';
import { createWatchdog } from './watchdog.js';

const DEFAULT_INITIAL_DELAY_MS = 1000;
const DEFAULT_MAX_DELAY_MS = 30_000;

type Interruption = 'close' | 'restart' | 'idle';

function checkOptions(options: EventStreamOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('connectEventStream(options): options must be an object, e.g. { url, onEvent }');
  }
  if (typeof options.onEvent !== 'function') {
    throw new InvalidArgumentError(
      'connectEventStream(options): `onEvent` must be a function receiving each RawSseEvent',
    );
  }
  if (typeof options.url !== 'string' && !(options.url instanceof URL)) {
    throw new InvalidArgumentError('connectEventStream(options): `url` must be a string or a URL');
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') {
    throw new InvalidArgumentError('connectEventStream(options): no global fetch here; pass `fetch` in the options');
  }
  const maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
  if (!Number.isSafeInteger(maxEventSize) || maxEventSize < 1) {
    throw new InvalidArgumentError(
      `connectEventStream(options): \`maxEventSize\` must be a positive integer, got ${String(maxEventSize)}`,
    );
  }
  const durations: Array<[string, unknown]> = [['idleTimeoutMs', options.idleTimeoutMs]];
  if (options.reconnect) {
    for (const key of ['initialDelayMs', 'maxDelayMs', 'maxAttempts', 'maxElapsedMs'] as const) {
      durations.push([`reconnect.${key}`, options.reconnect[key]]);
    }
  }
  for (const [name, value] of durations) {
    if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value) || value < 0)) {
      throw new InvalidArgumentError(
        `connectEventStream(options): \`${name}\` must be a non-negative number, got ${String(value)}`,
      );
    }
  }
}

/** Default `maxEventSize`: 16 Mi characters, far above any sane event, far below a memory problem. */
const DEFAULT_MAX_EVENT_SIZE = 16 * 1024 * 1024;
/**
 * Opens an SSE stream over `fetch` and keeps it open: parses events (spec-exact, see the README),
 * tracks the last event id, reconnects with backoff and `Last-Event-ID`, and stops for good on
 * 204, a terminal error, exhausted retries, `close()` or the `signal`.
 *
 * @example
 * ```ts
 * const connection = connectEventStream({
 *   url: 'https://api.example.com/events',
 *   headers: async () => ({ authorization: `Bearer ${await getToken()}` }),
 *   onEvent: (e) => console.log(e.event, e.data, e.id),
 *   onError: (err) => console.warn(err.code, err.message),
 * });
 * // later
 * connection.close();
 * ```
 */
export function connectEventStream(options: EventStreamOptions): EventStreamConnection {
  checkOptions(options);
  const maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const url = String(options.url);
  const method = (options.method ?? 'GET').toUpperCase();
  const reconnect = options.reconnect === false ? undefined : (options.reconnect ?? {});
  const maxDelayMs = reconnect?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const maxAttempts = reconnect?.maxAttempts ?? Number.POSITIVE_INFINITY;
  const maxElapsedMs = reconnect?.maxElapsedMs ?? Number.POSITIVE_INFINITY;
  let baseDelayMs = reconnect?.initialDelayMs ?? DEFAULT_INITIAL_DELAY_MS;

  let lastEventId = options.lastEventId === '' ? undefined : options.lastEventId;
  let closed = false;
  let interruption: Interruption | undefined;
  // Aborting this interrupts whatever the loop is waiting on: a request, a read or a backoff sleep.
  let phase = new AbortController();

  const interrupt = (why: Interruption) => {
    if (closed) return;
    if (why === 'close') closed = true;
    interruption = why;
    phase.abort(why);
  };
  const onExternalAbort = () => interrupt('close');
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });
  if (options.signal?.aborted) interrupt('close');

  const fail = (error: SsekitError) => emitError(options.onError, error);

  async function attempt(): Promise<{ outcome: AttemptOutcome; progressed: boolean; why: Interruption | undefined }> {
    phase = new AbortController();
    interruption = undefined;
    const signal = phase.signal;
    let progressed = false;
    const watchdog = createWatchdog(options.idleTimeoutMs, () => interrupt('idle'));
    try {
      const outcome = await runAttempt({
        url,
        method,
        fetch: fetchImpl,
        headers: options.headers,
        body: options.body,
        credentials: options.credentials,
        lastEventId,
        signal,
        maxEventSize,
        onActivity: () => watchdog.arm(),
        onPause: () => watchdog.clear(),
        beforeRead: options.beforeRead ? () => options.beforeRead?.() : undefined,
        onOpen: (response) => invokeCallback(options, 'onOpen', response),
        // `interruption` is set exactly when `phase` aborts (see interrupt), and is cheaper to read per event than
        // `signal.aborted`
        onEvent: (event) => {
          if (interruption) return;
          progressed = true;
          // a direct method call: per event, a call by name would cost a keyed lookup
          try {
            options.onEvent(event);
          } catch (cause) {
            callbackFailed(options, 'onEvent', cause);
          }
        },
        onComment: (comment) => {
          if (interruption) return;
          progressed = true;
          invokeCallback(options, 'onComment', comment);
        },
        onRetry: (ms) => {
          if (!interruption) baseDelayMs = ms;
        },
        onLastEventId: (id) => {
          if (!interruption) lastEventId = id;
        },
      });
      return { outcome, progressed, why: interruption };
    } finally {
      watchdog.clear();
    }
  }

  async function run(): Promise<CloseInfo> {
    let attempts = 0;
    let failingSince: number | undefined;
    // A 401 was answered by refreshing credentials, and no event arrived since: the next 401 is terminal.
    let refreshedAuth = false;
    for (;;) {
      if (closed) return { reason: 'aborted' };
      const { outcome, progressed, why } = await attempt();
      if (closed) return { reason: 'aborted' };
      // from here on, a restart() (even from inside a callback below) cuts the backoff wait short
      phase = new AbortController();
      interruption = undefined;
      if (progressed) {
        attempts = 0;
        failingSince = undefined;
        refreshedAuth = false;
      }
      let error: SsekitError | undefined;
      let retryAfterMs: number | undefined;
      switch (outcome.kind) {
        case 'no-content':
          return { reason: 'no-content' };
        case 'interrupted':
          if (why === 'restart') continue;
          error = new IdleTimeoutError(options.idleTimeoutMs ?? 0);
          break;
        case 'failed':
          if (
            options.onUnauthorized &&
            !refreshedAuth &&
            outcome.error instanceof HttpStatusError &&
            outcome.error.status === 401
          ) {
            refreshedAuth = true;
            const refreshed = await refreshAuth(outcome.error);
            if (closed) return { reason: 'aborted' };
            if (refreshed) continue;
          }
          if (!outcome.retryable) {
            fail(outcome.error);
            return { reason: 'terminal-error', error: outcome.error };
          }
          error = outcome.error;
          retryAfterMs = outcome.retryAfterMs;
          break;
        case 'ended':
          break;
      }
      if (error) fail(error);
      if (!reconnect) return error ? { reason: 'closed', error } : { reason: 'closed' };

      attempts += 1;
      const now = Date.now();
      failingSince ??= now;
      const delayMs = retryAfterMs ?? backoffDelay(attempts, baseDelayMs, maxDelayMs);
      const elapsedMs = now - failingSince;
      const limit =
        attempts > maxAttempts ? 'maxAttempts' : elapsedMs + delayMs > maxElapsedMs ? 'maxElapsedMs' : undefined;
      if (limit) {
        const exhausted = new RetriesExhaustedError({ attempts: attempts - 1, elapsedMs, limit, cause: error });
        fail(exhausted);
        return { reason: 'retries-exhausted', error: exhausted };
      }
      invokeCallback(options, 'onRetry', { attempt: attempts, delayMs, error });
      if (closed) return { reason: 'aborted' };
      await sleep(delayMs, phase.signal);
    }
  }

  /** Runs `onUnauthorized`; false (reported as a `CallbackError`) when it threw. */
  async function refreshAuth(error: HttpStatusError): Promise<boolean> {
    try {
      await raceAbort(Promise.resolve(options.onUnauthorized?.(error)), phase.signal);
      return true;
    } catch (cause) {
      if (closed) return false;
      if (phase.signal.aborted) return true; // restart(): reconnect at once, as asked
      fail(new CallbackError('onUnauthorized', cause));
      return false;
    }
  }

  const finish = (info: CloseInfo) => {
    closed = true;
    options.signal?.removeEventListener('abort', onExternalAbort);
    if (!options.onClose) return;
    try {
      options.onClose(info);
    } catch (bug) {
      reportUncaught(bug);
    }
  };

  const done = run().then(finish, (bug: unknown) => {
    // run() handles every expected failure itself; reaching here is a bug in the client
    finish({ reason: 'aborted' });
    reportUncaught(bug);
  });

  return {
    close: () => interrupt('close'),
    restart: () => interrupt('restart'),
    get lastEventId() {
      return lastEventId;
    },
    done,
  };
}
