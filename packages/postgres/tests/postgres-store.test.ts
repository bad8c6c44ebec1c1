import { createPostgresStore, type PostgresStore, publishInTransaction, schemaSql } from '@ssekit/postgres';
import { createHub, createMemoryReplayStore, type StoredEvent } from '@ssekit/server/broadcast';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../server/tests/broadcast-helpers.ts';
import { feedContract } from './fixtures/feed-contract.ts';
import { createSchema, DATABASE_URL, dropSchema, noPostgres } from './pg-env.ts';

let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 20 });
});
afterAll(async () => {
  await pool?.end();
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function table(name: string): Promise<string> {
  const schema = await createSchema(pool, name);
  cleanups.push(() => dropSchema(pool, schema));
  return `${schema}.events`;
}

async function store(
  tableName: string,
  options: Parameters<typeof createPostgresStore>[0] = {},
): Promise<PostgresStore> {
  const created = await createPostgresStore({ pool, table: tableName, onError: () => {}, ...options });
  cleanups.push(() => created.close());
  return created;
}

/** Runs `body` in a transaction on its own connection; commits unless it throws or asks to roll back. */
async function inTransaction<T>(
  body: (client: pg.PoolClient) => Promise<T>,
  outcome: 'commit' | 'rollback' = 'commit',
) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await body(client);
    await client.query(outcome === 'commit' ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function collect(s: PostgresStore, topic: string) {
  const got: StoredEvent[] = [];
  const resets: string[] = [];
  const stop = s.subscribe(topic, { event: (e) => got.push(e), reset: (e) => resets.push(e) });
  cleanups.push(async () => (await stop)());
  return { got, resets, ready: stop };
}

const ZERO = { ms: 0, seq: 0 };

describe.skipIf(noPostgres)('PostgreSQL store', () => {
  it('instances starting together on a new table create it once: no race between their migrations', async () => {
    const name = await table('together');
    const stores = await Promise.all(Array.from({ length: 8 }, () => store(name)));
    const epochs = new Set(await Promise.all(stores.map(async (s) => (await s.head('t')).epoch)));
    expect(epochs.size).toBe(1);
  });

  it('appends in order with `<epoch>-<position>-0` ids, answers head and replays after a position, page by page', async () => {
    const s = await store(await table('order'));
    expect(s.epoch).toMatch(/^[0-9a-f]{16}$/);
    expect(await s.head('a')).toEqual({ epoch: s.epoch, position: ZERO });
    const a1 = await s.append('a', 'tick', '1');
    await s.append('b', 'tick', 'other topic');
    const a2 = await s.append('a', 'tick', '2');
    const a3 = await s.append('a', 'tock', '3');
    expect(a1.id).toBe(`${s.epoch}-${a1.position.ms}-0`);
    expect(await s.head('a')).toEqual({ epoch: s.epoch, position: a3.position });
    expect(await s.read('a', s.epoch, ZERO)).toEqual({ kind: 'events', events: [a1, a2, a3] });
    expect(await s.read('a', s.epoch, a1.position, 1)).toEqual({ kind: 'events', events: [a2] });
    expect(await s.read('a', s.epoch, a3.position)).toEqual({ kind: 'events', events: [] });
    expect(await s.read('a', 'otherepoch1', a1.position)).toEqual({ kind: 'reset', reason: 'other-epoch' });
    expect(await s.read('a', s.epoch, { ms: a3.position.ms + 1, seq: 0 })).toEqual({
      kind: 'reset',
      reason: 'unknown-position',
    });
  });

  it('applies retention by count, bytes and age, and answers `expired` for cursors before what was dropped', async () => {
    const byCount = await store(await table('count'), { retention: { maxEvents: 3 } });
    const events: StoredEvent[] = [];
    for (let i = 0; i < 5; i++) events.push(await byCount.append('t', 'tick', String(i)));
    const e = (i: number) => (events[i] as StoredEvent).position;
    expect(await byCount.read('t', byCount.epoch, e(0))).toEqual({ kind: 'reset', reason: 'expired' });
    expect(await byCount.read('t', byCount.epoch, e(1))).toEqual({ kind: 'events', events: events.slice(2) });
    // A topic trimmed empty still knows its head.
    const bySize = await store(await table('bytes'), { retention: { maxBytes: 2 * (64 + 4 + 10) } });
    const sized: StoredEvent[] = [];
    for (let i = 0; i < 4; i++) sized.push(await bySize.append('t', 'tick', 'x'.repeat(10)));
    expect(await bySize.read('t', bySize.epoch, (sized[1] as StoredEvent).position)).toEqual({
      kind: 'events',
      events: sized.slice(2),
    });
    expect(await bySize.read('t', bySize.epoch, (sized[0] as StoredEvent).position)).toMatchObject({
      reason: 'expired',
    });
    const byAge = await store(await table('age'), { retention: { maxAgeMs: 200 } });
    const old = await byAge.append('t', 'tick', 'old');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await byAge.trim();
    expect(await byAge.read('t', byAge.epoch, ZERO)).toEqual({ kind: 'reset', reason: 'expired' });
    expect(await byAge.head('t')).toEqual({ epoch: byAge.epoch, position: old.position });
    expect(await byAge.read('t', byAge.epoch, old.position)).toEqual({ kind: 'events', events: [] });
  });

  it('retention also applies to events published in transactions, at the next sweep', async () => {
    const s = await store(await table('sweep'), { retention: { maxEvents: 2 }, pollIntervalMs: 100 });
    const events: StoredEvent[] = [];
    for (let i = 0; i < 5; i++)
      events.push(await inTransaction((client) => s.appendInTransaction(client, 't', 'tick', `${i}`)));
    const first = (events[0] as StoredEvent).position;
    const deadline = Date.now() + 5000;
    while ((await s.read('t', s.epoch, first)).kind !== 'reset' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await s.read('t', s.epoch, first)).toEqual({ kind: 'reset', reason: 'expired' });
    expect(await s.read('t', s.epoch, (events[2] as StoredEvent).position)).toEqual({
      kind: 'events',
      events: events.slice(3),
    });
  });

  it('an event whose notification was lost is still delivered, by the periodic re-read', async () => {
    const name = await table('poll');
    const s = await store(name, { pollIntervalMs: 200 });
    const live = collect(s, 't');
    await live.ready;
    // A row without its NOTIFY (as if the notification was lost): only the poll can find it.
    await pool.query(`INSERT INTO ${name} (topic, event, data) VALUES ('t', 'tick', 'silent')`);
    await until(() => live.got.length === 1, 5000, 'the silent event');
    expect(live.got[0]).toMatchObject({ topic: 't', event: 'tick', data: 'silent' });
  });

  it('a dropped and recreated table is a new epoch: old cursors get other-epoch', async () => {
    const name = await table('epoch');
    const s = await store(name);
    const first = await s.append('t', 'tick', '1');
    await pool.query(`DROP TABLE ${name}, ${name}_meta, ${name}_trimmed`);
    await pool.query(schemaSql(name));
    expect(await s.read('t', first.epoch, first.position)).toEqual({ kind: 'reset', reason: 'other-epoch' });
    expect(s.epoch).not.toBe(first.epoch);
  });

  it('a rolled-back transaction delivers nothing; a committed one delivers once, only after COMMIT', async () => {
    const s = await store(await table('rollback'));
    const hub = createHub(feedContract.feed, { store: s });
    const topic = hub.topicOf({ feed: 'f' });
    const live = collect(s, topic);
    await live.ready;
    await inTransaction(
      (client) => publishInTransaction(client, hub, { feed: 'f' }, 'tick', { src: 'rolled-back', n: 1 }),
      'rollback',
    );
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const receipt = await publishInTransaction(client, hub, { feed: 'f' }, 'tick', { src: 'committed', n: 2 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(live.got).toEqual([]);
      await client.query('COMMIT');
      await until(() => live.got.length >= 1, 5000, 'the committed event');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(live.got.map((e) => [e.id, JSON.parse(e.data).src])).toEqual([[receipt.id, 'committed']]);
    } finally {
      client.release();
    }
    const replay = await s.read(topic, s.epoch, ZERO);
    expect(replay.kind === 'events' && replay.events.map((e) => JSON.parse(e.data).src)).toEqual(['committed']);
  });

  it('publishInTransaction validates with the hub like publish, and refuses a hub on another store', async () => {
    const s = await store(await table('validate'));
    const hub = createHub(feedContract.feed, { store: s });
    await expect(
      inTransaction((client) => publishInTransaction(client, hub, { feed: 'f' }, 'tick', { src: 'x', n: 1.5 })),
    ).rejects.toMatchObject({ code: 'CONTRACT_VALIDATION' });
    const memoryHub = createHub(feedContract.feed, { store: createMemoryReplayStore() });
    await expect(
      inTransaction((client) => publishInTransaction(client, memoryHub, { feed: 'f' }, 'tick', { src: 'x', n: 1 })),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await s.head(hub.topicOf({ feed: 'f' }))).toEqual({ epoch: s.epoch, position: ZERO });
    // An ORM adapter that resolves to the rows themselves (as Prisma's $queryRawUnsafe does) works too.
    const receipt = await inTransaction((client) =>
      publishInTransaction(
        { query: async (text, values) => (await client.query(text, values)).rows },
        hub,
        { feed: 'f' },
        'tick',
        { src: 'adapter', n: 1 },
      ),
    );
    expect((await s.head(hub.topicOf({ feed: 'f' }))).position).toEqual(receipt.position);
  });

  it('a publish to a topic waits for an earlier uncommitted publish to it, so positions commit in order', async () => {
    const s = await store(await table('order2'));
    const live = collect(s, 't');
    await live.ready;
    const first = await pool.connect();
    const second = await pool.connect();
    try {
      await first.query('BEGIN');
      const e1 = await s.appendInTransaction(first, 't', 'tick', 'first');
      await second.query('BEGIN');
      let secondDone = false;
      const pending = s.appendInTransaction(second, 't', 'tick', 'second').then((e) => {
        secondDone = true;
        return e;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Without the per-topic lock the second would take a later position and could commit first: a relay past it
      // would then never read the first.
      expect(secondDone).toBe(false);
      await first.query('COMMIT');
      const e2 = await pending;
      expect(e2.position.ms).toBeGreaterThan(e1.position.ms);
      await second.query('COMMIT');
      await until(() => live.got.length >= 2, 5000, 'both events');
      expect(live.got.map((e) => e.data)).toEqual(['first', 'second']);
    } finally {
      first.release();
      second.release();
    }
  });

  it('two transactions locking two topics in opposite orders: PostgreSQL aborts one (STORE_UNAVAILABLE), the other commits', async () => {
    const s = await store(await table('deadlock'));
    const first = await pool.connect();
    const second = await pool.connect();
    try {
      await first.query('BEGIN');
      await second.query('BEGIN');
      await s.appendInTransaction(first, 'a', 'tick', '1a');
      await s.appendInTransaction(second, 'b', 'tick', '2b');
      const outcomes = await Promise.allSettled([
        s.appendInTransaction(first, 'b', 'tick', '1b'),
        s.appendInTransaction(second, 'a', 'tick', '2a'),
      ]);
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(rejected).toHaveLength(1);
      expect(rejected[0]?.reason).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      const winner = outcomes[0]?.status === 'fulfilled' ? first : second;
      const loser = winner === first ? second : first;
      await loser.query('ROLLBACK');
      await winner.query('COMMIT');
      const a = await s.read('a', s.epoch, ZERO);
      const b = await s.read('b', s.epoch, ZERO);
      const all = [a, b].flatMap((r) => (r.kind === 'events' ? r.events.map((e) => e.data) : []));
      expect(all.sort()).toEqual(winner === first ? ['1a', '1b'] : ['2a', '2b']);
    } finally {
      first.release();
      second.release();
    }
  });

  it('concurrent transactions over several topics, committing or rolling back in any order: two instances each deliver every committed event once, in position order', async () => {
    const name = await table('concurrent');
    const a = await store(name, { pollIntervalMs: 60_000 });
    const b = await store(name, { pollIntervalMs: 60_000 });
    const topics = ['x', 'y', 'z'];
    const listeners = [a, b].flatMap((s) => topics.map((topic) => ({ s, topic, live: collect(s, topic) })));
    for (const l of listeners) await l.live.ready;
    const committed = new Map<string, string[]>(topics.map((t) => [t, []]));
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        // Two topics per transaction, always in the same (sorted) order: per-topic locks taken in opposite orders by two
        // transactions would deadlock (PostgreSQL aborts one of them; see the README).
        const [topic, other] = [
          topics[i % topics.length] as string,
          topics[(i + 1) % topics.length] as string,
        ].sort() as [string, string];
        const rollback = random() < 0.25;
        const pause = Math.floor(random() * 60);
        await inTransaction(
          async (client) => {
            await new Promise((resolve) => setTimeout(resolve, pause));
            await a.appendInTransaction(client, topic, 'tick', `${i}`);
            await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 60)));
            await b.appendInTransaction(client, other, 'tick', `${i}'`);
          },
          rollback ? 'rollback' : 'commit',
        );
        if (!rollback) {
          committed.get(topic)?.push(`${i}`);
          committed.get(other)?.push(`${i}'`);
        }
      }),
    );
    for (const topic of topics) {
      const replay = await a.read(topic, a.epoch, ZERO);
      const stored = replay.kind === 'events' ? replay.events : [];
      // Replay is in position order (numeric: 10 after 9).
      expect(stored.map((e) => e.position.ms)).toEqual(stored.map((e) => e.position.ms).sort((x, y) => x - y));
      expect(new Set(stored.map((e) => e.data))).toEqual(new Set(committed.get(topic)));
      for (const l of listeners.filter((x) => x.topic === topic)) {
        await until(() => l.live.got.length >= stored.length, 5000, `topic ${topic}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(l.live.got.map((e) => e.id)).toEqual(stored.map((e) => e.id));
      }
    }
  });

  it('rejects bad options with a typed error, and a failed write inside the transaction with STORE_UNAVAILABLE', async () => {
    await expect(createPostgresStore({ pool, table: 'Bad-Name' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(createPostgresStore({ pool, retention: { maxEvents: 0 } })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    const s = await store(await table('fail'));
    await expect(
      inTransaction(async (client) => {
        await client.query('SELECT 1/0').catch(() => {});
        return s.appendInTransaction(client, 't', 'tick', 'x');
      }),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
