import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags every browser test uses (no sandbox as root, no background network on a closed machine). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the browser tests can run. Under `CI` a missing Chromium throws (the tests fail, never skip); locally it
 * warns loudly and the caller skips.
 *
 * @example
 * ```ts
 * const hasChromium = chromiumAvailable('the docs page tests');
 * it.skipIf(!hasChromium)('renders', async () => { const browser = await launchChromium(); … });
 * ```
 */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM_PATH} is missing: ${what} must run in real Chromium in CI`);
  console.warn(`\n!!! ${CHROMIUM_PATH} is missing: SKIPPING ${what} (they fail under CI) !!!\n`);
  return false;
}

/** Launches Debian's Chromium headless with {@link CHROMIUM_ARGS}. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
