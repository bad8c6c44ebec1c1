import type { SsekitError } from '@ssekit/contract/errors';
import { CallbackError } from './lifecycle-errors.js';

/**
 * Rethrows `error` outside the client's own call stack, so a bug in an error handler surfaces
 * as an uncaught error (like a throwing DOM event listener) instead of vanishing.
 *
 * @example
 * ```ts
 * try { onError(e); } catch (bug) { reportUncaught(bug); }
 * ```
 */
export function reportUncaught(error: unknown): void {
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else
    queueMicrotask(() => {
      throw error;
    });
}

/**
 * Delivers an error to `onError`; a throwing `onError` is reported as uncaught.
 *
 * @example
 * ```ts
 * emitError(options.onError, new IdleTimeoutError(30_000));
 * ```
 */
export function emitError(onError: ((error: SsekitError) => void) | undefined, error: SsekitError): void {
  if (!onError) return;
  try {
    onError(error);
  } catch (bug) {
    reportUncaught(bug);
  }
}

/**
 * Calls a user callback; if it throws, the stream goes on and the throw is reported to
 * `onError` as a {@link CallbackError} (or as uncaught when there is no `onError`).
 *
 * @example
 * ```ts
 * invokeCallback('onEvent', options.onEvent, options.onError, event);
 * ```
 */
export function invokeCallback<A, B = undefined>(
  name: string,
  callback: ((a: A, b: B) => void) | undefined,
  onError: ((error: SsekitError) => void) | undefined,
  a: A,
  b?: B,
): void {
  if (!callback) return;
  // Fixed arity, no rest array: this runs once per event, so it allocates nothing on the happy path.
  try {
    callback(a, b as B);
  } catch (cause) {
    if (onError) emitError(onError, new CallbackError(name, cause));
    else reportUncaught(cause);
  }
}
