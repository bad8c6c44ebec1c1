import { SsekitError } from '@ssekit/contract/errors';

/**
 * The stream was stopped through the caller's `AbortSignal`. `streamRoute` throws it from the
 * iterator; the signal's reason is the `cause`.
 *
 * @example
 * ```ts
 * try { for await (const e of stream) use(e); } catch (err) { if (err instanceof AbortedError) return; throw err; }
 * ```
 */
export class AbortedError extends SsekitError<'ABORTED'> {
  constructor(reason?: unknown) {
    super('ABORTED', 'the event stream was aborted by its AbortSignal', { cause: reason });
  }
}

/**
 * A `for await` loop over `streamRoute` fell `limit` events behind the stream, with `onOverflow: 'error'` (the
 * connection is closed; the buffered events are still yielded, then the iterator throws this) or `'drop-oldest'`
 * (reported once each time the buffer fills; the oldest buffered events are dropped while it stays full).
 *
 * @example
 * ```ts
 * try { for await (const e of stream) await slowWork(e); }
 * catch (err) { if (err instanceof BufferOverflowError) console.warn(`fell ${err.limit} events behind`); }
 * ```
 */
export class BufferOverflowError extends SsekitError<'BUFFER_OVERFLOW'> {
  /** The `maxBufferedEvents` that was reached. */
  readonly limit: number;
  /** What the client did about it. */
  readonly policy: 'error' | 'drop-oldest';

  constructor(limit: number, policy: 'error' | 'drop-oldest') {
    super(
      'BUFFER_OVERFLOW',
      `the loop fell ${limit} events (maxBufferedEvents) behind the stream; onOverflow: ${policy}`,
    );
    this.limit = limit;
    this.policy = policy;
  }
}

/**
 * Nothing at all (not even a comment) arrived for `idleTimeoutMs`; the client drops the
 * connection and reconnects.
 *
 * @example
 * ```ts
 * connectEventStream({ url, idleTimeoutMs: 45_000, onEvent, onError: (e) => console.warn(e.message) });
 * ```
 */
export class IdleTimeoutError extends SsekitError<'IDLE_TIMEOUT'> {
  /** The configured timeout. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super('IDLE_TIMEOUT', `no data received for ${timeoutMs} ms; reconnecting`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Reconnection gave up: `maxAttempts` or `maxElapsedMs` was reached. The last failure is the `cause`
 * (`undefined` when the server kept ending the stream cleanly).
 *
 * @example
 * ```ts
 * onClose({ reason, error }) { if (reason === 'retries-exhausted') console.error(error?.cause); }
 * ```
 */
export class RetriesExhaustedError extends SsekitError<'RETRIES_EXHAUSTED'> {
  /** Reconnect attempts made since the last successful connection. */
  readonly attempts: number;
  /** Milliseconds since the first failure of this run of failures. */
  readonly elapsedMs: number;

  constructor(init: { attempts: number; elapsedMs: number; limit: 'maxAttempts' | 'maxElapsedMs'; cause: unknown }) {
    const last = init.cause instanceof Error ? `; last error: ${init.cause.message}` : '';
    super(
      'RETRIES_EXHAUSTED',
      `gave up reconnecting after ${init.attempts} attempt${init.attempts === 1 ? '' : 's'} over ${init.elapsedMs} ms (${init.limit} reached)${last}`,
      { cause: init.cause },
    );
    this.attempts = init.attempts;
    this.elapsedMs = init.elapsedMs;
  }
}

/**
 * A function you passed to the client threw: an event handler, `onOpen`, or the `headers`
 * function. Reported through `onError`; a throwing handler never stops the stream, and a
 * throwing `headers` function counts as a failed attempt (with backoff). The thrown value is the `cause`.
 *
 * @example
 * ```ts
 * onError(err) { if (err instanceof CallbackError) reportBug(err.cause); }
 * ```
 */
export class CallbackError extends SsekitError<'CALLBACK'> {
  /** Which callback threw, e.g. `onEvent` or `headers`. */
  readonly callback: string;

  constructor(callback: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('CALLBACK', `the ${callback} callback threw: ${detail}`, { cause });
    this.callback = callback;
  }
}

/**
 * An error the leading tab's connection reported, as the other tabs of a shared stream (`share: 'tabs'`) see it: the
 * leader's error crossed a BroadcastChannel as its code and message, so it arrives as this class.
 *
 * @example
 * ```ts
 * if (snapshot.error instanceof SharedStreamError) console.warn('leader:', snapshot.error.leaderCode);
 * ```
 */
export class SharedStreamError extends SsekitError<'SHARED_STREAM'> {
  /** The `code` of the error in the leading tab, e.g. `NETWORK`. */
  readonly leaderCode: string;

  constructor(leaderCode: string, message: string) {
    super('SHARED_STREAM', `the tab leading the shared stream reported ${leaderCode}: ${message}`);
    this.leaderCode = leaderCode;
  }
}
