import { isSsekitError } from '@ssekit/contract';
import { createRedisReplayStore, type RedisReplayStore } from '@ssekit/redis';
import { comparePositions, type StoredEvent, ZERO_POSITION } from '@ssekit/server/broadcast';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../server/tests/broadcast-helpers.ts';
import { keySlot, topicKeys } from '../src/keys.ts';
import { PrivateCluster } from './redis-cluster.ts';
import { uniquePrefix } from './redis-env.ts';
import { noRedisServer } from './redis-server.ts';

// A real 3-master, 3-replica cluster of this file's own (node timeout 1 s); a master is killed with SIGKILL.
let cluster: PrivateCluster | undefined;
beforeAll(async () => {
  if (!noRedisServer) cluster = await PrivateCluster.start();
}, 60_000);
afterAll(async () => {
  await cluster?.destroy();
}, 60_000);

const stores: RedisReplayStore[] = [];
afterAll(async () => {
  await Promise.allSettled(stores.map((store) => store.close()));
});

async function open(prefix: string, waitForReplicas: number): Promise<RedisReplayStore> {
  const store = await createRedisReplayStore({
    cluster: (cluster as PrivateCluster).startupNodes,
    prefix,
    waitForReplicas,
    commandTimeoutMs: 1000,
    onError: () => {},
  });
  stores.push(store);
  return store;
}

interface Seen {
  events: StoredEvent[];
  resets: string[];
}

function listen(store: RedisReplayStore, topic: string): Promise<Seen & { stop: () => void }> {
  const seen: Seen = { events: [], resets: [] };
  return store
    .subscribe(topic, { event: (e) => seen.events.push(e), reset: (epoch) => seen.resets.push(epoch) })
    .then((stop) => ({ ...seen, stop }));
}

type Outcome = { ok: StoredEvent } | { code: string };

/**
 * Publishes to `topic` every 20 ms while the master holding it is killed and a replica takes over; returns every
 * outcome. Bounded: at most 1500 publishes and 40 s.
 */
