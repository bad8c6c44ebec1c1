import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createNodeHandler } from '@ssekit/server/node';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../scripts/chromium.ts';
import type { NamesPageLog } from './browser/names-page.ts';
import { createNamesRouter, RESPONSE_EVENTS } from './helpers/names-server.ts';

const hasChromium = chromiumAvailable('the browser e2e of event names');

// Chromium loads a page from a node:http server that also mounts the real ssekit router of the event-names
// fixture (same origin), and runs both generated clients against it.
describe.skipIf(!hasChromium)('any SSE event name, generated client in real Chromium', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    const result = await build({
      entryPoints: [resolve(import.meta.dirname, 'browser/names-page.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['@ssekit/source'],
      logLevel: 'silent',
    });
    const bundle = result.outputFiles[0]!.text;
    const sse = createNodeHandler(createNamesRouter());
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><title>ssekit</title><script type="module" src="/page.js"></script>');
      } else if (path === '/page.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(bundle);
      } else {
        sse(req, res, () => res.writeHead(404).end());
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  });

  async function run(mode: string, base: string): Promise<{ log: NamesPageLog; pageErrors: string[] }> {
    const page = await browser.newPage();
    try {
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${origin}/?mode=${mode}&base=${encodeURIComponent(base)}`);
      const read = () =>
        page.evaluate(() => (globalThis as unknown as { ssekitNamesLog?: NamesPageLog }).ssekitNamesLog ?? null);
      for (let i = 0; i < 150; i++) {
        const log = await read();
        if (log?.done) return { log, pageErrors };
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out: ${JSON.stringify(await read())}`);
    } finally {
      await page.close();
    }
  }

  it.each(['standalone', 'zod'])('%s: every event reaches its `on` handler under its exact name', async (mode) => {
    const { log, pageErrors } = await run(mode, '');
    expect(log.events).toEqual(RESPONSE_EVENTS.map(([event, data]) => ({ event, data })));
    expect(log.errors).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it.each(['standalone', 'zod'])('%s: bad data of a dashed event name is rejected by validation', async (mode) => {
    const { log, pageErrors } = await run(mode, '/raw');
    expect(log.events).toEqual([{ event: 'user-created', data: { id: 'u2', name: 'Grace' } }]);
    expect(log.errors.map((e) => e.code)).toEqual(['VALIDATION']);
    expect(pageErrors).toEqual([]);
  });
});
