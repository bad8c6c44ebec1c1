import { isSsekitError } from '@ssekit/contract';
import { createRedisReplayStore } from '@ssekit/redis';
import { implement } from '@ssekit/server';
import { createHub } from '@ssekit/server/broadcast';
import { serve } from '@ssekit/server/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, openStream, until } from '../../server/tests/broadcast-helpers.ts';
import { feedContract } from './fixtures/feed-contract.ts';
import { noRedisServer, type OwnRedis, startOwnRedis } from './own-redis.ts';
import { uniquePrefix } from './redis-env.ts';

// Restarting Redis is destructive: this file runs its own redis-server on a spare loopback port, never the shared one.
let redis: OwnRedis | undefined;
beforeAll(async () => {
  if (!noRedisServer) redis = await startOwnRedis();
}, 30_000);
afterAll(() => redis?.stop());
const prefix = uniquePrefix('restart');

type Outcome = { n: number; id: string; epoch: string } | { n: number; code: string };

describe('Redis restarted while publishing', () => {
  it.skipIf(noRedisServer)(
    'reports unstored publishes, changes the epoch, resets old cursors and resumes delivery within 5 s',
    async () => {
      const own = redis as OwnRedis;
      const store = await createRedisReplayStore({ url: own.url, prefix, commandTimeoutMs: 1000, onError: () => {} });
      const hub = createHub(feedContract.feed, { store });
      const router = implement(feedContract, { feed: hub.implementation() }, { heartbeat: false, onError: () => {} });
      const server = await serve(router);
      const url = `${server.url}/feeds/r/events`;
      const live = await openStream(url);
      // Warm-up: once the live client got one, its subscription is live and every later event is its concern.
      for (let i = 0; i < 100 && live.events.length === 0; i++) {
        await hub.publish({ feed: 'r' }, 'tick', { src: 'warm-up', n: -1 });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const warmedUp = live.events.length;
      expect(warmedUp).toBeGreaterThan(0);
      const outcomes: Outcome[] = [];
      let publishing = true;
      const publisher = (async () => {
        for (let n = 0; publishing && n < 2000; n++) {
          try {
            const receipt = await hub.publish({ feed: 'r' }, 'tick', { src: 'p', n });
            outcomes.push({ n, id: receipt.id, epoch: receipt.epoch });
          } catch (error) {
            outcomes.push({ n, code: isSsekitError(error) ? error.code : String(error) });
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      try {
        await until(() => outcomes.length >= 20, 5000, 'twenty publishes');
        const before = outcomes.filter((o): o is Extract<Outcome, { id: string }> => 'id' in o);
        const oldEpoch = store.epoch;
        const oldCursor = before[5]?.id as string;

        await own.shutdown();
        await until(() => outcomes.some((o) => 'code' in o), 5000, 'a publish to fail while Redis is down');
        await new Promise((resolve) => setTimeout(resolve, 300));
        const restartedAt = Date.now();
        await own.start();

        // Delivery resumes: a publish after the restart is stored and reaches the live client, within 5 s.
        await until(() => outcomes.some((o) => 'epoch' in o && o.epoch !== oldEpoch), 5000, 'a stored publish');
        const firstNew = outcomes.find((o) => 'epoch' in o && o.epoch !== oldEpoch) as { n: number; id: string };
        await live.waitFor(
          (events) => events.some((e) => e.id === firstNew.id),
          Math.max(1, 5000 - (Date.now() - restartedAt)),
          'the first event after the restart',
        );
        publishing = false;
        await publisher;

        const failed = outcomes.filter((o) => 'code' in o);
        expect(failed.length).toBeGreaterThan(0);
        expect(new Set(failed.map((o) => (o as { code: string }).code))).toEqual(new Set(['STORE_UNAVAILABLE']));
        expect(store.epoch).not.toBe(oldEpoch);

        // The live client was told to refetch (epoch change), then got every event stored after the restart, in order.
        const resetAt = live.events.findIndex((e) => e.event === 'reset');
        expect(resetAt).toBeGreaterThanOrEqual(0);
        expect(JSON.parse(live.events[resetAt]?.data as string)).toEqual({ reason: 'other-epoch' });
        const storedAfter = outcomes.filter((o) => 'epoch' in o && o.epoch === store.epoch).map((o) => o.n);
        await live.waitFor((events) => events.length >= resetAt + 1 + storedAfter.length, 5000, 'the rest');
        const afterReset = dataOf<{ n: number }>(live.events.slice(resetAt + 1), 'tick').map((t) => t.n);
        expect(afterReset).toEqual(storedAfter);
        // Before the outage: every acknowledged event arrived, in order, once.
        const storedBefore = outcomes.filter((o) => 'epoch' in o && o.epoch === oldEpoch).map((o) => o.n);
        const beforeReset = dataOf<{ n: number }>(live.events.slice(0, resetAt), 'tick')
          .map((t) => t.n)
          .filter((n) => n >= 0);
        expect(beforeReset).toEqual(storedBefore);
        // A publish that failed was never delivered.
        const failedNs = new Set(failed.map((o) => o.n));
        expect(dataOf<{ n: number }>(live.events, 'tick').some((t) => failedNs.has(t.n))).toBe(false);

        // An old cursor (old epoch) gets the typed reset event, then live events.
        const resumed = await openStream(url, { lastEventId: oldCursor });
        await resumed.waitFor((events) => events.length >= 1);
        expect(resumed.events[0]).toMatchObject({ event: 'reset' });
        expect(resumed.events[0]?.id?.startsWith(`${store.epoch}-`)).toBe(true);
        expect(JSON.parse(resumed.events[0]?.data as string)).toEqual({ reason: 'other-epoch' });
        const next = await hub.publish({ feed: 'r' }, 'tick', { src: 'p', n: 9999 });
        await resumed.waitFor((events) => events.some((e) => e.id === next.id));
        resumed.close();
      } finally {
        publishing = false;
        await publisher;
        live.close();
        await server.close();
        await hub.close();
        await store.close();
      }
    },
    30_000,
  );
});
