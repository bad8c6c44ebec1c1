import type { SsekitError } from '@ssekit/contract/errors';
import type { EventStreamOptions } from './event-stream-types.js';
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

/** The callbacks {@link invokeCallback} calls, by name, each with its one argument. */
type StreamCallbacks = Pick<EventStreamOptions, 'onOpen' | 'onEvent' | 'onComment' | 'onRetry' | 'onError'>;
type CallbackName = Exclude<keyof StreamCallbacks, 'onError'>;

/**
 * Calls one of a stream's callbacks as a method of its options (so a class's own method serves every stream as one
 * function); if it throws, the stream goes on and the throw is reported to `onError` as a {@link CallbackError} (or as
 * uncaught when there is no `onError`).
 *
 * @example
 * ```ts
 * invokeCallback(options, 'onEvent', event);
 * ```
 */
export function invokeCallback<Name extends CallbackName>(
  options: StreamCallbacks,
  name: Name,
  arg: Parameters<NonNullable<StreamCallbacks[Name]>>[0],
): void {
  try {
    (options[name] as ((arg: unknown) => void) | undefined)?.(arg);
  } catch (cause) {
    callbackFailed(options, name, cause);
  }
}

/**
 * What {@link invokeCallback} does when the callback threw, for a hot path that calls its callback itself: `cause` goes
 * to `onError` as a {@link CallbackError}, or is reported as uncaught when there is no `onError`.
 *
 * @example
 * ```ts
 * try { options.onEvent(event); } catch (cause) { callbackFailed(options, 'onEvent', cause); }
 * ```
 */
export function callbackFailed(options: StreamCallbacks, name: CallbackName, cause: unknown): void {
  if (options.onError) emitError(options.onError, new CallbackError(name, cause));
  else reportUncaught(cause);
}
