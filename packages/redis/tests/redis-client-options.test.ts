import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSsekitError } from '@ssekit/contract';
import { createRedisReplayStore } from '@ssekit/redis';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { deleteKeys, noRedis, uniquePrefix } from './redis-env.ts';
import { sparePort } from './redis-server.ts';

// What the store asks of ioredis: the real clients, with every constructor call recorded. Nothing answers on the
// ports used here, so each store fails to connect after its clients were built; no Redis is needed.
const built = vi.hoisted(() => ({
  redis: [] as { url: string; options: RedisOptions }[],
  cluster: [] as { nodes: unknown[]; options: ClusterOptions }[],
  /** When set, what the append script's call answers instead of Redis (a node answering mid-failover). */
  appendReply: undefined as { value: unknown } | undefined,
}));
vi.mock('ioredis', async (importOriginal) => {
  const real = await importOriginal<typeof import('ioredis')>();
  class Redis extends real.Redis {
    constructor(url: string, options: RedisOptions) {
      super(url as never, options as never);
      built.redis.push({ url, options });
    }
    override defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void {
      super.defineCommand(name, definition);
      if (name !== 'ssekitAppend') return;
      const self = this as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const script = self[name] as (...args: unknown[]) => Promise<unknown>;
      self[name] = (...args) => (built.appendReply ? Promise.resolve(built.appendReply.value) : script(...args));
    }
  }
  class Cluster extends real.Cluster {
    constructor(nodes: unknown[], options: ClusterOptions) {
      super(nodes as never, options as never);
      built.cluster.push({ nodes, options });
    }
  }
  return { ...real, Redis, Cluster };
});

beforeEach(() => {
  built.redis.length = 0;
  built.cluster.length = 0;
  built.appendReply = undefined;
});

async function failedStore(options: Parameters<typeof createRedisReplayStore>[0]): Promise<unknown> {
  return createRedisReplayStore({ onError: () => {}, ...options }).then(
    () => expect.unreachable('nothing answers on that port'),
    (error: unknown) => error,
  );
}

/** The command connection's options: the one that fails fast. */
const commandOptions = () => built.redis.find((c) => c.options.enableOfflineQueue === false)?.options;
const subscriberOptions = () => built.redis.find((c) => c.options.enableOfflineQueue !== false)?.options;

