import { testRoute } from '@ssekit/testing';
import { seedContract } from '@ssekit-examples/contracts';
import { describe, expect, it } from 'vitest';
import { createKtorParityRouter } from '../../ktor-parity/src/app.ts';
import { createHonoApp } from '../src/app.ts';

// The Hono app is a fetch app: @ssekit/testing drives it in-process, its middleware (CORS here) first, then ssekit.
describe('examples/hono in-process (@ssekit/testing)', () => {
  const app = createHonoApp(createKtorParityRouter({ heartbeat: false }));

  it('streams typed greetings through the Hono middleware, which adds its CORS header', async () => {
    const stream = await testRoute(app, seedContract.greetings, {
      params: { name: 'Ada' },
      query: { count: 2 },
      headers: { origin: 'https://app.example' },
    });
    expect(stream.headers.get('access-control-allow-origin')).toBe('*');
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await stream.expectEvents([
      { event: 'greeting', data: { text: 'Hello, Ada!', n: 1 }, id: '1' },
      { event: 'greeting', data: { text: 'Hello, Ada!', n: 2 }, id: '2' },
    ]);
    await stream.expectEnd();
  });

  it('answers a bad query with the 400 problem, as a result', async () => {
    const bad = await testRoute(app, seedContract.greetings, { params: { name: 'Ada' }, query: { count: 0 } });
    expect(bad.ok).toBe(false);
    expect(bad.status).toBe(400);
    expect(bad.problem).toMatchObject({ errors: [{ in: 'query', path: 'count' }] });
  });

  it('serves the raw /ktor/nested route by path', async () => {
    const stream = await testRoute(app, '/ktor/nested');
    expect(await stream.rest()).toEqual([{ event: 'hello', data: 'Hello from the enclosing route', id: '1' }]);
  });
});