async function publishThroughFailover(store: RedisReplayStore, topic: string): Promise<Outcome[]> {
  const c = cluster as PrivateCluster;
  const slot = keySlot(topicKeys(store.prefix, topic, true).stream);
  const master = await c.masterOf(slot);
  const outcomes: Outcome[] = [];
  let publishing = true;
  const publisher = (async () => {
    const deadline = Date.now() + 40_000;
    for (let n = 0; publishing && n < 1500 && Date.now() < deadline; n++) {
      try {
        outcomes.push({ ok: await store.append(topic, 'tick', String(n)) });
      } catch (error) {
        outcomes.push({ code: isSsekitError(error) ? error.code : String(error) });
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    await until(() => outcomes.length >= 20, 10_000, 'twenty publishes before the failover');
    await master.kill();
    await until(() => outcomes.some((o) => 'code' in o), 10_000, 'a publish to fail while the master is down');
    const failedAt = outcomes.length;
    // A replica takes over (node timeout 1 s); then the killed node comes back, as a replica of the new master (with
    // waitForReplicas the new master acknowledges nothing until a replica is back).
    const deadline = Date.now() + 20_000;
    while ((await c.masterOf(slot)) === master) {
      if (Date.now() > deadline) throw new Error('no replica took over within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await master.start();
    await until(
      () => outcomes.slice(failedAt).filter((o) => 'ok' in o).length >= 20,
      30_000,
      'twenty publishes stored after a replica took over',
    );
  } finally {
    publishing = false;
    await publisher;
  }
  // The cluster is whole again for the next case.
  await c.waitHealthy();
  return outcomes;
}

/** What the listener missed of the acknowledged events: reported (it got a reset) or nothing. */
function lossReport(seen: Seen, acked: readonly StoredEvent[]): { missing: string[]; duplicates: number } {
  const ids = new Set(seen.events.map((e) => e.id));
  for (let i = 1; i < seen.events.length; i++) {
    const [a, b] = [seen.events[i - 1] as StoredEvent, seen.events[i] as StoredEvent];
    if (a.epoch === b.epoch) expect(comparePositions(b.position, a.position)).toBeGreaterThan(0);
  }
  return { missing: acked.filter((e) => !ids.has(e.id)).map((e) => e.id), duplicates: seen.events.length - ids.size };
}

describe('Redis Cluster failover', () => {
  it.skipIf(noRedisServer)(
    'topic keys and their sharded channel share one slot, as the cluster computes it',
    async () => {
      const c = cluster as PrivateCluster;
      const client = new Redis({ host: '127.0.0.1', port: c.nodes[0]?.port as number, lazyConnect: true });
      await client.connect();
      try {
        await fc.assert(
          fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), async (topic) => {
            const keys = topicKeys('app', `room/${topic}{x}:}{`, true);
            const slots = new Set(Object.values(keys).map(keySlot));
            expect(slots.size).toBe(1);
            expect(Number(await client.cluster('KEYSLOT', keys.stream))).toBe(keySlot(keys.stream));
            expect(Number(await client.cluster('KEYSLOT', keys.channel))).toBe(keySlot(keys.channel));
          }),
          { numRuns: 50 },
        );
      } finally {
        client.disconnect();
      }
    },
  );

  it.skipIf(noRedisServer)(
    'waitForReplicas 1: the master holding a topic is killed; publishes reject with STORE_UNAVAILABLE or are delivered, and no acknowledged event is lost',
    async () => {
      const prefix = uniquePrefix('failover').replaceAll(':', '-');
      const a = await open(prefix, 1);
      const b = await open(prefix, 1);
      const topic = 'room/failover-wait';
      const onA = await listen(a, topic);
      const onB = await listen(b, topic);
      const outcomes = await publishThroughFailover(a, topic);
      const acked = outcomes.flatMap((o) => ('ok' in o ? [o.ok] : []));
      const failed = outcomes.filter((o): o is { code: string } => 'code' in o);
      expect(failed.length).toBeGreaterThan(0);
      expect(new Set(failed.map((o) => o.code))).toEqual(new Set(['STORE_UNAVAILABLE']));
      const last = acked.at(-1) as StoredEvent;
      await until(
        () => [onA, onB].every((seen) => seen.events.some((e) => e.id === last.id)),
        15_000,
        'the last acknowledged event on both instances',
      );
      const reports = [lossReport(onA, acked), lossReport(onB, acked)];
      console.info(
        `failover (waitForReplicas 1): ${acked.length} acknowledged, ${failed.length} rejected; ` +
          `missing on A ${reports[0]?.missing.length}, on B ${reports[1]?.missing.length}; resets A ${onA.resets.length}, B ${onB.resets.length}`,
      );
      for (const [i, report] of reports.entries()) {
        expect(report.duplicates).toBe(0);
        // Replicated before acknowledged: nothing acknowledged is lost, so nothing is missing.
        expect(report.missing, `instance ${i}`).toEqual([]);
      }
      // Replay from before the failover returns every acknowledged event after it.
      const first = acked[0] as StoredEvent;
      const replay = await b.read(topic, first.epoch, ZERO_POSITION);
      expect(replay.kind).toBe('events');
      const replayed = new Set(replay.kind === 'events' ? replay.events.map((e) => e.id) : []);
      expect(acked.filter((e) => !replayed.has(e.id)).map((e) => e.id)).toEqual([]);
      onA.stop();
      onB.stop();
    },
    120_000,
  );

  it.skipIf(noRedisServer)(
    'without waitForReplicas: whatever a failover loses is reported (a reset to live listeners, a reset to old ids), never skipped silently',
    async () => {
      const prefix = uniquePrefix('failover0').replaceAll(':', '-');
      const a = await open(prefix, 0);
      const b = await open(prefix, 0);
      const topic = 'room/failover-nowait';
      const onA = await listen(a, topic);
      const onB = await listen(b, topic);
      const outcomes = await publishThroughFailover(a, topic);
      const acked = outcomes.flatMap((o) => ('ok' in o ? [o.ok] : []));
      const failed = outcomes.filter((o): o is { code: string } => 'code' in o);
      expect(new Set(failed.map((o) => o.code))).toEqual(new Set(['STORE_UNAVAILABLE']));
      const last = acked.at(-1) as StoredEvent;
      await until(
        () => [onA, onB].every((seen) => seen.events.some((e) => e.id === last.id)),
        15_000,
        'the last acknowledged event on both instances',
      );
      // What the store still holds of the acknowledged events, by replay from before the failover.
      const first = acked[0] as StoredEvent;
      const replay = await b.read(topic, first.epoch, first.position);
      const replayed = new Set(replay.kind === 'events' ? replay.events.map((e) => e.id) : []);
      const lostFromStore = acked.slice(1).filter((e) => !replayed.has(e.id));
      for (const [name, seen] of [
        ['A', onA],
        ['B', onB],
      ] as const) {
        const report = lossReport(seen, acked);
        console.info(
          `failover (no WAIT) on ${name}: ${acked.length} acknowledged, ${failed.length} rejected, ` +
            `${lostFromStore.length} lost from the store, ${report.missing.length} never delivered, resets ${seen.resets.length}`,
        );
        expect(report.duplicates).toBe(0);
        // Missing events come with a reset: the loss is reported.
        if (report.missing.length > 0)
          expect(seen.resets.length, `${name}: missed ${report.missing}`).toBeGreaterThan(0);
      }
      // A replay over lost events is a reset, never a silent gap.
      if (lostFromStore.length > 0) expect(replay.kind).toBe('reset');
      onA.stop();
      onB.stop();
    },
    120_000,
  );

  it.skipIf(noRedisServer)(
    'a failover that loses acknowledged events (the replica was cut off) resets live listeners and the lost ids',
    async () => {
      const c = cluster as PrivateCluster;
      const prefix = uniquePrefix('failover-loss').replaceAll(':', '-');
      const a = await open(prefix, 0);
      const b = await open(prefix, 0);
      const topic = 'room/failover-loss';
      const onA = await listen(a, topic);
      const onB = await listen(b, topic);
      const before: StoredEvent[] = [];
      for (let i = 0; i < 5; i++) before.push(await a.append(topic, 'tick', `before${i}`));
      const slot = keySlot(topicKeys(prefix, topic, true).stream);
      const master = await c.masterOf(slot);
      const replica = await c.replicaOf(slot);
      // Both copies agree; then the master drops its replica's link and refuses it back (a password the replica lacks;
      // connections already open stay authenticated): what the master acknowledges now reaches only the live
      // subscribers, and dies with it.
      const admin = new Redis({ host: '127.0.0.1', port: master.port, lazyConnect: true, retryStrategy: () => null });
      admin.on('error', () => {});
      await admin.connect();
      expect(await admin.wait(1, 2000)).toBe(1);
      await admin.call('CONFIG', 'SET', 'requirepass', 'cut-off-the-replica');
      await admin.call('CLIENT', 'KILL', 'TYPE', 'replica');
      const lost: StoredEvent[] = [];
      for (let i = 0; i < 5; i++) lost.push(await a.append(topic, 'tick', `lost${i}`));
      // Delivered live before the master dies (a kill right after the appends could cut the notifications off too).
      await until(
        () => [onA, onB].every((seen) => seen.events.some((e) => e.id === lost.at(-1)?.id)),
        5000,
        'the doomed events delivered live',
      );
      await master.kill();
      admin.disconnect();
      const deadline = Date.now() + 20_000;
      while ((await c.masterOf(slot)) !== replica) {
        if (Date.now() > deadline) throw new Error('the replica did not take over within 20 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await master.start();
      let after: StoredEvent | undefined;
      for (let i = 0; !after && i < 200; i++) {
        after = await a.append(topic, 'tick', 'after').catch(() => undefined);
        if (!after) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(after, 'a publish after the failover').toBeDefined();
      await until(
        () => [onA, onB].every((seen) => seen.events.some((e) => e.id === after?.id)),
        15_000,
        'the event after the failover on both instances',
      );
      // The store really lost them (else this test proves nothing).
      const epoch = (before[0] as StoredEvent).epoch;
      const replay = await b.read(topic, epoch, (before[4] as StoredEvent).position);
      const kept = replay.kind === 'events' ? replay.events.map((e) => e.data) : [];
      expect(kept).toEqual(['after']);
      // Reported: both live listeners got a reset, and an id of a lost event is answered with a reset.
      expect(onA.resets.length).toBeGreaterThan(0);
      expect(onB.resets.length).toBeGreaterThan(0);
      expect(await b.read(topic, epoch, (lost[2] as StoredEvent).position)).toEqual({
        kind: 'reset',
        reason: 'unknown-position',
      });
      console.info(
        `failover with loss: ${lost.length} acknowledged events lost from the store; resets A ${onA.resets.length}, B ${onB.resets.length}`,
      );
      await c.waitHealthy();
      onA.stop();
      onB.stop();
    },
    120_000,
  );
});
