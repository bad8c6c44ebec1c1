import { connect as netConnect } from 'node:net';
import { connectEventStream } from '@ssekit/client';
import { defineContract } from '@ssekit/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { type RunningServer, serve } from '../src/adapters/node/index.ts';
import { BodyTimeoutError, createRouter, implement, type RouterOptions, type SseRouter } from '../src/index.ts';
import { parseEvents, type RawResponse, rawRequest, waitFor } from './conformance/http-client.ts';
import { adapterServers } from './ops-support.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(router: SseRouter): Promise<RunningServer> {
  const running = await serve(router);
  cleanups.push(() => running.close({ reconnectWindowMs: 0, drainMs: 500 }));
  return running;
}

function holdRouter(options: RouterOptions) {
  const handler = vi.fn(async (session: { send(e: { data: string }): Promise<void>; done: Promise<void> }) => {
    await session.send({ data: 'open' });
    await session.done;
  });
  const router = createRouter({ heartbeat: false, ...options });
  router.sse('/hold', handler);
  return { router, handler };
}

/** Opens a stream and waits for its first event. */
async function openStream(url: string, headers?: Record<string, string>): Promise<RawResponse> {
  const res = await rawRequest(url, headers ? { headers } : {});
  if (res.status !== 200) return res;
  let text = '';
  res.onChunk((chunk) => {
    text += chunk;
  });
  await waitFor(() => text.includes('data: open'), 5000, 'the first event');
  return res;
}

describe('concurrent-stream limits over HTTP', () => {
  it('global: the stream over maxStreams gets 503 with Retry-After and a problem body; its handler never runs', async () => {
    const { router, handler } = holdRouter({ limits: { maxStreams: 3, retryAfterSeconds: 4 } });
    const { url } = await start(router);
    const open = await Promise.all([1, 2, 3].map(() => openStream(`${url}/hold`)));
    const refused = await rawRequest(`${url}/hold`);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(4);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(8);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(await refused.text())).toMatchObject({ status: 503, code: 'STREAM_LIMIT' });
    expect(handler).toHaveBeenCalledTimes(3);
    for (const res of open) res.abort();
    await waitFor(() => router.sessionCount === 0, 5000, 'the aborted streams to end');
    expect((await openStream(`${url}/hold`)).status).toBe(200);
  });

  it('per key (a function of the request): one key at its limit does not block another', async () => {
    const { router } = holdRouter({
      limits: { maxStreamsPerKey: 2, streamKey: (request) => request.header('x-user') },
    });
    const { url } = await start(router);
    const a = await Promise.all([1, 2].map(() => openStream(`${url}/hold`, { 'x-user': 'ada' })));
    expect(a.map((r) => r.status)).toEqual([200, 200]);
    const third = await rawRequest(`${url}/hold`, { headers: { 'x-user': 'ada' } });
    expect(third.status).toBe(503);
    expect(['5', '6', '7', '8', '9', '10']).toContain(third.headers['retry-after']);
    expect((await openStream(`${url}/hold`, { 'x-user': 'bob' })).status).toBe(200);
    for (const res of a) res.abort();
  });

  it('per key by default is the client address: the slot is released on client abort and on stream end, 300 cycles, no leak', async () => {
    const ends = { n: 0 };
    const router = createRouter({ heartbeat: false, limits: { maxStreams: 1, maxStreamsPerKey: 1 } });
    router.sse('/hold', async (session) => {
      await session.send({ data: 'open' });
      await session.done;
    });
    router.sse('/short', async (session) => {
      await session.send({ data: 'open' });
      ends.n++;
    });
    const { url } = await start(router);
    for (let i = 0; i < 300; i++) {
      if (i % 2 === 0) {
        const res = await openStream(`${url}/hold`);
        expect(res.status).toBe(200);
        res.abort();
        await waitFor(() => router.sessionCount === 0, 5000, `the abort of cycle ${i}`);
      } else {
        const res = await rawRequest(`${url}/short`);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe('data: open\n\n');
      }
    }
    expect(ends.n).toBe(150);
    // With a limit of one, a single leaked slot would refuse this.
    const last = await openStream(`${url}/hold`);
    expect(last.status).toBe(200);
    last.abort();
  });
});

