import { SsekitError } from '@ssekit/contract';

/**
 * Why a {@link TestStreamError} was thrown.
 *
 * @example
 * ```ts
 * const reason: TestStreamFailure = 'timeout';
 * ```
 */
export type TestStreamFailure = 'refused' | 'ended' | 'timeout' | 'destroyed';

/**
 * A test stream could not give what was asked: the route answered with a status instead of a stream (`refused`), the
 * stream ended first (`ended`), nothing arrived in time (`timeout`), or the server cut the stream (`destroyed`: slow
 * consumer, shutdown). The message says how many events were read before it.
 *
 * @example
 * ```ts
 * await stream.next().catch((e) => e instanceof TestStreamError && e.reason === 'ended'); // true after the last event
 * ```
 */
export class TestStreamError extends SsekitError<'TEST_STREAM'> {
  /** What went wrong. */
  readonly reason: TestStreamFailure;
  constructor(reason: TestStreamFailure, message: string, options?: { cause?: unknown }) {
    super('TEST_STREAM', message, options);
    this.reason = reason;
  }
}
