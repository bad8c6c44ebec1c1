import { createRedisReplayStore, type RedisReplayStore, type RedisReplayStoreOptions } from '@ssekit/redis';
import type { ReplayStore } from '@ssekit/server/broadcast';
import { afterAll } from 'vitest';
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