describe('maxLifetime over HTTP', () => {
  it('ends streams with a retry hint; the @ssekit/client resumes with Last-Event-ID, no event lost or repeated', async () => {
    const lastIds: (string | undefined)[] = [];
    const router = createRouter({
      heartbeat: false,
      maxLifetime: { ms: 150, jitterRatio: 0.5, reconnectWindowMs: 50 },
    });
    router.sse('/count', async (session) => {
      lastIds.push(session.lastEventId);
      for (let n = Number(session.lastEventId ?? 0) + 1; n <= 60 && !session.closed; n++) {
        await session.send({ data: String(n), id: String(n) });
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    const { url } = await start(router);
    const received: string[] = [];
    const retries: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const connection = connectEventStream({
        url: `${url}/count`,
        onEvent: (event) => {
          received.push(event.data);
          if (event.data === '60') {
            connection.close();
            resolve();
          }
        },
        onRetry: ({ delayMs }) => retries.push(delayMs),
      });
      setTimeout(() => reject(new Error(`timed out after ${received.length} events`)), 20_000).unref();
    });
    expect(received).toEqual(Array.from({ length: 60 }, (_, i) => String(i + 1)));
    // 60 events at ≥ 10 ms each outlive several 75–150 ms lifetimes: the client reconnected, each time resuming.
    expect(lastIds.length).toBeGreaterThanOrEqual(3);
    expect(lastIds[0]).toBeUndefined();
    expect(lastIds.slice(1).every((id) => id !== undefined && Number(id) > 0)).toBe(true);
    // The server's hint (≤ 50 ms) replaced the client's 1 s default as the base of its jittered delay.
    expect(Math.max(...retries)).toBeLessThanOrEqual(50);
  });
});

const contract = defineContract({
  ask: { method: 'POST', path: '/ask', body: z.object({ q: z.string() }), events: { answer: z.string() } },
});

function askRouter(errors: unknown[]) {
  const handler = vi.fn(async (session: { send(name: 'answer', data: string): Promise<void>; body: { q: string } }) => {
    await session.send('answer', session.body.q);
  });
  const router = implement(
    contract,
    { ask: handler as never },
    {
      heartbeat: false,
      bodyTimeoutMs: 200,
      onError: (e) => errors.push(e),
    },
  );
  return { router, handler };
}

/** Sends the head and part of a POST body over a raw socket, then nothing; resolves with what the server answers. */
function slowPost(url: string, path: string): Promise<{ head: string; closed: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = netConnect(Number(port), hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ head: received.split('\r\n\r\n')[0] ?? '', closed: true }));
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"q":`,
    );
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 10 s; got ${JSON.stringify(received)}`));
    }, 10_000).unref();
  });
}

describe('body read timeout (POST streams), on every adapter that reads the body', () => {
  for (const [name, listenWith] of Object.entries(adapterServers(cleanups))) {
    it(`${name}: a body that stops arriving gets 408 and a closed connection; the handler never runs`, async () => {
      const errors: unknown[] = [];
      const { router, handler } = askRouter(errors);
      const { url, prefix } = await listenWith(router);
      const path = `${prefix}/ask`;
      const { head, closed } = await slowPost(url, path);
      expect(head).toMatch(/^HTTP\/1\.1 408 /);
      expect(head.toLowerCase()).toContain('connection: close');
      expect(closed).toBe(true);
      expect(handler).not.toHaveBeenCalled();
      expect(errors.some((e) => e instanceof BodyTimeoutError)).toBe(true);
      // A body that arrives in time is served as before.
      const ok = await rawRequest(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"q":"hi"}',
      });
      expect(ok.status).toBe(200);
      expect(parseEvents(await ok.text()).events.map((e) => e.data)).toEqual(['hi']);
    });
  }
});
