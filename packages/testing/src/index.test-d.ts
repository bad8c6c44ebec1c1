import { defineContract } from '@ssekit/contract';
import { createHub, implement, type SseRouter } from '@ssekit/server';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { expectEvents, type RawTestEvent, type TestEvent, type TestStream, testHub, testRoute } from './index.js';

const contract = defineContract({
  json: {
    path: '/json',
    events: {
      customer: z.object({ id: z.number(), firstName: z.string() }),
      product: z.object({ id: z.number(), at: z.string().transform((s) => new Date(s)) }),
    },
  },
  room: {
    path: '/rooms/:roomId',
    query: z.object({ since: z.coerce.number().optional() }),
    replay: true,
    resetEvent: 'reset',
    events: { message: z.string(), reset: z.object({ reason: z.string() }) },
  },
  post: {
    path: '/post',
    method: 'POST',
    body: z.object({ text: z.string() }),
    events: { echo: z.string() },
  },
});

declare const router: SseRouter;

describe('testRoute', () => {
  it('types next() as the route event union, with the schema output', async () => {
    const stream = await testRoute(router, contract.json);
    expectTypeOf(stream).toEqualTypeOf<TestStream<TestEvent<typeof contract.json>>>();
    const event = await stream.next();
    expectTypeOf(event.event).toEqualTypeOf<'customer' | 'product'>();
    if (event.event === 'product') expectTypeOf(event.data.at).toEqualTypeOf<Date>();
    if (event.event === 'customer') expectTypeOf(event.data).toEqualTypeOf<{ id: number; firstName: string }>();
    expectTypeOf(event.id).toEqualTypeOf<string | undefined>();
    expectTypeOf(event.retry).toEqualTypeOf<number | undefined>();
    expectTypeOf(await stream.take(2)).toEqualTypeOf<TestEvent<typeof contract.json>[]>();
    for await (const e of stream) expectTypeOf(e).toEqualTypeOf<TestEvent<typeof contract.json>>();
  });

  it('checks expectations against the event union', async () => {
    const stream = await testRoute(router, contract.json);
    await stream.expectEvents([{ event: 'customer', data: { id: 1, firstName: 'a' } }, { event: 'product' }]);
    await expectEvents(stream, [{ event: 'customer', id: '1' }]);
    // @ts-expect-error the route declares no "order" event
    await stream.expectEvents([{ event: 'order' }]);
    // @ts-expect-error a customer's id is a number
    await stream.expectEvents([{ event: 'customer', data: { id: '1', firstName: 'a' } }]);
  });

  it('requires params when the path has some, and types query and body as the client passes them', async () => {
    await testRoute(router, contract.room, { params: { roomId: 'a' }, query: { since: 3 }, lastEventId: '1' });
    // @ts-expect-error params are required
    await testRoute(router, contract.room);
    // @ts-expect-error roomId is missing
    await testRoute(router, contract.room, { params: {} });
    // @ts-expect-error the query declares no "until"
    await testRoute(router, contract.room, { params: { roomId: 'a' }, query: { until: 3 } });
    await testRoute(router, contract.post, { body: { text: 'hi' } });
    // @ts-expect-error text is a string
    await testRoute(router, contract.post, { body: { text: 1 } });
    await testRoute(router, contract.json);
  });

  it('takes one route implementation in place of a router, with its typed session', async () => {
    await testRoute(
      async (session) => {
        expectTypeOf(session.params.roomId).toEqualTypeOf<string>();
        await session.send('message', 'hi');
        // @ts-expect-error the route declares no "order" event
        await session.send('order', 'hi');
      },
      contract.room,
      { params: { roomId: 'a' } },
    );
  });

  it('reads raw routes by path, data as text', async () => {
    const stream = await testRoute(router, '/ktor/nested');
    expectTypeOf(stream).toEqualTypeOf<TestStream<RawTestEvent>>();
    expectTypeOf((await stream.next()).data).toEqualTypeOf<string>();
  });
});

describe('testHub', () => {
  it('types publish, subscribe params and the subscription events', async () => {
    const hub = createHub(contract.room);
    implement(contract, { json: () => {}, room: hub.implementation(), post: () => {} });
    const room = testHub(hub, contract.room);
    await room.publish({ roomId: 'a' }, 'message', 'hi');
    // @ts-expect-error a message is a string
    await room.publish({ roomId: 'a' }, 'message', 1);
    const stream = await room.subscribe({ roomId: 'a' }, { lastEventId: '1' });
    expectTypeOf(stream).toEqualTypeOf<TestStream<TestEvent<typeof contract.room>>>();
    // @ts-expect-error roomId is required
    await room.subscribe({});
  });
});
