/**
 * Exponential backoff with full jitter: a uniformly random delay in
 * `[0, min(maxMs, baseMs * 2^(attempt-1))]`. Full jitter spreads a crowd of clients that lost
 * the same server, instead of having them return in waves.
 *
 * @example
 * ```ts
 * backoffDelay(3, 1000, 30_000); // somewhere in [0, 4000]
 * ```
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 52);
  const ceiling = Math.min(maxMs, baseMs * 2 ** exponent);
  return Math.round(random() * Math.max(ceiling, 0));
}
