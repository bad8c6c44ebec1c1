import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../scripts/chromium.ts';
import { bundlePage, type FeedServer, startFeedServer, until } from '../../client/tests/helpers/feed-server.ts';
import type { FeedProps, HookLog } from './browser/page.tsx';
import { countTimers } from './browser/timers.ts';

const hasChromium = chromiumAvailable('the @ssekit/react hook tests');

// The same page, bundled with React 19 (the repository's) and with React 18 (the tests/react18 workspace).
describe.each([19, 18] as const)('useEventStream in Chromium with React %i, against a hub with replay', (react) => {
  let server: FeedServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    if (!hasChromium) return;
    server = await startFeedServer(await bundlePage(new URL('./browser/page.tsx', import.meta.url), { react }));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    expect(errors).toEqual([]);
    await page?.close();
  });

  async function openPage(): Promise<void> {
    page = await browser.newPage();
    errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(countTimers);
    await page.goto(`${server.url}/`);
    expect(await page.evaluate(() => window.harness.react)).toMatch(new RegExp(`^${react}\\.`));
  }
  const text = () => page.evaluate(() => window.harness.text());
  const log = () => page.evaluate((): HookLog => window.harness.log);
  const requests = (feed: string) => server.requests.filter((r) => r.feed === feed).length;
  const tick = (feed: string, n: number) => server.hub.publish({ feed }, 'tick', { n, text: `tick ${n}` });
  const mount = (props: FeedProps, strict: boolean) =>
    page.evaluate(([p, s]) => window.harness.mountFeed(p, s), [props, strict] as const);
  const rerender = (props: FeedProps) => page.evaluate((p) => window.harness.renderFeed(p), props);

  it.skipIf(!hasChromium)(
    'StrictMode: one connection; typed events render; unmount aborts the stream and leaves no timer',
    async () => {
      await openPage();
      const timersBefore = await page.evaluate(() => window.harness.pendingTimers());
      await mount({ feed: 'strict' }, true);
      await until(text, (t) => t.startsWith('open|'), 'open');
      await until(
        () => server.open('strict'),
        (n) => n === 1,
        'the stream on the server',
      );
      for (const n of [1, 2, 3]) await tick('strict', n);
      expect(await until(text, (t) => t.startsWith('open|3|'), 'tick 3')).toBe('open|3|tick 3');
      expect((await log()).handled).toEqual(['0:1', '0:2', '0:3']);
      expect(requests('strict')).toBe(1);

      await page.evaluate(() => window.harness.unmount());
      await until(
        () => server.open('strict'),
        (n) => n === 0,
        'the server to see the stream end',
      );
      expect(requests('strict')).toBe(1);
      await new Promise((r) => setTimeout(r, 100));
      expect(await page.evaluate(() => window.harness.pendingTimers())).toBeLessThanOrEqual(timersBefore);
    },
    30_000,
  );

  it.skipIf(!hasChromium)(
    'a new handler or an equal request never reconnects; a changed request reconnects once',
    async () => {
      await openPage();
      await mount({ feed: 'h1', tag: 0 }, false);
      await until(text, (t) => t.startsWith('open|'), 'open');
      for (const tag of [1, 2, 3, 4, 5]) await rerender({ feed: 'h1', tag });
      await tick('h1', 1);
      await until(text, (t) => t.startsWith('open|1|'), 'tick 1');
      // the latest handler ran, and the many renders (new request objects, new handlers) opened nothing more
      expect((await log()).handled).toEqual(['5:1']);
      expect(requests('h1')).toBe(1);

      await rerender({ feed: 'h2', tag: 6 });
      await until(
        () => server.open('h2'),
        (n) => n === 1,
        'the new stream',
      );
      await until(
        () => server.open('h1'),
        (n) => n === 0,
        'the old stream to close',
      );
      await tick('h2', 7);
      await until(text, (t) => t.startsWith('open|7|'), 'tick 7 of h2');
      expect(requests('h1')).toBe(1);
      expect(requests('h2')).toBe(1);
      expect((await log()).handled).toEqual(['5:1', '6:7']);
      await page.evaluate(() => window.harness.unmount());
      await until(
        () => server.open('h2'),
        (n) => n === 0,
        'unmounted',
      );
    },
    30_000,
  );

  it.skipIf(!hasChromium)('enabled: false opens nothing; enabling opens one stream', async () => {
    await openPage();
    await mount({ feed: 'off', enabled: false }, true);
    await new Promise((r) => setTimeout(r, 200));
    expect(await text()).toBe('closed|-|');
    expect(requests('off')).toBe(0);
    await rerender({ feed: 'off', enabled: true });
    await until(text, (t) => t.startsWith('open|'), 'open');
    expect(requests('off')).toBe(1);
    await page.evaluate(() => window.harness.unmount());
    await until(
      () => server.open('off'),
      (n) => n === 0,
      'unmounted',
    );
  });

  it.skipIf(!hasChromium)(
    'TanStack Query: useQuery(eventStreamQuery(…)) renders the live list and the reduced value; unmount aborts',
    async () => {
      await openPage();
      await page.evaluate(() => window.harness.mountQuery('q'));
      // two queries (all events, latest text) on one route: each holds its stream while mounted
      await until(
        () => server.open('q'),
        (n) => n === 2,
        'both query streams',
      );
      for (const n of [1, 2, 3, 4]) await tick('q', n);
      // The two queries update independently: wait for both (the list and the reduced latest text).
      expect(await until(text, (t) => t === 'success|1,2,3,4|tick 4', 'four ticks in both queries')).toBe(
        'success|1,2,3,4|tick 4',
      );
      await page.evaluate(() => window.harness.unmount());
      await until(
        () => server.open('q'),
        (n) => n === 0,
        'the query streams to be aborted',
      );
    },
    30_000,
  );
});
