import type { RedisReplayStore } from '@ssekit/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteKeys, noRedis, REDIS_URL, uniquePrefix } from '../../../packages/redis/tests/redis-env.ts';
import { type ChatStore, createStoreFromEnv } from '../src/store-from-env.ts';

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

  it('NATS_URL and DATABASE_URL select @ssekit/nats and @ssekit/postgres (a clear error while not installed)', async () => {
    for (const [variable, pkg] of [
      ['NATS_URL', '@ssekit/nats'],
      ['DATABASE_URL', '@ssekit/postgres'],
    ] as const) {
      const outcome: ChatStore | Error = await createStoreFromEnv({ [variable]: 'x://127.0.0.1:1' }).then(
        (chosen) => chosen,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      // Not installed: the error names the package. Installed: nothing listens on port 1, so it cannot connect.
      if (outcome instanceof Error) {
        const namesPackage = outcome.message.includes(pkg);
        expect(namesPackage || (outcome as { code?: string }).code === 'STORE_UNAVAILABLE', outcome.message).toBe(true);
      } else {
        expect(outcome.engine).toBe(variable === 'NATS_URL' ? 'NATS JetStream' : 'PostgreSQL');
        await outcome.store.close();
      }
    }
  });
});
