import { testRoute } from '@ssekit/testing';
import { seedContract } from '@ssekit-examples/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKtorParityRouter, startKtorParity } from '../src/app.ts';

async function read(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

// Over a socket: the exact bytes each route puts on the wire.
describe('examples/ktor-parity on node:http', () => {
  let running: Awaited<ReturnType<typeof startKtorParity>>;
  beforeAll(async () => {
    running = await startKtorParity({ port: 0 });
  });
  afterAll(() => running.close());

  it('GET /events sends event 0 … event 99 and ends, byte for byte', async () => {
    const { status, type, body } = await read(`${running.url}/events`);
    expect(status).toBe(200);
    expect(type).toBe('text/event-stream; charset=utf-8');
    expect(body).toBe(Array.from({ length: 100 }, (_, i) => `data: event ${i}\n\n`).join(''));
  });

  it('GET /json sends the customer then the product through the route serializer', async () => {
    const { body } = await read(`${running.url}/json`);
    expect(body).toBe(
      'event: customer\ndata: {"id":0,"firstName":"Jet","lastName":"Brains"}\n\n' +
        'event: product\ndata: {"id":0,"prices":[100,200]}\n\n',
    );
  });

  it('serves the enclosing-route form at /ktor/nested', async () => {
    const { body } = await read(`${running.url}/ktor/nested`);
    expect(body).toBe('event: hello\nid: 1\ndata: Hello from the enclosing route\n\n');
  });
});

// In-process with @ssekit/testing: no socket, typed events decoded with the contract, failures as results.
describe('examples/ktor-parity routes in-process (@ssekit/testing)', () => {
  const router = createKtorParityRouter({ heartbeat: false });

  it('/events: event 0 … event 99, then the end', async () => {
    const stream = await testRoute(router, seedContract.events);
    const events = await stream.rest();
    expect(events).toEqual(Array.from({ length: 100 }, (_, i) => ({ event: 'message', data: `event ${i}` })));
  });

  it('/json: the customer then the product, typed', async () => {
    const stream = await testRoute(router, seedContract.json);
    const customer = await stream.next();
    if (customer.event !== 'customer') throw new Error(`expected the customer, got ${customer.event}`);
    expect(customer.data.firstName).toBe('Jet');
    await stream.expectEvents([{ event: 'product', data: { id: 0, prices: [100, 200] } }]);
    await stream.expectEnd();
  });

  it('/greetings/:name: params and query in, ids out; a bad query is a 400 result', async () => {
    const stream = await testRoute(router, seedContract.greetings, { params: { name: 'Ada' }, query: { count: 2 } });
    await stream.expectEvents([
      { event: 'greeting', data: { text: 'Hello, Ada!', n: 1 }, id: '1' },
      { event: 'greeting', data: { text: 'Hello, Ada!', n: 2 }, id: '2' },
    ]);
    await stream.expectEnd();

    const bad = await testRoute(router, seedContract.greetings, { params: { name: 'Ada' }, query: { count: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.problem).toMatchObject({ errors: [{ in: 'query', path: 'count' }] });
  });

  it('a failing greetings handler sends the declared error event', async () => {
    const stream = await testRoute(
      async () => {
        throw new Error('database down');
      },
      seedContract.greetings,
      { params: { name: 'Ada' } },
    );
    await stream.expectEvents([{ event: 'error', data: { code: 'INTERNAL_ERROR', message: 'Internal server error' } }]);
    expect(stream.errors).toHaveLength(1);
  });

  it('/ktor/nested: a raw route, read by path', async () => {
    const stream = await testRoute(router, '/ktor/nested');
    await stream.expectEvents([{ event: 'hello', data: 'Hello from the enclosing route', id: '1' }]);
  });
});
