/**
 * Parses an HTTP `Retry-After` value: delay-seconds or an HTTP-date. Returns milliseconds from
 * `now`, never negative, or `undefined` when the header is missing or malformed.
 *
 * @example
 * ```ts
 * parseRetryAfter('120');                           // 120000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT'); // ms until then (0 if past)
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // every HTTP-date form starts with a day name; this rejects "1.5", "-3" and other junk Date.parse accepts
  if (!/^[A-Za-z]/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
