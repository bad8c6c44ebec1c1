import { createRedisReplayStore } from '@ssekit/redis';
import { SlowConsumerError } from '@ssekit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neverReadingResume, slowConsumerErrors } from '../../server/tests/replay-bound-scenario.ts';
import { deleteKeys, lockRedis, noRedis, REDIS_URL, uniquePrefix } from './redis-env.ts';

let unlock: (() => void) | undefined;
beforeAll(async () => {
  if (!noRedis) unlock = await lockRedis();
}, 120_000);
const prefix = uniquePrefix('replay-bound');
afterAll(() => unlock?.());
afterAll(() => deleteKeys(prefix));

// One live batch (a publish turn) may be held on top of the bound before the policy applies.
const SLACK = 64 * 1024;

describe('replay under the queue bound (Redis store)', () => {
  it.skipIf(noRedis)(
    'cuts off a never-reading resuming client with SlowConsumerError; its queue stays bounded; others get every event',
    async () => {
      const store = await createRedisReplayStore({ url: REDIS_URL, prefix, onError: () => {} });
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
    },
    60_000,
  );

  it.skipIf(noRedis)('the Redis store honours the read limit (the hub replays page by page)', async () => {
    const store = await createRedisReplayStore({ url: REDIS_URL, prefix, onError: () => {} });
    try {
      const stored = [];
      for (let n = 0; n < 5; n++) stored.push(await store.append('t/paged', 'message', String(n)));
      const page = await store.read('t/paged', store.epoch, stored[0]!.position, 2);
      expect(page.kind === 'events' && page.events.map((e) => e.data)).toEqual(['1', '2']);
      const rest = await store.read('t/paged', store.epoch, stored[2]!.position, 10);
      expect(rest.kind === 'events' && rest.events.map((e) => e.data)).toEqual(['3', '4']);
    } finally {
      await store.close();
    }
  });
});
