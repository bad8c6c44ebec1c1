import type { AddressInfo } from 'node:net';
import { serve as honoServe, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { cors } from 'hono/cors';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchHandler, ReadableStreamSink, SinkDestroyedError } from '../src/adapters/fetch/index.ts';
import { createRouter, type RawSession, type SseRouter } from '../src/index.ts';
import { parseEvents, rawRequest } from './conformance/http-client.ts';

const decoder = new TextDecoder();

async function readText(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { value, done } = await reader.read();
  return done ? '' : decoder.decode(value);
}

describe('ReadableStreamSink: driven by the consumer pull', () => {
  it('holds writes until the consumer reads, then hands over everything pending as one chunk', async () => {
    const sink = new ReadableStreamSink({ highWaterMark: 64 });
    expect(sink.write('data: a\n\n')).toBe(true);
    expect(sink.write('data: b\n\n')).toBe(true);
    // Nothing was enqueued: the bytes wait in the sink, counted, until a read asks for them.
    expect(sink.bufferedBytes).toBe(18);
    const reader = sink.stream.getReader();
    expect(await readText(reader)).toBe('data: a\n\ndata: b\n\n');
    expect(sink.bufferedBytes).toBe(0);
    sink.end();
    expect((await reader.read()).done).toBe(true);
  });

  it('reports backpressure at the high-water mark and drains only when the consumer reads', async () => {
    const sink = new ReadableStreamSink({ highWaterMark: 32 });
    const frame = `data: ${'x'.repeat(20)}\n\n`;
    expect(sink.write(frame)).toBe(true);
    expect(sink.write(frame)).toBe(false);
    let drained = false;
    const drain = sink.waitForDrain().then(() => {
      drained = true;
    });
    // However long the consumer waits, nothing moves and the writer stays parked.
    await new Promise((r) => setTimeout(r, 20));
    expect(drained).toBe(false);
    expect(sink.bufferedBytes).toBe(frame.length * 2);
    const reader = sink.stream.getReader();
    expect(await readText(reader)).toBe(frame + frame);
    await drain;
    expect(drained).toBe(true);
    reader.releaseLock();
  });

  it('delivers a write at once to a consumer already waiting, and coalesces a same-tick burst', async () => {
    const sink = new ReadableStreamSink();
    const reader = sink.stream.getReader();
    const first = reader.read();
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 10; i++) sink.write(`data: ${i}\n\n`);
    const { value } = await first;
    expect(decoder.decode(value)).toBe(Array.from({ length: 10 }, (_, i) => `data: ${i}\n\n`).join(''));
    sink.write('data: late\n\n');
    expect(await readText(reader)).toBe('data: late\n\n');
  });

  it('mixes strings and bytes in order', async () => {
    const sink = new ReadableStreamSink();
    sink.write('data: a\n\n');
    sink.write(new TextEncoder().encode('data: é\n\n'));
    sink.write('data: c\n\n');
    expect(await readText(sink.stream.getReader())).toBe('data: a\n\ndata: é\n\ndata: c\n\n');
  });

  it('closes on cancel of the stream, on abort of the request signal, and errors the body on destroy', async () => {
    const cancelled = new ReadableStreamSink();
    let closes = 0;
    cancelled.onClose(() => closes++);
    cancelled.write('data: dropped\n\n');
    await cancelled.stream.cancel();
    expect(cancelled.closed).toBe(true);
    expect(cancelled.bufferedBytes).toBe(0);
    expect(closes).toBe(1);

    const controller = new AbortController();
    const aborted = new ReadableStreamSink({ signal: controller.signal });
    const reader = aborted.stream.getReader();
    controller.abort();
    expect(aborted.closed).toBe(true);
    expect((await reader.read()).done).toBe(true);

    const destroyed = new ReadableStreamSink();
    destroyed.write('data: x\n\n');
    destroyed.destroy();
    await expect(destroyed.stream.getReader().read()).rejects.toBeInstanceOf(SinkDestroyedError);
  });
});

