import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateCluster } from '../../../packages/redis/tests/redis-cluster.ts';
import { noRedisServer } from '../../../packages/redis/tests/redis-server.ts';
import { dataOf, openStream, until } from '../../../packages/server/tests/broadcast-helpers.ts';
import { type ChatApp, startChat } from '../src/app.ts';
import { createStoreFromEnv } from '../src/store-from-env.ts';
import { signIn } from './helpers.ts';

// A real 3-master, 3-replica Redis Cluster of this file's own; the master holding the room is killed mid-chat.
let cluster: PrivateCluster | undefined;
beforeAll(async () => {
  if (!noRedisServer) cluster = await PrivateCluster.start();
}, 60_000);
afterAll(async () => {
  await cluster?.destroy();
}, 60_000);

/** The running node that holds a key of `prefix` (the room's stream), found by SCAN: the master of the room's slot. */
async function holderOf(c: PrivateCluster, prefix: string) {
  for (const node of c.nodes.filter((n) => n.running)) {
    const client = new Redis({ host: '127.0.0.1', port: node.port, lazyConnect: true, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      const role = (await client.role()) as [string];
      const [, keys] = await client.scan('0', 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (role[0] === 'master' && keys.length > 0) return node;
    } finally {
      client.disconnect();
    }
  }
  throw new Error('no master holds the room');
}

describe('chat: two instances on a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  it.skipIf(noRedisServer)(
    'a message posted on B reaches a client on A; the master holding the room is killed; posts answer 201 or 503, and every 201 reaches the client (or it gets reset)',
    async () => {
      const c = cluster as PrivateCluster;
      const prefix = `chat-cluster-${process.pid}`;
      const env = { REDIS_CLUSTER_NODES: c.nodeList, STORE_PREFIX: prefix };
      const chosen = await Promise.all([1, 2].map(() => createStoreFromEnv(env)));
      expect(chosen.map((x) => x.engine)).toEqual(['Redis Cluster', 'Redis Cluster']);
      // One secret for both instances: a name cookie signed by one is valid on the other.
      const secret = 'one secret for every instance';
      const apps: ChatApp[] = await Promise.all(chosen.map(({ store }) => startChat({ store, secret })));
      const [a, b] = apps as [ChatApp, ChatApp];
      const cookie = await signIn(b, 'bo');
      const post = async (app: ChatApp, text: string) => {
        const response = await fetch(`${app.url}/rooms/lobby/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie },
          body: JSON.stringify({ text }),
        });
        await response.body?.cancel();
        return response.status;
      };
      try {
        const onA = await openStream(`${a.url}/rooms/lobby/events`);
        for (let i = 0; i < 50 && onA.events.length === 0; i++) {
          await post(b, 'warm-up');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(await post(b, 'via B')).toBe(201);
        await onA.waitFor((events) => dataOf<{ text: string }>(events, 'message').some((m) => m.text === 'via B'));

        const holder = await holderOf(c, prefix);
        await holder.kill();
        const statuses: [string, number][] = [];
        const deadline = Date.now() + 30_000;
        for (let n = 0; Date.now() < deadline && n < 1000; n++) {
          const text = `during ${n}`;
          statuses.push([text, await post(b, text)]);
          if (statuses.filter(([, s]) => s === 201).length >= 5 && statuses.some(([, s]) => s === 503)) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await holder.start();
        expect(new Set(statuses.map(([, s]) => s))).toEqual(new Set([201, 503]));
        const stored = statuses.filter(([, s]) => s === 201).map(([text]) => text);
        const last = stored.at(-1) as string;
        await until(
          () => dataOf<{ text: string }>(onA.events, 'message').some((m) => m.text === last),
          15_000,
          'the last stored message on A',
        );
        const received = new Set(dataOf<{ text: string }>(onA.events, 'message').map((m) => m.text));
        const missing = stored.filter((text) => !received.has(text));
        if (missing.length > 0)
          expect(
            onA.events.some((e) => e.event === 'reset'),
            `missing ${missing}`,
          ).toBe(true);
        onA.close();
        await c.waitHealthy();
      } finally {
        await Promise.all(apps.map((app) => app.close()));
        await Promise.all(chosen.map(({ store }) => store.close()));
      }
    },
    90_000,
  );
});
