import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../scripts/chromium.ts';
import type { TabLog } from './browser/tab-page.ts';
import { bundlePage, type FeedServer, startFeedServer, until } from './helpers/feed-server.ts';

const hasChromium = chromiumAvailable("the tab-sharing tests (share: 'tabs')");
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let page: string | undefined;
async function start(): Promise<{ server: FeedServer; browser: Browser }> {
  page ??= await bundlePage(new URL('./browser/tab-page.ts', import.meta.url));
  const server = await startFeedServer(page);
  cleanups.push(() => server.close());
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  return { server, browser };
}

const tabLog = (tab: Page) => tab.evaluate(() => window.tabLog);

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("share: 'tabs' in Chromium (two pages of one browser context, a hub with replay)", () => {
  it.skipIf(!hasChromium)(
    'one stream for both tabs; when the leader closes, the other takes over with Last-Event-ID and gets every event once, in order',
    async () => {
      const { server, browser } = await start();
      const context = await browser.newContext();
      const errors: string[] = [];
      const open = async () => {
        const tab = await context.newPage();
        tab.on('pageerror', (error) => errors.push(error.message));
        await tab.goto(`${server.url}/?feed=shared`);
        return tab;
      };
      const publish = (n: number) => server.hub.publish({ feed: 'shared' }, 'tick', { n, text: `tick ${n}` });

      const leader = await open();
      await until(
        () => tabLog(leader),
        (l) => l.snapshot.sharing === 'leader' && l.snapshot.status === 'open',
        'a leader',
      );
      await until(
        () => server.hub.subscriberCount(),
        (n) => n === 1,
        'the leader subscribed',
      );
      const follower = await open();
      await until(
        () => tabLog(follower),
        (l) => l.snapshot.sharing === 'follower' && l.snapshot.status === 'open',
        'a follower that heard the leader',
      );

      for (const n of range(1, 20)) await publish(n);
      await until(
        () => tabLog(follower),
        (l) => l.ticks.length === 20,
        '20 ticks in the follower',
      );
      expect((await tabLog(leader)).ticks).toEqual(range(1, 20));
      expect((await tabLog(follower)).ticks).toEqual(range(1, 20));
      // The server sees exactly one stream for the two tabs.
      expect(server.requests.filter((r) => r.feed === 'shared')).toHaveLength(1);
      expect(server.open('shared')).toBe(1);

      // Keep publishing while the leading tab closes: the events published meanwhile must neither be lost nor repeat.
      let publishing = true;
      let lastPublished = 20;
      const publisher = (async () => {
        for (let n = 21; n <= 200 && publishing; n++) {
          await publish(n);
          lastPublished = n;
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      await until(
        () => tabLog(follower),
        (l) => l.ticks.length >= 40,
        '40 ticks before the leader closes',
      );
      const heardBefore = (await tabLog(follower)).ticks.length;
      const closedAt = performance.now();
      const closedAtWall = performance.timeOrigin + closedAt;
      await leader.close();
      const after = await until(
        () => tabLog(follower),
        (l) => l.snapshot.sharing === 'leader' && l.snapshot.status === 'open',
        'the takeover',
      );
      const takeover = server.requests.filter((r) => r.feed === 'shared')[1];
      await until(
        () => tabLog(follower),
        (l) => l.ticks.length >= 120,
        '120 ticks',
      );
      publishing = false;
      await publisher;
      const { ticks, decoded } = await until(
        () => tabLog(follower),
        (l) => l.ticks.length >= lastPublished,
        'every tick',
      );
      expect(ticks).toEqual(range(1, lastPublished));
      expect(decoded).toBe(true);
      expect(ticks.length).toBeGreaterThan(heardBefore);

      const requests = server.requests.filter((r) => r.feed === 'shared');
      expect(requests).toHaveLength(2);
      expect(takeover?.lastEventId).toMatch(/^[^-]+-\d+-\d+$/);
      expect(server.open('shared')).toBe(1);
      expect(errors).toEqual([]);

      const measured = {
        closeToRequestMs: Math.round((takeover?.at ?? Number.NaN) - closedAt),
        closeToLeaderMs: Math.round((after.ledAt ?? Number.NaN) - closedAtWall),
        eventsDuringTakeover: ticks.length - heardBefore,
      };
      console.log(`[tab sharing] takeover after the leading tab closed: ${JSON.stringify(measured)}`);
      const artifacts = resolve(import.meta.dirname, '../../../test-artifacts');
      mkdirSync(artifacts, { recursive: true });
      writeFileSync(resolve(artifacts, 'tab-takeover.json'), `${JSON.stringify(measured, null, 2)}\n`);
    },
    60_000,
  );

  it.skipIf(!hasChromium)('without Web Locks, each tab keeps a stream of its own', async () => {
    const { server, browser } = await start();
    const context = await browser.newContext();
    await context.addInitScript(() => {
      // biome-ignore lint/suspicious/noExplicitAny: removing a browser API the page must do without
      delete (Navigator.prototype as any).locks;
    });
    const tabs = [await context.newPage(), await context.newPage()];
    for (const tab of tabs) await tab.goto(`${server.url}/?feed=solo`);
    for (const tab of tabs)
      await until(
        () => tabLog(tab),
        (l) => l.snapshot.status === 'open',
        'open',
      );
    await until(
      () => server.open('solo'),
      (n) => n === 2,
      'two streams',
    );
    await server.hub.publish({ feed: 'solo' }, 'tick', { n: 1, text: 'one' });
    for (const tab of tabs) {
      const log: TabLog = await until(
        () => tabLog(tab),
        (l) => l.ticks.length === 1,
        'the tick',
      );
      expect(log.snapshot.sharing).toBe('off');
    }
  });
});
