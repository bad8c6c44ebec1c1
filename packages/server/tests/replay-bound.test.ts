import { SlowConsumerError } from '@ssekit/server';
import { createMemoryReplayStore } from '@ssekit/server/broadcast';
import { describe, expect, it } from 'vitest';
import { neverReadingResume, slowConsumerErrors } from './replay-bound-scenario.ts';

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
