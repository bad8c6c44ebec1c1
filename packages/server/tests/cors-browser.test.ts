import { createServer, type Server } from 'node:http';
import { defineContract } from '@ssekit/contract';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { chromiumAvailable, launchChromium } from '../../../scripts/chromium.ts';
import { createNodeHandler, type RunningServer, serve } from '../src/adapters/node/index.ts';
import { type CorsOptions, implement } from '../src/index.ts';
import { closeServer } from './adapters-support.ts';
import { parseEvents } from './conformance/http-client.ts';

const hasChromium = chromiumAvailable('the cross-origin (CORS) browser tests');

const contract = defineContract({
  ask: {
    method: 'POST',
    path: '/ask',
    body: z.object({ q: z.string() }),
    events: { answer: z.object({ q: z.string(), trace: z.string() }) },
  },
  feed: { path: '/feed', events: { tick: z.number() } },
});

/** An SSE server on 127.0.0.2 (another origin than the page's 127.0.0.1), recording the methods it saw. */
async function sseServer(cors: CorsOptions) {
  const methods: string[] = [];
  const handler = vi.fn();
  const router = implement(
    contract,
    {
      ask: async (session) => {
        handler();
        const trace = (session.request.headers as Record<string, string>)['x-trace'] ?? '';
        for (let i = 0; i < 3; i++) await session.send('answer', { q: `${session.body.q} ${i}`, trace });
      },
      feed: async (session) => {
        handler();
        await session.send('tick', 1);
      },
    },
    { heartbeat: false, cors },
  );
  const nodeHandler = createNodeHandler(router);
  const running: RunningServer = await serve(router, {
    host: '127.0.0.2',
    handler: (req, res, next) => {
      methods.push(req.method ?? '');
      nodeHandler(req, res, next);
    },
  });
  return { running, methods, handler };
}

/** What the page got from a cross-origin POST stream with a custom header: the body, or the fetch error. */
function postFromPage(page: Page, url: string, headers: Record<string, string>) {
  return page.evaluate(
    async ([target, extra]) => {
      try {
        const response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...extra },
          body: JSON.stringify({ q: 'hi' }),
        });
        return { status: response.status, body: await response.text(), error: undefined };
      } catch (error) {
        return { status: 0, body: '', error: String(error) };
      }
    },
    [url, headers] as const,
  );
}

describe('CORS in Chromium: a cross-origin POST stream with a custom header', () => {
  let pageServer: Server;
  let pageOrigin: string;
  let browser: Browser;
  let page: Page;
  const servers: RunningServer[] = [];

  beforeAll(async () => {
    if (!hasChromium) return;
    pageServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>app</title><p>app</p>');
    });
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://127.0.0.1:${(pageServer.address() as { port: number }).port}`;
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${pageOrigin}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const running of servers) await running.close({ reconnectWindowMs: 0, drainMs: 500 });
    if (pageServer) await closeServer(pageServer);
  });

  it.skipIf(!hasChromium)(
    'allowed origin and header: the preflight passes and the page reads every event',
    async () => {
      const sse = await sseServer({ origin: [pageOrigin], allowedHeaders: ['X-Trace'] });
      servers.push(sse.running);
      const result = await postFromPage(page, `${sse.running.url}/ask`, { 'x-trace': 't-1' });
      expect(result.error).toBeUndefined();
      expect(result.status).toBe(200);
      expect(parseEvents(result.body).events.map((e) => JSON.parse(e.data))).toEqual([
        { q: 'hi 0', trace: 't-1' },
        { q: 'hi 1', trace: 't-1' },
        { q: 'hi 2', trace: 't-1' },
      ]);
      // Chromium asked first (JSON body and a custom header need a preflight), then posted.
      expect(sse.methods).toEqual(['OPTIONS', 'POST']);
      expect(sse.handler).toHaveBeenCalledTimes(1);
    },
    30_000,
  );

  it.skipIf(!hasChromium)(
    'another origin: the preflight is refused, the fetch fails in the page, and the handler never runs',
    async () => {
      const sse = await sseServer({ origin: ['http://app.example.invalid'], allowedHeaders: ['X-Trace'] });
      servers.push(sse.running);
      const result = await postFromPage(page, `${sse.running.url}/ask`, { 'x-trace': 't-2' });
      expect(result.error).toMatch(/TypeError|Failed to fetch/);
      expect(sse.methods).toEqual(['OPTIONS']);
      expect(sse.handler).not.toHaveBeenCalled();
    },
    30_000,
  );

  it.skipIf(!hasChromium)(
    'a simple cross-origin GET (no preflight) from another origin gets 403 before the handler runs',
    async () => {
      const sse = await sseServer({ origin: ['http://app.example.invalid'] });
      servers.push(sse.running);
      const result = await page.evaluate(async (target) => {
        try {
          return String((await fetch(target)).status);
        } catch (error) {
          return String(error);
        }
      }, `${sse.running.url}/feed`);
      expect(result).toMatch(/TypeError|Failed to fetch/);
      expect(sse.methods).toEqual(['GET']);
      expect(sse.handler).not.toHaveBeenCalled();
      // From the allowed origin the same GET streams.
      const allowed = await sseServer({ origin: [pageOrigin] });
      servers.push(allowed.running);
      const body = await page.evaluate(async (target) => (await fetch(target)).text(), `${allowed.running.url}/feed`);
      expect(parseEvents(body).events.map((e) => e.data)).toEqual(['1']);
    },
    30_000,
  );

  it.skipIf(!hasChromium)(
    'allowed origin but a header the policy does not allow: refused the same way',
    async () => {
      const sse = await sseServer({ origin: [pageOrigin] });
      servers.push(sse.running);
      const result = await postFromPage(page, `${sse.running.url}/ask`, { 'x-trace': 't-3' });
      expect(result.error).toMatch(/TypeError|Failed to fetch/);
      expect(sse.handler).not.toHaveBeenCalled();
      // Last-Event-ID (resuming) is always allowed.
      const resumed = await postFromPage(page, `${sse.running.url}/ask`, { 'last-event-id': '41' });
      expect(resumed.status).toBe(200);
      expect(sse.handler).toHaveBeenCalledTimes(1);
    },
    30_000,
  );
});
