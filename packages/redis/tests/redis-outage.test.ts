import { createRedisReplayStore, type RedisReplayStore } from '@ssekit/redis';
import type { StoredEvent } from '@ssekit/server/broadcast';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../server/tests/broadcast-helpers.ts';
import { noRedisServer, type OwnRedis, startOwnRedis } from './own-redis.ts';

// Connection kills are destructive: this file runs its own redis-server on a spare loopback port.
let redis: OwnRedis | undefined;
beforeAll(async () => {
  if (!noRedisServer) redis = await startOwnRedis();
}, 30_000);
afterAll(() => redis?.stop());
const stores: RedisReplayStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function open(name?: string): Promise<RedisReplayStore> {
  const store = await createRedisReplayStore({
    url: (redis as OwnRedis).url,
    prefix: 'outage',
    onError: () => {},
    ...(name ? { redis: { connectionName: name } } : {}),
  });
  stores.push(store);
  return store;
}

async function killPubSubConnection(name: string): Promise<void> {
  const admin = new Redis((redis as OwnRedis).url);
  try {
    const list = (await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
    const id = /\bid=(\d+)/.exec(list.split('\n').find((l) => l.includes(`name=${name}:sub`)) ?? '')?.[1];
    expect(id).toBeDefined();
    await admin.call('CLIENT', 'KILL', 'ID', id as string);
  } finally {
    admin.disconnect();
  }
}

describe('Redis replay store across a pub/sub disconnect', () => {
  it.skipIf(noRedisServer)(
    'events published while it catches up arrive both by XRANGE and by pub/sub: each is delivered once, in order',
    async () => {
      const listenerStore = await open('listener');
      const publisher = await open();
      const events: StoredEvent[] = [];
      await listenerStore.subscribe('t/overlap', { event: (e) => events.push(e), reset: () => {} });
      let published = 0;
      let stop = false;
      // Publish without pause (ten appends in flight) through the kill, the reconnect and the catch-up, so some
      // events land both in the catch-up's XRANGE and in what pub/sub delivered after the re-SUBSCRIBE.
      // Bounded: at most 20,000 events; it stops once the listener is live again.
      const publishing = Promise.all(
        Array.from({ length: 10 }, async () => {
          while (!stop && published < 20_000) {
            const n = published++;
            await publisher.append('t/overlap', 'message', String(n));
          }
        }),
      );
      await until(() => published >= 50, 5000, 'publishing under way');
      const before = events.length;
      await killPubSubConnection('listener');
      // Live again once an event published after the kill arrives; keep publishing a little longer after that.
      const killedAt = published;
      await until(() => events.some((e) => Number(e.data) > killedAt + 200), 10_000, 'delivery after the reconnect');
      await new Promise((resolve) => setTimeout(resolve, 50));
      stop = true;
      await publishing;
      expect(before).toBeGreaterThan(0);
      await until(() => events.length >= published, 10_000, `all ${published} events`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const streamOrder = await listenerStore.read('t/overlap', listenerStore.epoch, { ms: 0, seq: 0 });
      expect(streamOrder.kind).toBe('events');
      expect(events.map((e) => e.id)).toEqual(
        (streamOrder as { events: readonly StoredEvent[] }).events.map((e) => e.id),
      );
    },
    30_000,
  );

  it.skipIf(noRedisServer)(
    'after its pub/sub connection is killed, catches up from the stream: nothing lost, nothing twice',
    async () => {
      const listenerStore = await open('kill-listener');
      const publisher = await open();
      const seen = { events: [] as StoredEvent[], resets: [] as string[] };
      await listenerStore.subscribe('t/kill', {
        event: (e) => seen.events.push(e),
        reset: (e) => seen.resets.push(e),
      });
      for (let n = 0; n < 10; n++) await publisher.append('t/kill', 'message', String(n));
      await until(() => seen.events.length === 10, 5000, 'the first ten');
      // Kill the listener's pub/sub connection (only it): it drops, reconnects and must catch up from the stream.
      await killPubSubConnection('kill-listener');
      for (let n = 10; n < 40; n++) await publisher.append('t/kill', 'message', String(n));
      await until(() => seen.events.length >= 40, 5000, 'all forty after the reconnect');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen.events.map((e) => Number(e.data))).toEqual(Array.from({ length: 40 }, (_, n) => n));
      expect(seen.resets).toEqual([]);
    },
  );
});
