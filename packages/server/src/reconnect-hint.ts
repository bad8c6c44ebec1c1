import { InvalidArgumentError } from '@ssekit/contract';
import { encodeFrame } from './encode.js';

/**
 * When a stream has lived long enough: it then ends with a `retry:` hint, so the client resumes (with
 * `Last-Event-ID`) on whatever instance the load balancer picks. Useful behind proxies that cut long responses, and to
 * rebalance load after a scale-out.
 *
 * @example
 * ```ts
 * createRouter({ maxLifetime: { ms: 30 * 60_000, jitterRatio: 0.1, reconnectWindowMs: 2_000 } });
 * ```
 */
export interface MaxLifetimeOptions {
  /** The longest a stream stays open, in ms. */
  ms: number;
  /**
   * Each stream ends at a random time between `ms * (1 - jitterRatio)` and `ms`, so streams opened together do not
   * end together. Default 0.1.
   */
  jitterRatio?: number;
  /** The `retry:` hint sent when the stream ends is a random whole number of ms in `[0, reconnectWindowMs]`. Default 1000. */
  reconnectWindowMs?: number;
}

/** A validated {@link MaxLifetimeOptions}. */
export interface LifetimePlan {
  readonly ms: number;
  readonly jitterRatio: number;
  readonly reconnectWindowMs: number;
}

/** Default `maxLifetime.jitterRatio`. */
export const DEFAULT_LIFETIME_JITTER_RATIO = 0.1;
/** Default `maxLifetime.reconnectWindowMs`. */
export const DEFAULT_LIFETIME_RECONNECT_WINDOW_MS = 1000;

/** Checks a `maxLifetime` option; `undefined` when streams live as long as their handler. */
export function lifetimePlan(options: MaxLifetimeOptions | false | undefined): LifetimePlan | undefined {
  if (options === undefined || options === false) return undefined;
  const { ms } = options;
  const jitterRatio = options.jitterRatio ?? DEFAULT_LIFETIME_JITTER_RATIO;
  const reconnectWindowMs = options.reconnectWindowMs ?? DEFAULT_LIFETIME_RECONNECT_WINDOW_MS;
  if (!(ms > 0) || !Number.isFinite(ms)) throw new InvalidArgumentError(`maxLifetime.ms must be positive, got ${ms}`);
  if (!(jitterRatio >= 0 && jitterRatio <= 1)) {
    throw new InvalidArgumentError(`maxLifetime.jitterRatio must be within [0, 1], got ${jitterRatio}`);
  }
  checkWindow('maxLifetime.reconnectWindowMs', reconnectWindowMs);
  return { ms, jitterRatio, reconnectWindowMs };
}

/** Throws unless `value` is a finite number of ms ≥ 0. */
export function checkWindow(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw new InvalidArgumentError(`${name} must be >= 0, got ${value}`);
}

/** A stream's lifetime under a plan: uniform in `[ms * (1 - jitterRatio), ms]`. */
export function lifetimeMs(plan: LifetimePlan, random: () => number = Math.random): number {
  return plan.ms * (1 - plan.jitterRatio * random());
}

/** A whole number drawn uniformly from `[min, max]` (both whole, `min <= max`). */
export function uniformInteger(min: number, max: number, random: () => number = Math.random): number {
  return Math.min(min + Math.floor(random() * (max - min + 1)), max);
}

/** A `retry:` value uniform over the whole numbers in `[0, windowMs]`. */
export function jitteredRetryMs(windowMs: number, random: () => number = Math.random): number {
  return uniformInteger(0, Math.floor(windowMs), random);
}

/**
 * The `Retry-After` (seconds) of a 503 during shutdown: uniform over `[1, ⌈windowMs / 1000⌉]`, so clients refused
 * while the instance drains come back spread over the window as well.
 */
export function shutdownRetryAfterSeconds(windowMs: number, random: () => number = Math.random): number {
  return uniformInteger(1, Math.max(1, Math.ceil(windowMs / 1000)), random);
}

/** The block that sets a client's reconnection delay and dispatches nothing: `retry: <ms>` and a blank line. */
export function retryFrame(ms: number): string {
  return encodeFrame('', undefined, undefined, ms, undefined);
}
