import { defineContract } from '@ssekit/contract';
import { implement } from '@ssekit/server';
import { type RunningServer, serve } from '@ssekit/server/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

// What a client gets back for a bad request, over real HTTP: every problem in one 400 with its exact wording, the
// media types a JSON body may have, and the request details a handler sees.

const contract = defineContract({
  order: {
    path: '/shops/:shop/orders',
    method: 'POST',
    params: z.object({ shop: z.string().min(3) }),
    body: z.object({ item: z.string(), qty: z.number().int().positive() }),
    events: { accepted: z.object({ shop: z.string(), qty: z.number() }) },
  },
  whoami: {
    path: '/whoami',
    events: { seen: z.object({ method: z.string(), url: z.string(), agent: z.string() }) },
  },
});

let server: RunningServer;
let small: RunningServer;
beforeAll(async () => {
  small = await serve(
    implement(
      contract,
      { order: (s) => s.send('accepted', { shop: s.params.shop, qty: s.body.qty }), whoami: (s) => s.close() },
      { maxBodyBytes: 64 },
    ),
  );
  const router = implement(
    contract,
    {
      order: (s) => s.send('accepted', { shop: s.params.shop, qty: s.body.qty }),
      whoami: (s) =>
        s.send('seen', {
          method: s.request.method,
          url: new URL(s.request.url, 'http://x').pathname,
          // Read twice: the header record is built on first read and kept.
          agent: `${s.request.headers['x-agent'] ?? 'none'} ${s.request.headers['x-agent'] ?? 'none'}`,
        }),
    },
    { heartbeat: false, onError: () => {} },
  );
  server = await serve(router);
});
afterAll(async () => {
  await server.close();
  await small.close();
});

/** POSTs `body` with `type` as its content type; `null` sends bytes with no content-type header at all. */
const post = (path: string, body: string, type: string | null = 'application/json') =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: type === null ? {} : { 'content-type': type },
    body: type === null ? new TextEncoder().encode(body) : body,
  });

describe('request problems over HTTP', () => {
  it('lists every problem of params and body in one 400, worded for the caller', async () => {
    const res = await post('/shops/ab/orders', JSON.stringify({ item: 1, qty: 0 }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = await res.json();
    expect(problem).toMatchObject({ status: 400, title: 'Bad Request', detail: 'the request is invalid' });
    expect(problem.errors.map((e: { in: string; path: string }) => `${e.in}:${e.path}`)).toEqual([
      'params:shop',
      'body:item',
      'body:qty',
    ]);
  });

  it('names a malformed percent-encoding in a param', async () => {
    const res = await post('/shops/%E0%A4%A/orders', JSON.stringify({ item: 'tea', qty: 1 }));
    expect(res.status).toBe(400);
    // First the decoding problem; the param is then missing for its schema too.
    expect((await res.json()).errors[0]).toEqual({ in: 'params', path: 'shop', message: 'malformed percent-encoding' });
  });

  it('reports a body that is not JSON once, without schema errors on top', async () => {
    const res = await post('/shops/abc/orders', '{"item":');
    expect((await res.json()).errors).toEqual([{ in: 'body', path: '', message: 'invalid JSON' }]);
  });

  it('treats an empty body as no value: a schema error, not a JSON error', async () => {
    const res = await post('/shops/abc/orders', '');
    expect(res.status).toBe(400);
    const errors = (await res.json()).errors as { in: string; message: string }[];
    expect(errors).toHaveLength(1);
    expect(errors[0]?.in).toBe('body');
    expect(errors[0]?.message).not.toBe('invalid JSON');
  });

  it('accepts application/json in any case and +json types; answers 415 to the rest and to no type', async () => {
    const body = JSON.stringify({ item: 'tea', qty: 2 });
    for (const type of ['application/json', 'APPLICATION/JSON; charset=utf-8', 'application/vnd.shop.order+json']) {
      const res = await post('/shops/abc/orders', body, type);
      expect([type, res.status]).toEqual([type, 200]);
      expect(await res.text()).toBe('event: accepted\ndata: {"shop":"abc","qty":2}\n\n');
    }
    for (const type of ['text/plain', 'application/jsonp', 'text/json', 'x-application/json', null]) {
      const res = await post('/shops/abc/orders', body, type);
      expect([type, res.status]).toEqual([type, 415]);
      expect((await res.json()).detail).toBe('the body must be application/json');
    }
  });

  it("gives the handler the request's method, URL and headers", async () => {
    const res = await fetch(`${server.url}/whoami?x=1`, { headers: { 'x-agent': 'probe/1' } });
    expect(await res.text()).toBe('event: seen\ndata: {"method":"GET","url":"/whoami","agent":"probe/1 probe/1"}\n\n');
  });

  it('answers 413 past maxBodyBytes, naming the bound, before parsing anything', async () => {
    const body = JSON.stringify({ item: 'x'.repeat(64), qty: 1 });
    const res = await fetch(`${small.url}/shops/abc/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 413, detail: 'request body exceeds 64 bytes' });
  });
});
