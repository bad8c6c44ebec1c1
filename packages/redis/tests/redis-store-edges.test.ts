import { isSsekitError } from '@ssekit/contract';
import { createRedisReplayStore, type RedisReplayStore } from '@ssekit/redis';
import type { StoredEvent } from '@ssekit/server/broadcast';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../server/tests/broadcast-helpers.ts';
import { noRedisServer, type OwnRedis, sparePort, startOwnRedis } from './own-redis.ts';

// Options, connection failures, close and channel bookkeeping of the Redis store. Some of these stop Redis: the file
// runs its own redis-server on a spare loopback port.
let redis: OwnRedis | undefined;
beforeAll(async () => {
  if (!noRedisServer) redis = await startOwnRedis();
}, 30_000);
afterAll(() => redis?.stop());
const stores: RedisReplayStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function open(options: Parameters<typeof createRedisReplayStore>[0] = {}): Promise<RedisReplayStore> {
  const store = await createRedisReplayStore({
    url: (redis as OwnRedis).url,
    prefix: 'edges',
    onError: () => {},
    ...options,
  });
  stores.push(store);
  return store;
}

async function subscribers(channel: string): Promise<number> {
  const admin = new Redis((redis as OwnRedis).url);
  try {
    const [, count] = (await admin.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
    return Number(count);
  } finally {
    admin.disconnect();
  }
}

describe.sequential('Redis replay store: options, connection and close', () => {
  it('refuses bounds that are not positive integers, naming the option', async () => {
    for (const [name, value] of [
      ['maxLen', 0],
      ['maxLen', 1.5],
      ['maxAgeMs', -1],
      ['commandTimeoutMs', Number.NaN],
    ] as const) {
      const error = await createRedisReplayStore({ url: 'redis://127.0.0.1:1', [name]: value }).catch(
        (e: unknown) => e,
      );
      expect(isSsekitError(error) && error.code).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toBe(`createRedisReplayStore: ${name} must be a positive integer, got ${value}`);
    }
  });

  it('fails with STORE_UNAVAILABLE naming the URL when Redis does not answer', async () => {
    const url = `redis://127.0.0.1:${await sparePort()}`;
    const error = await createRedisReplayStore({ url, onError: () => {} }).catch((e: unknown) => e);
    expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
    expect((error as Error).message).toBe(`cannot connect to Redis at ${url}`);
  });

  it.skipIf(noRedisServer)('after close, every call fails with STORE_UNAVAILABLE and nothing is written', async () => {
    const store = await open();
    const stored = await store.append('t/close', 'message', 'a');
    await store.close();
    await store.close();
    for (const call of [
      () => store.append('t/close', 'message', 'b'),
      () => store.read('t/close', stored.epoch, { ms: 0, seq: 0 }),
      () => store.head('t/close'),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
      expect((error as Error).message).toMatch(/the Redis store is closed$/);
    }
    const reader = await open();
    const read = await reader.read('t/close', stored.epoch, { ms: 0, seq: 0 });
    expect(read.kind === 'events' && read.events.map((e) => e.data)).toEqual(['a']);
  });

  it.skipIf(noRedisServer)(
    'keeps a topic channel while a listener remains; unsubscribes with the last one',
    async () => {
      const store = await open();
      const channel = `${store.prefix}:c:t/chan`;
      const seen: string[] = [];
      const stopA = await store.subscribe('t/chan', {
        event: (e: StoredEvent) => seen.push(`a${e.data}`),
        reset: () => {},
      });
      const stopB = await store.subscribe('t/chan', {
        event: (e: StoredEvent) => seen.push(`b${e.data}`),
        reset: () => {},
      });
      expect(await subscribers(channel)).toBe(1);
      await store.append('t/chan', 'message', '1');
      await until(() => seen.length === 2, 5000, 'both listeners');
      stopA();
      expect(await subscribers(channel)).toBe(1);
      await store.append('t/chan', 'message', '2');
      await until(() => seen.length === 3, 5000, 'the remaining listener');
      expect(seen.sort()).toEqual(['a1', 'b1', 'b2']);
      stopB();
      // UNSUBSCRIBE is sent without waiting for it: poll, bounded.
      for (let i = 0; i < 100 && (await subscribers(channel)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await subscribers(channel)).toBe(0);
    },
  );

  it.skipIf(noRedisServer)('names its two connections after connectionName', async () => {
    await open({ redis: { connectionName: 'edges-named' } });
    const admin = new Redis((redis as OwnRedis).url);
    try {
      const list = (await admin.call('CLIENT', 'LIST')) as string;
      const names = list.split('\n').map((line) => /\bname=(\S*)/.exec(line)?.[1]);
      expect(names).toContain('edges-named:cmd');
      expect(names).toContain('edges-named:sub');
    } finally {
      admin.disconnect();
    }
  });

  it.skipIf(noRedisServer)(
    'while Redis is down: a new topic cannot be subscribed, publishes fail and are reported',
    async () => {
      const own = redis as OwnRedis;
      const errors: unknown[] = [];
      const store = await open({ commandTimeoutMs: 500, onError: (error) => errors.push(error) });
      await own.shutdown();
      try {
        await until(() => errors.length > 0, 5000, 'the outage reported');
        expect(errors.every((e) => isSsekitError(e) && e.code === 'STORE_UNAVAILABLE')).toBe(true);
        const subscribe = await store
          .subscribe('t/down', { event: () => {}, reset: () => {} })
          .catch((e: unknown) => e);
        expect((subscribe as Error).message).toBe(`subscribe to "t/down": Redis at ${own.url} is not connected`);
        const append = await store.append('t/down', 'message', 'x').catch((e: unknown) => e);
        expect(isSsekitError(append) && append.code).toBe('STORE_UNAVAILABLE');
        expect((append as Error).message).toMatch(/^append to "t\/down": /);
      } finally {
        await own.start();
      }
    },
  );
});
