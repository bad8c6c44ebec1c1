import { createRedisReplayStore, type RedisReplayStore, type RedisReplayStoreOptions } from '@ssekit/redis';
import type { ReplayStore } from '@ssekit/server/broadcast';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../server/tests/broadcast-helpers.ts';
import { describeReplayStore } from '../../server/tests/store-conformance.ts';
import { PrivateCluster } from './redis-cluster.ts';
import { uniquePrefix } from './redis-env.ts';
import { noRedisServer } from './redis-server.ts';

// A real 3-master, 3-replica Redis Cluster of this file's own, on spare loopback ports; stopped after the file.
let cluster: Promise<PrivateCluster> | undefined;
const started = () => {
  // Nothing here kills a single node: a long node timeout, so a loaded machine causes no spurious failover.
  cluster ??= PrivateCluster.start({ nodeTimeoutMs: 5000 });
  return cluster;
};
afterAll(async () => {
  await (await cluster?.catch(() => undefined))?.destroy();
}, 60_000);

const prefixOf = new WeakMap<ReplayStore, string>();

async function open(options: RedisReplayStoreOptions = {}): Promise<RedisReplayStore> {
  const { startupNodes } = await started();
  const prefix = options.prefix ?? uniquePrefix('cluster').replaceAll(':', '-');
  const store = await createRedisReplayStore({ cluster: startupNodes, onError: () => {}, ...options, prefix });
  prefixOf.set(store, prefix);
  return store;
}

describeReplayStore('Redis Cluster (3 masters, 3 replicas)', {
  skip: noRedisServer && 'redis-server is not installed',
  create: () => open(),
  second: (first) => open({ prefix: prefixOf.get(first) as string }),
  retention: {
    maxEvents: (maxLen) => open({ maxLen }),
    maxAgeMs: (maxAgeMs) => open({ maxAgeMs }),
  },
  // The whole cluster killed and restarted empty (no persistence): the loss must be reported (new per-topic epochs,
  // resets), publishes meanwhile reject with STORE_UNAVAILABLE.
  outage: {
    durable: false,
    create: () => open({ commandTimeoutMs: 1000 }),
    stop: async () => (await started()).killAll(),
    start: async () => (await started()).startAll(),
  },
  waitMs: 10_000,
});

describe('Redis Cluster store: an epoch per topic', () => {
  it.skipIf(noRedisServer)(
    'each topic has an epoch of its own; publishing to several resets none of their listeners; prefix ssekit by default',
    async () => {
      const { startupNodes } = await started();
      const store = await createRedisReplayStore({ cluster: startupNodes, onError: () => {} });
      try {
        expect(store.clustered).toBe(true);
        expect(store.prefix).toBe('ssekit');
        // No topic seen yet.
        expect(store.epoch).toBe('');
        const topics = ['t/a', 't/b', 't/c'];
        const events: string[] = [];
        const resets: string[] = [];
        for (const topic of topics) {
          await store.subscribe(topic, {
            event: (e) => events.push(`${e.topic} ${e.data}`),
            reset: (epoch) => resets.push(`${topic} ${epoch}`),
          });
        }
        const epochs = new Map<string, string>();
        for (let n = 0; n < 3; n++) {
          for (const topic of topics) {
            const stored = await store.append(topic, 'message', String(n));
            epochs.set(topic, stored.epoch);
            // The epoch last seen on any topic.
            expect(store.epoch).toBe(stored.epoch);
          }
        }
        expect(new Set(epochs.values()).size).toBe(3);
        for (const topic of topics) expect((await store.head(topic)).epoch).toBe(epochs.get(topic));
        await until(() => events.length === 9, 10_000, 'nine events');
        expect(events.sort()).toEqual(topics.flatMap((topic) => [0, 1, 2].map((n) => `${topic} ${n}`)).sort());
        expect(resets).toEqual([]);
      } finally {
        await store.close();
      }
    },
  );
});
