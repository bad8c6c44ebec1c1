/**
 * Does nothing: the rejection handler of a promise whose outcome nobody needs.
 *
 * @example
 * ```ts
 * response.body?.cancel().catch(noop);
 * ```
 */
export const noop = (): void => {};

/**
 * Settles like `promise`, but rejects with `signal.reason` as soon as `signal` aborts — for a
 * custom `fetch` or body stream that ignores the signal. A value that arrives after the abort
 * is handed to `onLate` (e.g. to cancel a response body nobody will read).
 *
 * @example
 * ```ts
 * const response = await raceAbort(fetch(url), signal, (late) => late.body?.cancel());
 * ```
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, onLate?: (value: T) => void): Promise<T> {
  const late = (value: T) => onLate?.(value);
  if (signal.aborted) {
    promise.then(late, noop);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      promise.then(late, noop);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Waits `ms`, or less if `signal` aborts; never rejects, and leaves no timer behind after an abort.
 *
 * @example
 * ```ts
 * await sleep(backoff, controller.signal);
 * ```
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
