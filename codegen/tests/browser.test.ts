import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../scripts/chromium.ts';
import type { PageLog } from './browser/page.ts';

const hasChromium = chromiumAvailable('the browser e2e of the generated client');

// The SSE stream of /json, as id → frame. Event 3 has data the contract rejects; event 5 an undeclared name.
const FRAMES: [number, string][] = [
  [1, 'event: customer\ndata: {"id":1,"firstName":"Jet","lastName":"Brains"}'],
  [2, 'event: product\ndata: {"id":2,"prices":[100,200]}'],
  [3, 'event: customer\ndata: {"id":"three","firstName":"No"}'],
  [4, 'event: product\ndata: {"id":4,"prices":[1,2,3]}'],
  [5, 'event: mystery\ndata: {}'],
  [6, 'event: customer\ndata: {"id":6,"firstName":"Ada","lastName":"Lovelace"}'],
  [7, 'event: product\ndata: {"id":7,"prices":[7]}'],
];
/** Frames sent on the first connection; the rest only after the restart. */
const BEFORE_RESTART = 4;

interface TestServer {
  port: number;
  /** `Last-Event-ID` of every /json request, in order (`null` when absent). */
  lastEventIds: (string | null)[];
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function startTestServer(bundle: string, port = 0): Promise<TestServer> {
  const lastEventIds: (string | null)[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>ssekit</title><script type="module" src="/page.js"></script>');
    } else if (url.pathname === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(bundle);
    } else if (url.pathname === '/json') {
      const header = req.headers['last-event-id'];
      const last = typeof header === 'string' ? header : null;
      lastEventIds.push(last);
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      res.write(': hello\n\n');
      const from = last === null ? 0 : Number(last);
      // Before the restart: the first frames, then hold the connection open. After it: everything after `from`.
      const upTo = lastEventIds.length === 1 ? BEFORE_RESTART : FRAMES.length;
      for (const [id, frame] of FRAMES) if (id > from && id <= upTo) res.write(`id: ${id}\n${frame}\n\n`);
    } else {
      res.writeHead(404).end();
    }
  };
  let server: Server = createServer(handler);
  const listen = (p: number) =>
    new Promise<number>((done, fail) => {
      server.once('error', fail);
      server.listen(p, '127.0.0.1', () => done((server.address() as AddressInfo).port));
    });
  const bound = await listen(port);
  return {
    port: bound,
    lastEventIds,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
    async start() {
      server = createServer(handler);
      await listen(bound);
    },
  };
}

async function poll<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await read())}`);
}

describe.skipIf(!hasChromium)('generated client in real Chromium', () => {
  let browser: Browser;
  let bundle: string;

  beforeAll(async () => {
    const result = await build({
      entryPoints: [resolve(import.meta.dirname, 'browser/page.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['@ssekit/source'],
      logLevel: 'silent',
    });
    bundle = result.outputFiles[0]!.text;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(['standalone', 'zod'])(
    '%s: typed events, a bad payload to onError, resume with Last-Event-ID after a server restart',
    async (mode) => {
      const server = await startTestServer(bundle);
      const page = await browser.newPage();
      try {
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        await page.goto(`http://127.0.0.1:${server.port}/?mode=${mode}`);
        const read = () => page.evaluate(() => (globalThis as unknown as { ssekitLog?: PageLog }).ssekitLog ?? null);

        const before = await poll(
          read,
          (log) => (log?.events.length ?? 0) >= 3 && (log?.errors.length ?? 0) >= 1,
          'the first events',
        );
        expect(before?.events.map((e) => e.id)).toEqual(['1', '2', '4']);
        expect(before?.errors.map((e) => e.code)).toEqual(['VALIDATION']);
        expect(before?.errors[0]?.message).toContain('id');

        // Stop the server mid-stream (connection dropped, port closed), then bring it back on the same port.
        await server.stop();
        await new Promise((r) => setTimeout(r, 200));
        await server.start();

        const after = await poll(read, (log) => (log?.events.length ?? 0) >= 5, 'the events after the restart');
        expect(server.lastEventIds.slice(0, 2)).toEqual([null, '4']);
        expect(after?.events.map((e) => `${e.id}:${e.event}`)).toEqual([
          '1:customer',
          '2:product',
          '4:product',
          '6:customer',
          '7:product',
        ]);
        expect(after?.events[0]?.data).toEqual({ id: 1, firstName: 'Jet', lastName: 'Brains', fullName: 'Jet Brains' });
        expect(after?.events[4]?.data).toEqual({ id: 7, prices: [7], total: 7 });
        expect(after?.errors.map((e) => e.code).filter((c) => c !== 'NETWORK')).toEqual([
          'VALIDATION',
          'UNKNOWN_EVENT',
        ]);
        expect(after?.opens).toBeGreaterThanOrEqual(2);
        expect(pageErrors).toEqual([]);
      } finally {
        await page.close();
        await server.stop();
      }
    },
  );
});