describe('createFetchHandler', () => {
  function holdRouter(): { router: SseRouter; sessions: RawSession[] } {
    const sessions: RawSession[] = [];
    const router = createRouter({ heartbeat: false });
    router.sse('/hold', async (session) => {
      sessions.push(session);
      await session.send({ data: 'open' });
      return session.done;
    });
    return { router, sessions };
  }

  it('cancel() on the Response body fires the session signal', async () => {
    const { router, sessions } = holdRouter();
    const res = await createFetchHandler(router)(new Request('http://local/hold'));
    const reader = res.body!.getReader();
    expect(await readText(reader)).toBe('data: open\n\n');
    const session = sessions[0]!;
    expect(session.signal.aborted).toBe(false);
    await reader.cancel();
    expect(session.signal.aborted).toBe(true);
    expect(router.sessionCount).toBe(0);
  });

  it('an abort of request.signal fires the session signal', async () => {
    const { router, sessions } = holdRouter();
    const controller = new AbortController();
    const res = await createFetchHandler(router)(new Request('http://local/hold', { signal: controller.signal }));
    expect(res.status).toBe(200);
    controller.abort();
    expect(sessions[0]!.signal.aborted).toBe(true);
    expect(router.sessionCount).toBe(0);
  });

  it('paces an awaiting handler by the reads of the consumer', async () => {
    let sent = 0;
    const router = createRouter({ heartbeat: false });
    router.sse('/paced', async (session) => {
      for (let i = 0; i < 1000 && !session.closed; i++) {
        await session.send({ data: 'y'.repeat(4096) });
        sent++;
      }
    });
    const res = await createFetchHandler(router)(new Request('http://local/paced'));
    await new Promise((r) => setTimeout(r, 30));
    // 16 KiB high-water mark, 4 KiB events: the handler is parked after a handful, not after 1000.
    const parked = sent;
    expect(parked).toBeLessThan(8);
    const reader = res.body!.getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toBeGreaterThan(parked);
    expect(sent).toBeLessThan(parked + 8);
    await reader.cancel();
  });

  it('strips a prefix, and hands unmatched requests to notFound', async () => {
    const { router } = holdRouter();
    const handler = createFetchHandler(router, {
      prefix: '/api/sse/',
      notFound: (request) => new Response(`fallback ${new URL(request.url).pathname}`, { status: 418 }),
    });
    const res = await handler(new Request('http://local/api/sse/hold'));
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    expect(await readText(reader)).toBe('data: open\n\n');
    await reader.cancel();
    const outside = await handler(new Request('http://local/hold'));
    expect(outside.status).toBe(418);
    expect(await outside.text()).toBe('fallback /hold');
    const unknown = await handler(new Request('http://local/api/sse/nope'));
    expect(await unknown.text()).toBe('fallback /api/sse/nope');
  });

  it('writes openComment as the first bytes of every stream, before the handler writes anything', async () => {
    const router = createRouter({ heartbeat: false });
    router.sse('/quiet', (session) => session.done);
    const res = await createFetchHandler(router, { openComment: 'open' })(new Request('http://local/quiet'));
    const reader = res.body!.getReader();
    expect(await readText(reader)).toBe(': open\n\n');
    await reader.cancel();
    expect(router.sessionCount).toBe(0);
  });

  it('hands the errors reported for a request to onError with that request, after the router onError', async () => {
    const seen: string[] = [];
    const router = createRouter({
      heartbeat: false,
      onError: (error) => seen.push(`router ${(error as { code?: string }).code}`),
    });
    router.sse('/boom', async (session) => {
      await session.send({ data: 'before' });
      throw new Error('boom');
    });
    const handler = createFetchHandler(router, {
      onError: (error, request) => {
        seen.push(`request ${(error as { code?: string }).code} ${request.headers.get('x-test')}`);
        throw new Error('a throwing request hook is logged, not thrown');
      },
    });
    const res = await handler(
      new Request('http://local/boom', { headers: { 'x-test': 'one', 'last-event-id': 'x'.repeat(2000) } }),
    );
    expect(await res.text()).toBe('data: before\n\n');
    expect(seen).toEqual([
      'router INVALID_LAST_EVENT_ID',
      'request INVALID_LAST_EVENT_ID one',
      'router HANDLER',
      'request HANDLER one',
    ]);
  });

  it('answers HEAD with the stream headers and no body, without starting the handler', async () => {
    const { router, sessions } = holdRouter();
    const res = await createFetchHandler(router)(new Request('http://local/hold', { method: 'HEAD' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.body).toBeNull();
    expect(sessions).toHaveLength(0);
  });
});

describe('Hono middleware runs before the stream (@hono/node-server)', () => {
  let server: ServerType | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.close(() => resolve());
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
    });
    server = undefined;
  });

  async function start(): Promise<{ url: string; started: () => number }> {
    let started = 0;
    const router = createRouter({ heartbeat: false });
    router.sse('/ticks', async (session) => {
      started++;
      for (let i = 1; i <= 3; i++) await session.send({ event: 'tick', data: String(i), id: String(i) });
    });
    const app = new Hono();
    app.use('/sse/*', cors({ origin: 'https://app.example' }), bearerAuth({ token: 's3cret' }));
    app.mount('/sse', createFetchHandler(router));
    app.get('/', (c) => c.text('home'));
    const url = await new Promise<string>((resolve) => {
      server = honoServe({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
        resolve(`http://127.0.0.1:${info.port}`),
      );
    });
    return { url, started: () => started };
  }

  it('rejects a missing or wrong bearer token with 401 before the handler runs', async () => {
    const { url, started } = await start();
    const missing = await rawRequest(`${url}/sse/ticks`);
    expect(missing.status).toBe(401);
    await missing.text();
    const wrong = await rawRequest(`${url}/sse/ticks`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    await wrong.text();
    expect(started()).toBe(0);
  });

  it('streams with the token, carrying the CORS headers set by the middleware', async () => {
    const { url, started } = await start();
    const res = await rawRequest(`${url}/sse/ticks`, {
      headers: { authorization: 'Bearer s3cret', origin: 'https://app.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const { events } = parseEvents(await res.text());
    expect(events.map((e) => [e.event, e.data, e.id])).toEqual([
      ['tick', '1', '1'],
      ['tick', '2', '2'],
      ['tick', '3', '3'],
    ]);
    expect(started()).toBe(1);
  });

  it('answers the CORS preflight without the token or the handler', async () => {
    const { url, started } = await start();
    const preflight = await rawRequest(`${url}/sse/ticks`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization, last-event-id',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
    await preflight.text();
    expect(started()).toBe(0);
  });
});
