/**
 * An idle timer: `arm()` (re)starts it, `clear()` stops it; `onIdle` runs when `ms` pass
 * without an `arm()`. With `ms` undefined or not positive it does nothing at all.
 *
 * @example
 * ```ts
 * const watchdog = createWatchdog(30_000, () => controller.abort());
 * watchdog.arm(); // on every chunk received
 * ```
 */
export function createWatchdog(ms: number | undefined, onIdle: () => void): { arm(): void; clear(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const clear = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  if (ms === undefined || !(ms > 0) || !Number.isFinite(ms)) return { arm() {}, clear };
  return {
    arm() {
      clear();
      timer = setTimeout(() => {
        timer = undefined;
        onIdle();
      }, ms);
    },
    clear,
  };
}
