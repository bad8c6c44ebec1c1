import type { SsekitError } from '@ssekit/contract/errors';
import type { RawSseEvent } from './raw-event.js';

/**
 * The outcome of decoding one event: a value, or the error to report (the stream goes on either way).
 *
 * @example
 * ```ts
 * const result: DecodeResult<number> = ok(42);
 * ```
 */
export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: SsekitError };

/**
 * Turns one event's data into a typed value: deserialize, then validate.
 *
 * @example
 * ```ts
 * const text: EventDecoder<string> = (data) => ok(data);
 * ```
 */
export type EventDecoder<T = unknown> = (data: string, raw: RawSseEvent) => DecodeResult<T>;

/**
 * A successful {@link DecodeResult}.
 *
 * @example
 * ```ts
 * const decode: EventDecoder<number> = (data) => ok(Number(data));
 * ```
 */
export function ok<T>(value: T): DecodeResult<T> {
  return { ok: true, value };
}

/**
 * A failed {@link DecodeResult}; the error goes to `onError` and the stream continues.
 *
 * @example
 * ```ts
 * const decode: EventDecoder<unknown> = (data, raw) => {
 *   try { return ok(JSON.parse(data)); } catch (cause) { return fail(new ParseError(raw, cause)); }
 * };
 * ```
 */
export function fail(error: SsekitError): DecodeResult<never> {
  return { ok: false, error };
}
