import { implement, SlowConsumerError } from '@ssekit/server';
import { createHub, createMemoryReplayStore, type ReplayStore } from '@ssekit/server/broadcast';
import { serve } from '@ssekit/server/node';
import { describe, expect, it } from 'vitest';
import { dataOf, openStream } from './broadcast-helpers.ts';
import { boundContract, neverReadingResume, slowConsumerErrors } from './replay-bound-scenario.ts';

// One live batch (a publish turn) may be held on top of the bound before the policy applies.
const SLACK = 64 * 1024;
const memoryStore = () => createMemoryReplayStore({ maxBytesPerTopic: 64 * 1024 * 1024, maxEventsPerTopic: 5000 });

describe('replay under the queue bound (memory store)', () => {
  it('cuts off a never-reading resuming client with SlowConsumerError; its queue stays bounded; others get every event', async () => {
    const store = memoryStore();
    try {
      const result = await neverReadingResume({ store });
      const slow = slowConsumerErrors(result);
      expect(slow).toHaveLength(1);
      const [{ error, route }] = slow as [{ error: SlowConsumerError; route: string | undefined }];
      expect(error).toBeInstanceOf(SlowConsumerError);
      expect(error.policy).toBe('disconnect');
      expect(route).toBe('feed');
      expect(error.queuedBytes).toBeLessThanOrEqual(result.maxQueueBytes + SLACK);
      expect(result.maxQueuedBytes).toBeLessThanOrEqual(result.maxQueueBytes + SLACK);
      expect(result.stalledClosed).toBe(true);
      expect(result.fastReceived).toEqual(result.published);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('drop policy: live events held during the stalled replay are dropped at the bound and reported once', async () => {
    const store = memoryStore();
    try {
      const result = await neverReadingResume({ store, slowConsumer: 'drop' });
      const slow = slowConsumerErrors(result);
      expect(slow).toHaveLength(1);
      expect(slow.map(({ error }) => (error as SlowConsumerError).policy)).toEqual(['drop']);
      expect(result.maxQueuedBytes).toBeLessThanOrEqual(result.maxQueueBytes + SLACK);
      expect(result.fastReceived).toEqual(result.published);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('replay reads the store a page at a time', () => {
  it('replays 250 retained events in order, once, in pages of at most 100, then continues live', async () => {
    const memory = memoryStore();
    const limits: (number | undefined)[] = [];
    const store: ReplayStore = {
      ...memory,
      read: (topic, epoch, position, limit) => {
        limits.push(limit);
        return memory.read(topic, epoch, position, limit);
      },
    };
    const hub = createHub(boundContract.feed, { store });
    const router = implement(boundContract, { feed: hub.implementation() }, { heartbeat: false, onError: () => {} });
    const server = await serve(router);
    try {
      const params = { feed: 'paged' };
      let first = '';
      for (let n = 0; n <= 250; n++) {
        const receipt = await hub.publish(params, 'message', { n, text: '' });
        if (n === 0) first = receipt.id;
      }
      const stream = await openStream(`${server.url}/feeds/paged/events`, { lastEventId: first });
      await stream.waitFor((events) => events.length === 250, 10_000, 'the replay');
      await hub.publish(params, 'message', { n: 251, text: '' });
      await stream.waitFor((events) => events.length === 251, 5000, 'the live event');
      stream.close();
      expect(dataOf<{ n: number }>(stream.events, 'message').map((m) => m.n)).toEqual(
        Array.from({ length: 251 }, (_, i) => i + 1),
      );
      expect(limits).toEqual([100, 100, 100]);
    } finally {
      await server.close();
      await hub.close();
      await memory.close();
    }
  });

  it('the memory store honours the limit and returns the rest from the last position', async () => {
    const store = memoryStore();
    try {
      const stored = [];
      for (let n = 0; n < 5; n++) stored.push(await store.append('t', 'message', String(n)));
      const page = await store.read('t', store.epoch, stored[0]!.position, 2);
      expect(page.kind === 'events' && page.events.map((e) => e.data)).toEqual(['1', '2']);
      const rest = await store.read('t', store.epoch, stored[2]!.position, 10);
      expect(rest.kind === 'events' && rest.events.map((e) => e.data)).toEqual(['3', '4']);
    } finally {
      await store.close();
    }
  });
});
