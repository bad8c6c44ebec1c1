import { connect, constants, createSecureServer, type Http2Server } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { defineContract } from '@ssekit/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createNodeHandler, type RunningHttp2Server, serveHttp2 } from '../src/adapters/node/index.ts';
import { createRouter, HttpError, implement, type SseRouter } from '../src/index.ts';
import { testCertificate } from './adapters-support.ts';
import { parseEvents, rawRequest } from './conformance/http-client.ts';

let running: RunningHttp2Server | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

function countingRouter(): SseRouter {
  const router = createRouter({ heartbeat: false });
  router.sse('/count/:n', async (session) => {
    const n = Number(session.params.n);
    for (let i = 1; i <= n; i++) await session.send({ data: String(i) });
  });
  return router;
}

describe('node:http2', () => {
  it('serves many concurrent streams over one h2c connection, with no Connection header', async () => {
    running = await serveHttp2(countingRouter());
    const session = connect(running.url);
    try {
      const bodies = await Promise.all(
        Array.from(
          { length: 20 },
          (_, i) =>
            new Promise<{ headers: Record<string, unknown>; body: string }>((resolve, reject) => {
              const stream = session.request({ ':path': `/count/${i + 1}` });
              let body = '';
              let headers: Record<string, unknown> = {};
              stream.setEncoding('utf8');
              stream.on('response', (h) => {
                headers = h;
              });
              stream.on('data', (c: string) => {
                body += c;
              });
              stream.on('end', () => resolve({ headers, body }));
              stream.on('error', reject);
              stream.end();
            }),
        ),
      );
      bodies.forEach(({ headers, body }, i) => {
        expect(headers[':status']).toBe(200);
        expect(headers.connection).toBeUndefined();
        expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
        expect(parseEvents(body).events.map((e) => e.data)).toEqual(
          Array.from({ length: i + 1 }, (_, k) => String(k + 1)),
        );
      });
    } finally {
      session.close();
    }
  });

  it('drops connection-specific headers a beforeStream rejection carries, instead of failing the response', async () => {
    const contract = defineContract({ bye: { path: '/bye', events: { message: z.string() } } });
    const gated = implement(contract, {
      bye: {
        beforeStream: () => {
          throw new HttpError(401, { detail: 'log in' }, { connection: 'close', 'www-authenticate': 'Bearer' });
        },
        handler: async (s) => {
          await s.send('message', 'never');
        },
      },
    });
    running = await serveHttp2(gated);
    const res = await rawRequest(`${running.url}/bye`, { protocol: 'h2' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.headers.connection).toBeUndefined();
    expect(JSON.parse(await res.text())).toMatchObject({ status: 401, detail: 'log in' });
  });

  it('serves h2 and HTTP/1.1 on one TLS port with createNodeHandler and allowHTTP1', async () => {
    const router = countingRouter();
    const server = createSecureServer({ ...testCertificate(), allowHTTP1: true }, createNodeHandler(router));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const h2 = await rawRequest(`${url}/count/3`, { protocol: 'h2', insecure: true });
      expect(parseEvents(await h2.text()).events.map((e) => e.data)).toEqual(['1', '2', '3']);
      const h1 = await new Promise<{ version: string; body: string; connection: unknown }>((resolve, reject) => {
        const req = httpsRequest(`${url}/count/2`, { rejectUnauthorized: false, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            body += c;
          });
          res.on('end', () => resolve({ version: res.httpVersion, body, connection: res.headers.connection }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(h1.version).toBe('1.1');
      expect(parseEvents(h1.body).events.map((e) => e.data)).toEqual(['1', '2']);
    } finally {
      router.closeAll();
      await new Promise<void>((resolve) => (server as unknown as Http2Server).close(() => resolve()));
    }
  });

  it('close() ends open streams and the sessions, so the server stops', async () => {
    const router = createRouter({ heartbeat: false });
    router.sse('/hold', (session) => session.done);
    running = await serveHttp2(router);
    const session = connect(running.url);
    const stream = session.request({ ':path': '/hold' });
    await new Promise((resolve) => stream.once('response', resolve));
    expect(router.sessionCount).toBe(1);
    // The stream ends cleanly (END_STREAM), not with a reset.
    const ended = new Promise((resolve) => stream.once('end', resolve));
    stream.resume();
    await running.close();
    running = undefined;
    await ended;
    expect(stream.rstCode).toBe(constants.NGHTTP2_NO_ERROR);
    expect(router.sessionCount).toBe(0);
    session.destroy();
  });
});
