import { createRedisReplayStore, type RedisReplayStore } from '@ssekit/redis';
import type { StoredEvent } from '@ssekit/server/broadcast';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../server/tests/broadcast-helpers.ts';
import { deleteKeys, lockRedis, noRedis, REDIS_URL, uniquePrefix } from './redis-env.ts';

let unlock: (() => void) | undefined;
beforeAll(async () => {
  if (!noRedis) unlock = await lockRedis();
}, 120_000);
const prefix = uniquePrefix('store');
const stores: RedisReplayStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});
afterAll(() => unlock?.());
afterAll(() => deleteKeys(prefix));

async function open(options: { maxLen?: number } = {}): Promise<RedisReplayStore> {
  const store = await createRedisReplayStore({
    url: REDIS_URL,
    prefix,
    onError: () => {},
    ...(options.maxLen ? { maxLen: options.maxLen } : {}),
  });
  stores.push(store);
  return store;
}

function collect() {
  const events: StoredEvent[] = [];
  const resets: string[] = [];
  return {
    events,
    resets,
    listener: { event: (e: StoredEvent) => events.push(e), reset: (e: string) => resets.push(e) },
  };
}

describe.sequential('Redis replay store', () => {
  it.skipIf(noRedis)('shares one epoch across instances and stores events with resumable positions', async () => {
    const a = await open();
    const b = await open();
    expect(a.epoch).toBe(b.epoch);
    const first = await a.append('t/1', 'message', '{"n":1}');
    const second = await b.append('t/1', 'message', '{"n":2}');
    expect(first.epoch).toBe(a.epoch);
    expect(first.id).toBe(`${a.epoch}-${first.position.ms}-${first.position.seq}`);
    const replay = await b.read('t/1', first.epoch, first.position);
    expect(replay).toEqual({ kind: 'events', events: [expect.objectContaining({ id: second.id, data: '{"n":2}' })] });
    expect(await a.head('t/1')).toEqual({ epoch: a.epoch, position: second.position });
  });

  it.skipIf(noRedis)('fans out across instances in stream order, each event once', async () => {
    const a = await open();
    const b = await open();
    const onA = collect();
    const onB = collect();
    await a.subscribe('t/fan', onA.listener);
    await b.subscribe('t/fan', onB.listener);
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 100 }, async (_, n) => {
        ids.push((await (n % 2 ? a : b).append('t/fan', 'message', String(n))).id);
      }),
    );
    await until(() => onA.events.length === 100 && onB.events.length === 100, 5000, '100 events on both');
    const streamOrder = (await a.read('t/fan', a.epoch, { ms: 0, seq: 0 })) as { events: readonly StoredEvent[] };
    expect(onA.events.map((e) => e.id)).toEqual(streamOrder.events.map((e) => e.id));
    expect(onB.events.map((e) => e.id)).toEqual(streamOrder.events.map((e) => e.id));
    expect(new Set(ids)).toEqual(new Set(onA.events.map((e) => e.id)));
  });

  it.skipIf(noRedis)('answers other-epoch, expired and unknown-position with a reset', async () => {
    const store = await open({ maxLen: 3 });
    const ids = [];
    for (let n = 0; n < 6; n++) ids.push(await store.append('t/trim', 'message', String(n)));
    expect(await store.read('t/trim', 'someotherepoch1', ids[4]!.position)).toEqual({
      kind: 'reset',
      reason: 'other-epoch',
    });
    expect(await store.read('t/trim', store.epoch, ids[0]!.position)).toEqual({ kind: 'reset', reason: 'expired' });
    expect(await store.read('t/trim', store.epoch, ids[2]!.position)).toMatchObject({
      kind: 'events',
      events: ids.slice(3).map((e) => expect.objectContaining({ id: e.id })),
    });
    expect(await store.read('t/trim', store.epoch, { ms: ids[5]!.position.ms + 60_000, seq: 0 })).toEqual({
      kind: 'reset',
      reason: 'unknown-position',
    });
    expect(await store.read('t/never-written', store.epoch, { ms: 0, seq: 0 })).toEqual({ kind: 'events', events: [] });
  });

  it.skipIf(noRedis)(
    'reads at most `limit` events a page (the hub pages replays by it), all of them without a usable limit',
    async () => {
      const store = await open({ maxLen: 8 });
      const stored: StoredEvent[] = [];
      for (let i = 0; i < 6; i++) stored.push(await store.append('t/page', 'message', String(i)));
      const data = async (limit: number | undefined, after = { ms: 0, seq: 0 }) => {
        const result = await store.read('t/page', store.epoch, after, limit);
        if (result.kind !== 'events') throw new Error(`reset: ${result.reason}`);
        return result.events.map((e) => e.data);
      };
      expect(await data(3)).toEqual(['0', '1', '2']);
      expect(await data(3, (stored[2] as StoredEvent).position)).toEqual(['3', '4', '5']);
      expect(await data(1)).toEqual(['0']);
      expect(await data(2.7)).toEqual(['0', '1']);
      // no limit, a limit of 0 or less, or one above the retained length (Infinity too): every retained event
      for (const limit of [undefined, 0, -1, 9, Number.POSITIVE_INFINITY]) {
        expect(await data(limit)).toEqual(['0', '1', '2', '3', '4', '5']);
      }
      expect(await data(8)).toEqual(['0', '1', '2', '3', '4', '5']);
    },
  );

  it.skipIf(noRedis)(
    'answers a position between two stored events, where none was stored, with unknown-position',
    async () => {
      const store = await open();
      const first = await store.append('t/gap', 'message', '1');
      // A later millisecond for the second event (bounded wait): a position strictly between the two exists.
      for (let i = 0; i < 100 && Date.now() < first.position.ms + 3; i++) await new Promise((r) => setTimeout(r, 2));
      const second = await store.append('t/gap', 'message', '2');
      expect(second.position.ms).toBeGreaterThan(first.position.ms + 1);
      expect(await store.read('t/gap', store.epoch, { ms: second.position.ms - 1, seq: 0 })).toEqual({
        kind: 'reset',
        reason: 'unknown-position',
      });
      expect(await store.read('t/gap', store.epoch, first.position)).toMatchObject({
        kind: 'events',
        events: [expect.objectContaining({ id: second.id })],
      });
    },
  );
});
