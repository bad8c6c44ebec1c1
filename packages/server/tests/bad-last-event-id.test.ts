import { defineContract, isSsekitError } from '@ssekit/contract';
import { implement } from '@ssekit/server';
import { createHub, createMemoryReplayStore } from '@ssekit/server/broadcast';
import { serve } from '@ssekit/server/node';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dataOf, openStream, until } from './broadcast-helpers.ts';

const contract = defineContract({
  replayed: {
    path: '/replayed',
    replay: true,
    resetEvent: 'reset',
    events: { message: z.object({ n: z.number() }), reset: z.object({ reason: z.string() }) },
  },
  live: {
    path: '/live',
    events: { message: z.object({ n: z.number() }) },
  },
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start() {
  const store = createMemoryReplayStore();
  const replayed = createHub(contract.replayed, { store });
  const live = createHub(contract.live);
  const reported: unknown[] = [];
  const router = implement(
    contract,
    { replayed: replayed.implementation(), live: live.implementation() },
    { heartbeat: false, onError: (error) => reported.push(error) },
  );
  const server = await serve(router);
  cleanups.push(
    () => server.close(),
    () => replayed.close(),
    () => live.close(),
    () => store.close(),
  );
  return { server, replayed, live, reported, store };
}

describe('a refused Last-Event-ID (over 1 KiB) on a route with replay', () => {
  it('gets the declared reset event (malformed) with a resumable id, then live events; the id is reported', async () => {
    const { server, replayed, reported } = await start();
    await replayed.publish({}, 'message', { n: 1 });
    const stream = await openStream(`${server.url}/replayed`, { lastEventId: 'x'.repeat(2000) });
    cleanups.push(() => stream.close());
    expect(stream.status).toBe(200);
    await stream.waitFor((events) => events.length === 1, 5000, 'the reset event');
    expect(stream.events[0]?.event).toBe('reset');
    expect(JSON.parse(stream.events[0]?.data ?? '')).toEqual({ reason: 'malformed' });
    // The reset's id resumes from the head: the next publish arrives, the old event is not replayed.
    expect(stream.events[0]?.id).toMatch(/^[0-9a-z]+-\d+-\d+$/);
    await replayed.publish({}, 'message', { n: 2 });
    await stream.waitFor((events) => events.length === 2, 5000, 'the live event');
    expect(dataOf(stream.events, 'message')).toEqual([{ n: 2 }]);
    expect(reported.filter((e) => isSsekitError(e) && e.code === 'INVALID_LAST_EVENT_ID')).toHaveLength(1);
    // It is never echoed.
    expect(stream.events.some((e) => e.data.includes('xxxx') || (e.id ?? '').includes('xxxx'))).toBe(false);
  });

  it('a malformed (well-sized) id gets the reset event too', async () => {
    const { server } = await start();
    const stream = await openStream(`${server.url}/replayed`, { lastEventId: 'not-an-id' });
    cleanups.push(() => stream.close());
    await stream.waitFor((events) => events.length === 1, 5000, 'the reset event');
    expect(stream.events[0]).toMatchObject({ event: 'reset', data: '{"reason":"malformed"}' });
  });

  it('at the limit: 1,025 bytes is refused (reported) and 1,024 is read as malformed (not reported); both reset', async () => {
    const { server, reported } = await start();
    for (const length of [1025, 1024]) {
      const stream = await openStream(`${server.url}/replayed`, { lastEventId: 'a'.repeat(length) });
      cleanups.push(() => stream.close());
      await stream.waitFor((events) => events.length === 1, 5000, `the reset event (${length} bytes)`);
      expect(stream.events[0]).toMatchObject({ event: 'reset', data: '{"reason":"malformed"}' });
    }
    expect(reported.filter((e) => isSsekitError(e) && e.code === 'INVALID_LAST_EVENT_ID')).toHaveLength(1);
  });
});

describe('a refused Last-Event-ID on a route without replay', () => {
  it('is ignored as before: the stream goes on live, no reset event', async () => {
    const { server, live, reported } = await start();
    const stream = await openStream(`${server.url}/live`, { lastEventId: 'x'.repeat(2000) });
    cleanups.push(() => stream.close());
    expect(stream.status).toBe(200);
    await until(() => live.subscriberCount() === 1, 5000, 'the subscriber');
    await live.publish({}, 'message', { n: 1 });
    await stream.waitFor((events) => events.length === 1, 5000, 'the live event');
    expect(stream.events).toEqual([{ event: 'message', id: undefined, data: '{"n":1}' }]);
    expect(reported.filter((e) => isSsekitError(e) && e.code === 'INVALID_LAST_EVENT_ID')).toHaveLength(1);
  });
});
