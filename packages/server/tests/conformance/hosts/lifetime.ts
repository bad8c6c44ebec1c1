import process from 'node:process';

/**
 * Ends a host process that the test process started once its parent is gone (stdin closes) and, in any case, after
 * `hardStopMs`: a crashed test run never leaves a server behind.
 *
 * @example
 * ```ts
 * exitWithParent(10 * 60_000);
 * ```
 */
export function exitWithParent(hardStopMs: number): void {
  const hardStop = setTimeout(() => process.exit(0), hardStopMs);
  (hardStop as { unref?: () => void }).unref?.();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}
