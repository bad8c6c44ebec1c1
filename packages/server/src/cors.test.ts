import { defineContract } from '@ssekit/contract';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { OriginRejectedError } from './errors.js';
import { implement } from './implement.js';
import type { CoreRequest } from './request.js';
import { createRouter, type DispatchResult, type RouterOptions } from './router.js';

function request(method: string, url: string, headers: Record<string, string> = {}, body = ''): CoreRequest {
  return {
    method,
    url,
    header: (name) => headers[name],
    headers: () => headers,
    readBody: async () => body,
    raw: undefined,
  };
}

function response(result: DispatchResult) {
  if (result.kind !== 'response') throw new Error(`expected a plain response, got a stream`);
  return result;
}

const contract = defineContract({
  feed: { path: '/feed', events: { message: z.string() } },
  ask: { method: 'POST', path: '/ask', body: z.object({ q: z.string() }), events: { message: z.string() } },
});

function setup(cors: RouterOptions['cors']) {
  const errors: unknown[] = [];
  const handler = vi.fn(async () => {});
  const beforeStream = vi.fn();
  const router = implement(
    contract,
    { feed: { beforeStream, handler }, ask: { beforeStream, handler } },
    { heartbeat: false, ...(cors ? { cors } : {}), onError: (e) => errors.push(e) },
  );
  return { router, handler, beforeStream, errors };
}

const APP = 'http://127.0.0.1:5173';
const preflight = (origin: string, method = 'POST', headers?: string) =>
  request('OPTIONS', '/ask', {
    origin,
    'access-control-request-method': method,
    ...(headers ? { 'access-control-request-headers': headers } : {}),
    host: '127.0.0.1:8080',
  });

describe('cors: preflight', () => {
  it('answers an allowed preflight 204 with methods, headers (Content-Type and Last-Event-ID always), max age, Vary', async () => {
    const { router, handler } = setup({ origin: [APP], allowedHeaders: ['Authorization', 'X-Trace'] });
    const answer = response(await router.dispatch(preflight(APP, 'POST', 'content-type, x-trace, last-event-id')));
    expect(answer.status).toBe(204);
    expect(answer.body).toBe('');
    expect(answer.headers).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, last-event-id, authorization, x-trace',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    });
    expect(handler).not.toHaveBeenCalled();
  });

  it('refuses a preflight from another origin, for a method the path does not serve, or with a header not allowed: 403', async () => {
    const { router, errors } = setup({ origin: APP, maxAgeSeconds: 60 });
    for (const req of [
      preflight('http://evil.example'),
      preflight(APP, 'PUT'),
      preflight(APP, 'POST', 'content-type, x-secret'),
    ]) {
      const answer = response(await router.dispatch(req));
      expect(answer.status).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(JSON.parse(answer.body).code).toBe('ORIGIN_REJECTED');
    }
    expect(errors.map((e) => (e as OriginRejectedError).message)).toEqual([
      expect.stringMatching(/origin not allowed/),
      expect.stringMatching(/method PUT not served/),
      expect.stringMatching(/header x-secret not allowed/),
    ]);
    expect(errors.every((e) => e instanceof OriginRejectedError)).toBe(true);
  });

  it('credentials: echoes the origin (never "*") and allows credentials; "*" without credentials answers "*"', async () => {
    const withCredentials = setup({ origin: '*', credentials: true }).router;
    const a = response(await withCredentials.dispatch(preflight('http://any.example')));
    expect(a.headers['access-control-allow-origin']).toBe('http://any.example');
    expect(a.headers['access-control-allow-credentials']).toBe('true');
    const anyOrigin = setup({ origin: '*' }).router;
    const b = response(await anyOrigin.dispatch(preflight('http://any.example')));
    expect(b.headers['access-control-allow-origin']).toBe('*');
    expect(b.headers['access-control-allow-credentials']).toBeUndefined();
    // "null" (sandboxed frames, file: pages) is not "any origin".
    expect(response(await anyOrigin.dispatch(preflight('null'))).status).toBe(403);
  });

  it('a function decides per origin', async () => {
    const { router } = setup({ origin: (origin) => origin.endsWith('.example.com') });
    expect(response(await router.dispatch(preflight('https://app.example.com'))).status).toBe(204);
    expect(response(await router.dispatch(preflight('https://example.com.evil'))).status).toBe(403);
  });

  it('without the cors option, OPTIONS stays a 405 as before', async () => {
    const { router } = setup(undefined);
    const answer = response(await router.dispatch(preflight(APP)));
    expect([answer.status, answer.headers.allow]).toEqual([405, 'POST']);
  });
});

describe('cors: actual requests', () => {
  it('an allowed origin gets Access-Control-Allow-Origin, Vary and exposed headers on the stream and on errors', async () => {
    const { router } = setup({ origin: [APP], exposedHeaders: ['X-Request-Id'] });
    const stream = await router.dispatch(request('GET', '/feed', { origin: APP }));
    if (stream.kind !== 'stream') throw new Error('expected a stream');
    expect(stream.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'access-control-allow-origin': APP,
      'access-control-expose-headers': 'X-Request-Id',
      vary: 'Origin',
    });
    stream.abandon();
    const invalid = response(
      await router.dispatch(request('POST', '/ask', { origin: APP, 'content-type': 'application/json' }, '{}')),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.headers['access-control-allow-origin']).toBe(APP);
  });

  it('another origin gets 403 before beforeStream or the handler run, and reads nothing', async () => {
    const { router, handler, beforeStream } = setup({ origin: [APP] });
    const answer = response(await router.dispatch(request('GET', '/feed', { origin: 'http://evil.example' })));
    expect(answer.status).toBe(403);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(handler).not.toHaveBeenCalled();
    expect(beforeStream).not.toHaveBeenCalled();
  });

  it('requests without Origin, and same-origin ones (Origin names the Host), pass without CORS headers', async () => {
    const { router } = setup({ origin: [APP] });
    const cases: Record<string, string>[] = [{}, { origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' }];
    for (const headers of cases) {
      const stream = await router.dispatch(request('GET', '/feed', headers));
      if (stream.kind !== 'stream') throw new Error('expected a stream');
      expect(stream.headers['access-control-allow-origin']).toBeUndefined();
      stream.abandon();
    }
  });

  it('checks its options', () => {
    expect(() => createRouter({ cors: { origin: [''] } })).toThrow(/cors.origin/);
    expect(() => createRouter({ cors: { origin: '*', maxAgeSeconds: -1 } })).toThrow(/maxAgeSeconds/);
  });
});
