type TimerFn = (handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => unknown;
type ClearFn = (handle: unknown) => void;

/**
 * Counts the timers alive in this runtime by wrapping the global timer functions (installed once, before the code
 * under test runs). Bun's `process.getActiveResourcesInfo()` returns nothing and workerd has no such call, so the
 * hosts outside Node count for themselves: a timeout is alive until it fires or is cleared, an interval until cleared.
 *
 * @example
 * ```ts
 * const liveTimers = installTimerCensus();
 * liveTimers(); // 0
 * ```
 */
export function installTimerCensus(): () => number {
  const g = globalThis as unknown as Record<string, unknown> & { [census]?: () => number };
  const installed = g[census];
  if (installed) return installed;
  const live = new Set<unknown>();
  const setTimeoutFn = globalThis.setTimeout as unknown as TimerFn;
  const setIntervalFn = globalThis.setInterval as unknown as TimerFn;
  const clearTimeoutFn = globalThis.clearTimeout as unknown as ClearFn;
  const clearIntervalFn = globalThis.clearInterval as unknown as ClearFn;
  g.setTimeout = (handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle = setTimeoutFn(
      (...callArgs: unknown[]) => {
        live.delete(handle);
        handler(...callArgs);
      },
      ms,
      ...args,
    );
    live.add(handle);
    return handle;
  };
  g.setInterval = (handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const handle = setIntervalFn(handler, ms, ...args);
    live.add(handle);
    return handle;
  };
  g.clearTimeout = (handle: unknown) => {
    live.delete(handle);
    clearTimeoutFn(handle);
  };
  g.clearInterval = (handle: unknown) => {
    live.delete(handle);
    clearIntervalFn(handle);
  };
  const count = () => live.size;
  g[census] = count;
  return count;
}

const census = Symbol.for('ssekit.tests.timerCensus');
