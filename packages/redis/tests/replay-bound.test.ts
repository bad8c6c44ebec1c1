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
});
