// Recipe (b) of docs/auth.md in Chromium: a page on one origin, the stream on another (same site, another port), the
// session cookie sent with `credentials: 'include'`, CORS answered with credentials, a reconnect with Last-Event-ID
// (which needs a preflight) carrying the cookie too.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpError, implement } from '@ssekit/server';
import { createHub, createMemoryReplayStore } from '@ssekit/server/broadcast';
import { createNodeHandler } from '@ssekit/server/node';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../scripts/chromium.ts';
import type { CookieLog } from './browser/cookie-page.ts';
import { feedContract } from './fixtures/feed/contract.ts';
import { bundlePage, until } from './helpers/feed-server.ts';

const hasChromium = chromiumAvailable('the cookie-session recipe test');
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('recipe (b): cookie session across origins, in Chromium', () => {
  it.skipIf(!hasChromium)(
    "credentials: 'include' sends the session cookie, also on the reconnect; without it the stream gets 401",
    async () => {
      const script = await bundlePage(new URL('./browser/cookie-page.ts', import.meta.url));
      const pageOrigin = await listen((_req, res) => {
        const path = (_req.url ?? '/').split('?')[0];
        if (path === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
        else {
          res
            .writeHead(200, { 'content-type': 'text/html' })
            .end('<!doctype html><title>cookie</title><script type="module" src="/page.js"></script>');
        }
      });

      // The API: the session cookie checked in beforeStream, then the hub.
      const sessions = new Map([['s3cr3t', 'ada']]);
      const cookies: (string | undefined)[] = [];
      const hub = createHub(feedContract.feed, { store: createMemoryReplayStore() });
      cleanups.push(() => hub.close());
      const feed = hub.implementation();
      const router = implement(feedContract, {
        feed: {
          beforeStream: async (ctx) => {
            const sid = /(?:^|;\s*)sid=([^;]+)/.exec(ctx.request.headers.cookie ?? '')?.[1];
            cookies.push(ctx.request.headers.cookie);
            if (sid === undefined || !sessions.has(sid)) throw new HttpError(401);
            await feed.beforeStream(ctx);
          },
          handler: feed.handler,
        },
      });
      cleanups.push(() => router.closeAll());
      const sse = createNodeHandler(router);
      const lastEventIds: (string | undefined)[] = [];
      const api = await listen((req, res) => {
        // CORS with credentials: the exact origin (never `*`), and a preflight for `Last-Event-ID` on reconnects.
        res.setHeader('access-control-allow-origin', pageOrigin);
        res.setHeader('access-control-allow-credentials', 'true');
        res.setHeader('vary', 'origin');
        if (req.method === 'OPTIONS') {
          res
            .writeHead(204, {
              'access-control-allow-methods': 'GET',
              'access-control-allow-headers': 'last-event-id',
              'access-control-max-age': '0',
            })
            .end();
          return;
        }
        lastEventIds.push(req.headers['last-event-id'] as string | undefined);
        sse(req, res);
      });

      const browser = await launchChromium();
      cleanups.push(() => browser.close());
      const context = await browser.newContext();
      // What the login did: a session cookie for the API's host (cookies do not depend on the port).
      await context.addCookies([{ name: 'sid', value: 's3cr3t', domain: '127.0.0.1', path: '/', httpOnly: true }]);
      const errors: string[] = [];
      const open = async (query: string) => {
        const tab = await context.newPage();
        tab.on('pageerror', (error) => errors.push(error.message));
        await tab.goto(`${pageOrigin}/?api=${encodeURIComponent(api)}${query}`);
        return tab;
      };
      const logOf = (tab: Awaited<ReturnType<typeof open>>) => tab.evaluate(() => window.cookieLog as CookieLog);

      const withCookie = await open('&credentials=include');
      await until(
        () => hub.subscriberCount(),
        (n) => n === 1,
        'the subscription',
      );
      await hub.publish({ feed: 'inbox' }, 'tick', { n: 1, text: 'one' });
      await until(
        () => logOf(withCookie),
        (l) => l.ticks.length === 1,
        'the first tick',
      );
      // Cut the stream; a tick published meanwhile arrives through the replay of the reconnect.
      router.closeAll();
      await hub.publish({ feed: 'inbox' }, 'tick', { n: 2, text: 'two' });
      await until(
        () => logOf(withCookie),
        (l) => l.ticks.length === 2 && l.opens === 2,
        'the reconnect',
      );
      expect((await logOf(withCookie)).ticks).toEqual([1, 2]);
      expect(cookies.slice(0, 2)).toEqual(['sid=s3cr3t', 'sid=s3cr3t']);
      expect(lastEventIds[0]).toBeUndefined();
      expect(lastEventIds[1]).toMatch(/-/);

      const withoutCookie = await open('');
      await until(
        () => logOf(withoutCookie),
        (l) => l.closed !== undefined,
        'the refused stream to end',
      );
      expect((await logOf(withoutCookie)).closed).toEqual({ reason: 'terminal-error', status: 401 });
      expect(cookies.at(-1)).toBeUndefined();
      expect(errors).toEqual([]);
    },
    60_000,
  );
});