describe('Redis store: the ioredis options its guarantees depend on', () => {
  it('standalone: commands fail fast and are never resent, whatever the caller passed; both links reconnect every 50 to 500 ms', async () => {
    const url = `redis://127.0.0.1:${await sparePort()}`;
    const error = await failedStore({
      url,
      commandTimeoutMs: 750,
      redis: {
        db: 3,
        connectionName: 'app',
        lazyConnect: false,
        enableOfflineQueue: true,
        autoResendUnfulfilledCommands: true,
        maxRetriesPerRequest: 20,
        commandTimeout: 60_000,
        retryStrategy: () => 60_000,
      },
    });
    expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
    expect((error as Error).message).toBe(`cannot connect to Redis at ${url}`);
    // ioredis's own error as the cause.
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(built.redis.map((c) => c.url)).toEqual([url, url]);
    expect(commandOptions()).toMatchObject({
      db: 3,
      connectionName: 'app:cmd',
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 750,
    });
    expect(subscriberOptions()).toMatchObject({ db: 3, connectionName: 'app:sub', lazyConnect: true });
    for (const options of [commandOptions(), subscriberOptions()]) {
      const delays = [1, 2, 5, 10, 11, 100].map((times) => options?.retryStrategy?.(times));
      expect(delays).toEqual([50, 100, 250, 500, 500, 500]);
    }
  });

  it('standalone: no connection name unless one is given; redis://127.0.0.1:6379 by default', async () => {
    await failedStore({ url: `redis://127.0.0.1:${await sparePort()}` });
    expect(built.redis).toHaveLength(2);
    for (const { options } of built.redis) expect(options).not.toHaveProperty('connectionName');
    built.redis.length = 0;
    // The default URL: the shared test Redis may or may not answer there; only the clients' URL is checked.
    const prefix = uniquePrefix('options');
    const store = await createRedisReplayStore({ onError: () => {}, prefix }).catch(() => {});
    await store?.close();
    expect(built.redis.map((c) => c.url)).toEqual(['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379']);
    await deleteKeys(prefix);
  });

  it('standalone: a socket path (not a URL) is used and named as given', async () => {
    const path = join(tmpdir(), `ssekit-no-redis-${process.pid}.sock`);
    const error = await failedStore({ url: path });
    expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
    expect((error as Error).message).toBe(`cannot connect to Redis at ${path}`);
    expect(built.redis.map((c) => c.url)).toEqual([path, path]);
  });

  it.skipIf(noRedis)(
    'an append answered with anything but [epoch, id] rejects with STORE_UNAVAILABLE saying what came back',
    async () => {
      const prefix = uniquePrefix('options');
      const store = await createRedisReplayStore({ onError: () => {}, prefix });
      try {
        for (const [value, said] of [
          [null, 'unexpected reply to the append: null'],
          [undefined, 'unexpected reply to the append: undefined'],
          ['OK', 'unexpected reply to the append: "OK"'],
          [['e1'], 'unexpected reply to the append: ["e1"]'],
          [[7, '1-1'], 'unexpected reply to the append: [7,"1-1"]'],
          [['e1', 7], 'unexpected reply to the append: ["e1",7]'],
          [['e1', 'not-an-id'], 'Redis returned the id not-an-id'],
        ] as const) {
          built.appendReply = { value };
          const error = await store.append('t/odd', 'message', 'x').catch((e: unknown) => e);
          expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
          expect((error as Error).message).toBe(`append to "t/odd": ${said}`);
        }
        built.appendReply = { value: ['e1', '5-2'] };
        expect(await store.append('t/odd', 'message', 'x')).toMatchObject({ epoch: 'e1', id: 'e1-5-2' });
      } finally {
        built.appendReply = undefined;
        await store.close();
        await deleteKeys(prefix);
      }
    },
  );

  it('cluster: the startup nodes as given; failover and cluster-down retried every 100 ms, reconnects every 100 ms to 1 s', async () => {
    const [a, b] = [await sparePort(), await sparePort()];
    const error = await failedStore({
      cluster: [`127.0.0.1:${a}`, { host: '127.0.0.1', port: b }],
      commandTimeoutMs: 750,
      clusterOptions: {
        slotsRefreshTimeout: 1234,
        lazyConnect: false,
        enableOfflineQueue: true,
        retryDelayOnFailover: 5000,
        retryDelayOnClusterDown: 5000,
        retryDelayOnTryAgain: 5000,
        clusterRetryStrategy: () => 60_000,
      },
      redis: { connectionName: 'app', enableOfflineQueue: true, maxRetriesPerRequest: 20 },
    });
    expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
    expect((error as Error).message).toBe('cannot connect to Redis Cluster');
    expect(built.redis).toHaveLength(0);
    expect(built.cluster).toHaveLength(1);
    const [{ nodes, options }] = built.cluster as [(typeof built.cluster)[0]];
    expect(nodes).toEqual([`127.0.0.1:${a}`, { host: '127.0.0.1', port: b }]);
    expect(options).toMatchObject({
      slotsRefreshTimeout: 1234,
      lazyConnect: true,
      enableOfflineQueue: false,
      retryDelayOnFailover: 100,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      redisOptions: {
        connectionName: 'app:cmd',
        enableOfflineQueue: false,
        autoResendUnfulfilledCommands: false,
        maxRetriesPerRequest: 0,
        commandTimeout: 750,
      },
    });
    const delays = [1, 2, 5, 10, 11, 100].map((times) => options.clusterRetryStrategy?.(times));
    expect(delays).toEqual([100, 200, 500, 1000, 1000, 1000]);
  });
});
