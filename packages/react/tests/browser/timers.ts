/**
 * Counts the timers a page has pending (set, neither fired nor cleared). Installed with `page.addInitScript`, so it
 * runs before any script of the page: every timer React, TanStack Query or ssekit sets is counted.
 */
export function countTimers(): void {
  const pending = new Set<unknown>();
  const { setTimeout: set, clearTimeout: clear, setInterval: every, clearInterval: stop } = window;

  window.setTimeout = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
    const id = set(
      (...inner: unknown[]) => {
        pending.delete(id);
        if (typeof handler === 'function') handler(...inner);
      },
      ms,
      ...args,
    );
    pending.add(id);
    return id;
  }) as typeof window.setTimeout;
  window.clearTimeout = ((id?: number) => {
    pending.delete(id);
    clear(id);
  }) as typeof window.clearTimeout;
  window.setInterval = ((handler: TimerHandler, ms?: number, ...args: unknown[]) => {
    const id = every(handler, ms, ...args);
    pending.add(id);
    return id;
  }) as typeof window.setInterval;
  window.clearInterval = ((id?: number) => {
    pending.delete(id);
    stop(id);
  }) as typeof window.clearInterval;
  window.pendingTimers = () => pending.size;
}

declare global {
  interface Window {
    /** Timers set and still pending. */
    pendingTimers(): number;
  }
}
