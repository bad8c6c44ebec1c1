import type { RedisReplayStore } from '@ssekit/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeys, noRedis, REDIS_URL, uniquePrefix } from '../../../packages/redis/tests/redis-env.ts';
import { createStoreFromEnv } from '../src/store-from-env.ts';

const prefix = uniquePrefix('chat-env').replaceAll(':', '-');
afterAll(() => deleteKeys(prefix));

describe('chat: the store is chosen from the environment', () => {
  it('no variable: the in-memory store', async () => {
    const { store, engine } = await createStoreFromEnv({});
    expect(engine).toBe('memory');
    const stored = await store.append('t', 'message', 'x');
    expect((await store.head('t')).position).toEqual(stored.position);
    await store.close();
  });

  it.skipIf(noRedis)('REDIS_URL: the Redis Streams store on that server, under STORE_PREFIX', async () => {
    const { store, engine, description } = await createStoreFromEnv({ REDIS_URL, STORE_PREFIX: prefix });
    expect(engine).toBe('Redis');
    expect(description).toContain(REDIS_URL);
    expect((store as RedisReplayStore).prefix).toBe(prefix);
    expect((store as RedisReplayStore).clustered).toBe(false);
    await store.close();
  });

  it('REDIS_CLUSTER_NODES wins over REDIS_URL, and is handed to the Redis store as cluster nodes', async () => {
    // Nothing listens on port 1: the cluster store fails to connect, which shows it was the one chosen.
    const failure = await createStoreFromEnv({ REDIS_CLUSTER_NODES: '127.0.0.1:1, 127.0.0.1:2', REDIS_URL }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('Redis Cluster') });
  });

  it('NATS_URL and DATABASE_URL select @ssekit/nats and @ssekit/postgres', async () => {
    // Nothing listens on port 1: each store fails to connect with STORE_UNAVAILABLE, which shows it was the one chosen
    // (the two-instance test in chat-engines.test.ts runs the chat on the real servers).
    for (const env of [{ NATS_URL: '127.0.0.1:1' }, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' }]) {
      const failure = await createStoreFromEnv(env).then(
        async (chosen) => {
          await chosen.store.close();
          return chosen.engine;
        },
        (error: unknown) => error,
      );
      expect(failure).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    }
  });

  it('the memory store is the chat one: bounded across rooms too', async () => {
    const { store } = await createStoreFromEnv({});
    expect(store).toMatchObject({ totalBytes: 0 });
    await store.close();
  });
});
