import { createRedisReplayStore, type RedisReplayStore, type RedisReplayStoreOptions } from '@ssekit/redis';
import type { ReplayStore } from '@ssekit/server/broadcast';
import { afterAll, beforeAll } from 'vitest';
import { describeReplayStore } from '../../server/tests/store-conformance.ts';
import { deleteKeys, lockRedis, noRedis, REDIS_URL, uniquePrefix } from './redis-env.ts';
import { noRedisServer, PrivateRedis } from './redis-server.ts';

// The shared Redis (127.0.0.1:6379) for every case but the outage, which stops a private redis-server of its own.
let unlock: (() => void) | undefined;
beforeAll(async () => {
  if (!noRedis) unlock = await lockRedis();
}, 120_000);
afterAll(() => unlock?.());

const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deleteKeys(prefix);
});

/** Where each store under test lives, so a second instance can join it. */
const backendOf = new WeakMap<ReplayStore, { url: string; prefix: string }>();

async function open(options: RedisReplayStoreOptions = {}): Promise<RedisReplayStore> {
  const url = options.url ?? REDIS_URL;
  const prefix = options.prefix ?? uniquePrefix('conformance');
  if (url === REDIS_URL) prefixes.push(prefix);
  const store = await createRedisReplayStore({ onError: () => {}, ...options, url, prefix });
  backendOf.set(store, { url, prefix });
  return store;
}

let privateRedis: PrivateRedis | undefined;
afterAll(async () => {
  await privateRedis?.destroy();
});

describeReplayStore('Redis Streams', {
  skip: noRedis && 'Redis is not reachable at 127.0.0.1:6379',
  create: () => open(),
  second: (first) => open({ ...backendOf.get(first) }),
  retention: {
    maxEvents: (maxLen) => open({ maxLen }),
    maxAgeMs: (maxAgeMs) => open({ maxAgeMs }),
  },
  ...(noRedisServer
    ? {}
    : {
        outage: {
          durable: true,
          async create() {
            // Every write fsynced before it is acknowledged: a killed server loses nothing acknowledged.
            privateRedis ??= await PrivateRedis.start(['--appendonly', 'yes', '--appendfsync', 'always']);
            return open({ url: privateRedis.url, commandTimeoutMs: 1000 });
          },
          stop: async () => privateRedis?.kill(),
          start: async () => privateRedis?.start(),
        },
      }),
});
