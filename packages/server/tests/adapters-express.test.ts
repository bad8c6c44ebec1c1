import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defineContract } from '@ssekit/contract';
import compression from 'compression';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sseMiddleware } from '../src/adapters/express/index.ts';
import { createNodeHandler } from '../src/adapters/node/index.ts';
import { createRouter, implement, type SseRouter } from '../src/index.ts';
import { closeServer, listen } from './adapters-support.ts';
import { parseEvents, rawRequest, waitFor } from './conformance/http-client.ts';

const run = promisify(execFile);

let server: Server | undefined;
let routers: SseRouter[] = [];
afterEach(async () => {
  for (const router of routers) router.closeAll();
  routers = [];
  if (server) await closeServer(server);
  server = undefined;
});

async function start(app: express.Express): Promise<string> {
  server = createServer(app);
  return listen(server);
}

function echoRouter(): SseRouter {
  const router = createRouter({ heartbeat: false });
  router.sse('/where', async (session) => {
    await session.send({ data: session.request.url });
  });
  router.sse('/rooms/:room', async (session) => {
    await session.send({ event: 'room', data: session.params.room });
  });
  routers.push(router);
  return router;
}

describe('Express 5: sseMiddleware', () => {
  it('matches routes relative to the mount path, and passes unmatched requests to the next layer', async () => {
    const app = express();
    app.use('/sse', sseMiddleware(echoRouter()));
    app.get('/sse/plain', (_req, res) => {
      res.send('plain express route');
    });
    const url = await start(app);

    const where = await rawRequest(`${url}/sse/where?x=1`);
    expect(where.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    // The router saw the path below the mount point.
    expect(parseEvents(await where.text()).events[0]?.data).toBe('/where?x=1');

    const room = await rawRequest(`${url}/sse/rooms/a%20b`);
    expect(parseEvents(await room.text()).events[0]).toMatchObject({ event: 'room', data: 'a b' });

    const plain = await rawRequest(`${url}/sse/plain`);
    expect(await plain.text()).toBe('plain express route');

    const missing = await rawRequest(`${url}/sse/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Cannot GET /sse/nope');

    // Outside the mount path the router is never consulted.
    const outside = await rawRequest(`${url}/where`);
    expect(outside.status).toBe(404);
    await outside.text();
  });

  it('works inside nested express.Router() mounts', async () => {
    const app = express();
    const api = express.Router();
    api.use('/live', sseMiddleware(echoRouter()));
    app.use('/api/v1', api);
    const url = await start(app);
    const where = await rawRequest(`${url}/api/v1/live/where`);
    expect(parseEvents(await where.text()).events[0]?.data).toBe('/where');
    const room = await rawRequest(`${url}/api/v1/live/rooms/r1`);
    expect(parseEvents(await room.text()).events[0]?.data).toBe('r1');
  });

  it('can dispatch SSE before Express on the same server, handing every other request to the app', async () => {
    const sse = createNodeHandler(echoRouter());
    const app = express();
    app.get('/page', (_req, res) => {
      res.send('express page');
    });
    server = createServer((req, res) => sse(req, res, () => app(req, res)));
    const url = await listen(server);
    const where = await rawRequest(`${url}/where`);
    expect(parseEvents(await where.text()).events[0]?.data).toBe('/where');
    const page = await rawRequest(`${url}/page`);
    expect(await page.text()).toBe('express page');
    const missing = await rawRequest(`${url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Cannot GET /nope');
  });

  it('runs auth middleware mounted before it, before any byte of the stream', async () => {
    let started = 0;
    const router = createRouter({ heartbeat: false });
    router.sse('/private', async (session) => {
      started++;
      await session.send({ data: 'secret' });
    });
    routers.push(router);
    const app = express();
    const requireToken: express.RequestHandler = (req, res, next) => {
      if (req.headers.authorization === 'Bearer ok') next();
      else res.status(401).json({ error: 'unauthorized' });
    };
    app.use('/sse', requireToken, sseMiddleware(router));
    const url = await start(app);

    const denied = await rawRequest(`${url}/sse/private`);
    expect(denied.status).toBe(401);
    expect(JSON.parse(await denied.text())).toEqual({ error: 'unauthorized' });
    expect(started).toBe(0);

    const allowed = await rawRequest(`${url}/sse/private`, { headers: { authorization: 'Bearer ok' } });
    expect(parseEvents(await allowed.text()).events[0]?.data).toBe('secret');
    expect(started).toBe(1);
  });

  it('with `compression` app-wide, delivers the first event before the stream ends, uncompressed', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const router = createRouter({ heartbeat: false });
    router.sse('/slow', async (session) => {
      await session.send({ data: 'first' });
      await released;
      await session.send({ data: 'second' });
    });
    routers.push(router);
    const app = express();
    app.use(compression({ threshold: 0 }));
    app.get('/text', (_req, res) => {
      res.type('text/plain').send('compress me '.repeat(200));
    });
    app.use('/sse', sseMiddleware(router));
    const url = await start(app);

    // The middleware is live: an ordinary text response is gzipped.
    const text = await rawRequest(`${url}/text`, { headers: { 'accept-encoding': 'gzip' } });
    expect(text.headers['content-encoding']).toBe('gzip');
    await text.text();

    const res = await rawRequest(`${url}/sse/slow`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBeUndefined();
    const chunks: string[] = [];
    res.onChunk((chunk) => chunks.push(chunk));
    // The handler is parked until we release it: the first event can only have come from a per-event flush.
    await waitFor(() => chunks.join('').includes('data: first\n\n'), 5000, 'first event before the end');
    release();
    expect(parseEvents(await res.text()).events.map((e) => e.data)).toEqual(['first', 'second']);
  });

  it('reads bodies already consumed by express.json(), with the same 400/413 problems', async () => {
    const contract = defineContract({
      order: {
        path: '/orders',
        method: 'POST',
        body: z.object({ item: z.string(), qty: z.number().int().positive() }),
        events: { accepted: z.object({ item: z.string(), qty: z.number() }) },
      },
    });
    const router = implement(contract, { order: (s) => s.send('accepted', s.body) }, { maxBodyBytes: 64 });
    routers.push(router);
    const app = express();
    app.use(express.json());
    app.use('/sse', sseMiddleware(router));
    const url = await start(app);
    const post = (body: string) =>
      rawRequest(`${url}/sse/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    const ok = await post(JSON.stringify({ item: 'tea', qty: 2 }));
    expect(parseEvents(await ok.text()).events[0]).toMatchObject({ event: 'accepted', data: '{"item":"tea","qty":2}' });

    const shape = await post(JSON.stringify({ item: 'tea', qty: 0 }));
    expect(shape.status).toBe(400);
    expect(shape.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(await shape.text()).errors[0]).toMatchObject({ in: 'body', path: 'qty' });

    const big = await post(JSON.stringify({ item: 'x'.repeat(100), qty: 1 }));
    expect(big.status).toBe(413);
    await big.text();
  });

  it('fires the session signal when the client goes away', async () => {
    let aborted = 0;
    const router = createRouter({ heartbeat: false });
    router.sse('/hold', async (session) => {
      session.signal.addEventListener('abort', () => aborted++);
      await session.send({ data: 'open' });
      return session.done;
    });
    routers.push(router);
    const app = express();
    app.use(sseMiddleware(router));
    const url = await start(app);
    const res = await rawRequest(`${url}/hold`);
    const chunks: string[] = [];
    res.onChunk((c) => chunks.push(c));
    await waitFor(() => chunks.length > 0, 5000, 'first event');
    res.abort();
    await waitFor(() => aborted === 1, 5000, 'abort');
    await waitFor(() => router.sessionCount === 0, 5000, 'session released');
  });
});

describe('Express 5: the write path on Node 20 and 22', () => {
  // Express replaces each response's prototype; V8 before 13 then gives every response its own hidden class, and
  // node:http's per-event property reads fall out of V8's caches (bench part F: 2.4-3.6x the node adapter's CPU).
  it('the responses of many streams share one hidden class', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/express-hidden-class.ts', import.meta.url));
    const { stdout } = await run(
      process.execPath,
      ['--allow-natives-syntax', '--conditions=@ssekit/source', '--import', 'tsx', fixture],
      { timeout: 60_000 },
    );
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as {
      v8: string;
      ssekit: { streams: number; shared: boolean; fast: boolean };
      plain: { streams: number; shared: boolean };
    };
    expect(report.ssekit.streams).toBe(20);
    expect(report.plain.streams).toBe(20);
    expect(report.ssekit.shared).toBe(true);
    if (Number.parseInt(report.v8, 10) < 13) {
      // the control shows the engine has the problem this test is about, and that ssekit's responses left fast mode
      expect(report.plain.shared).toBe(false);
      expect(report.ssekit.fast).toBe(false);
    } else {
      // V8 13+ shares the class by itself: ssekit leaves the responses as they are
      expect(report.plain.shared).toBe(true);
      expect(report.ssekit.fast).toBe(true);
    }
  }, 70_000);
});
