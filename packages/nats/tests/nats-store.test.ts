import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createNatsStore, type NatsRetention, type NatsStore } from '@ssekit/nats';
import type { StoredEvent } from '@ssekit/server/broadcast';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../server/tests/broadcast-helpers.ts';
import { deleteStream, NATS_URL, noNats, uniqueStream } from './nats-env.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function store(stream: string, retention?: NatsRetention): Promise<NatsStore> {
  const created = await createNatsStore({ servers: NATS_URL, stream, retention, onError: () => {} });
  cleanups.push(() => created.close());
  return created;
}

function streamName(name: string): string {
  const stream = uniqueStream(name);
  cleanups.push(() => deleteStream(stream));
  return stream;
}

describe.skipIf(noNats)('NATS JetStream store', () => {
  it('appends in order with `<epoch>-<sequence>-0` ids, answers head and replays after a position, page by page', async () => {
    const s = await store(streamName('order'));
    expect(s.epoch).toMatch(/^[0-9]{8,32}$/);
    expect(await s.head('a')).toEqual({ epoch: s.epoch, position: { ms: 0, seq: 0 } });
    const a1 = await s.append('a', 'tick', '1');
    await s.append('b', 'tick', 'other topic');
    const a2 = await s.append('a', 'tick', '2');
    const a3 = await s.append('a', 'tock', '3');
    expect(a1.id).toBe(`${s.epoch}-${a1.position.ms}-0`);
    expect(a2.position.ms).toBeGreaterThan(a1.position.ms);
    expect(await s.head('a')).toEqual({ epoch: s.epoch, position: a3.position });
    const all = await s.read('a', s.epoch, { ms: 0, seq: 0 });
    expect(all).toEqual({ kind: 'events', events: [a1, a2, a3] });
    expect(await s.read('a', s.epoch, a1.position)).toEqual({ kind: 'events', events: [a2, a3] });
    expect(await s.read('a', s.epoch, a1.position, 1)).toEqual({ kind: 'events', events: [a2] });
    expect(await s.read('a', s.epoch, a3.position)).toEqual({ kind: 'events', events: [] });
    expect(await s.read('a', 'otherepoch1', a1.position)).toEqual({ kind: 'reset', reason: 'other-epoch' });
    expect(await s.read('a', s.epoch, { ms: a3.position.ms + 100, seq: 0 })).toEqual({
      kind: 'reset',
      reason: 'unknown-position',
    });
    expect(await s.read('a', s.epoch, { ms: 1, seq: 5 })).toEqual({ kind: 'reset', reason: 'unknown-position' });
  });

  it('maps retention to the stream and answers `expired` once events after a cursor were dropped', async () => {
    const stream = streamName('retention');
    const s = await store(stream, { maxEvents: 3, maxAgeMs: 60_000, maxBytes: 1_000_000 });
    const nc = await connect({ servers: NATS_URL });
    cleanups.push(() => nc.close());
    const info = await (await jetstreamManager(nc)).streams.info(stream);
    expect(info.config).toMatchObject({ max_msgs_per_subject: 3, max_age: 60_000 * 1_000_000, max_bytes: 1_000_000 });
    const events: StoredEvent[] = [];
    for (let i = 0; i < 5; i++) events.push(await s.append('t', 'tick', String(i)));
    await s.append('u', 'tick', 'other');
    // Events 0 and 1 are gone: a cursor at 0 lost event 1; a cursor at 1 lost nothing.
    expect(await s.read('t', s.epoch, (events[0] as StoredEvent).position)).toEqual({
      kind: 'reset',
      reason: 'expired',
    });
    expect(await s.read('t', s.epoch, { ms: 0, seq: 0 })).toEqual({ kind: 'reset', reason: 'expired' });
    expect(await s.read('t', s.epoch, (events[1] as StoredEvent).position)).toEqual({
      kind: 'events',
      events: events.slice(2),
    });
  });

  it('fans out across instances: each live event once, in order, including ones appended elsewhere', async () => {
    const stream = streamName('fanout');
    const a = await store(stream);
    const b = await store(stream);
    const got: StoredEvent[] = [];
    const stop = await b.subscribe('room', { event: (e) => got.push(e), reset: () => {} });
    cleanups.push(async () => stop());
    const sent: StoredEvent[] = [];
    for (let i = 0; i < 20; i++) sent.push(await (i % 2 ? a : b).append('room', 'tick', String(i)));
    await a.append('elsewhere', 'tick', 'x');
    await until(() => got.length >= 20, 5000, 'twenty live events');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(got).toEqual(sent);
  });

  it('links concurrent appends of two instances to one topic into one chain (every event replayed once)', async () => {
    const stream = streamName('race');
    const a = await store(stream);
    const b = await store(stream);
    const sent = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append('t', 'tick', String(i))),
    );
    const replay = await a.read('t', a.epoch, { ms: 0, seq: 0 });
    expect(replay.kind).toBe('events');
    const ids = (replay as { events: readonly StoredEvent[] }).events.map((e) => e.id);
    expect(ids).toEqual(sent.map((e) => e.id).sort((x, y) => Number(x.split('-')[1]) - Number(y.split('-')[1])));
  });

  it('a deleted and recreated stream is a new epoch: old cursors reset, live subscribers get the reset', async () => {
    const stream = streamName('epoch');
    const s = await store(stream);
    const first = await s.append('t', 'tick', '1');
    const resets: string[] = [];
    const stop = await s.subscribe('t', { event: () => {}, reset: (epoch) => resets.push(epoch) });
    cleanups.push(async () => stop());
    await deleteStream(stream);
    const other = await store(stream);
    expect(other.epoch).not.toBe(first.epoch);
    expect(await s.read('t', first.epoch, first.position)).toEqual({ kind: 'reset', reason: 'other-epoch' });
    expect(s.epoch).toBe(other.epoch);
    expect(resets).toEqual([other.epoch]);
  });

  it('a live subscriber of a recreated stream gets the reset, then the events of the new stream', async () => {
    const stream = streamName('recreate');
    const s = await store(stream);
    await s.append('t', 'tick', 'old1');
    await s.append('t', 'tick', 'old2');
    const got: string[] = [];
    const resets: string[] = [];
    const stop = await s.subscribe('t', { event: (e) => got.push(e.data), reset: (epoch) => resets.push(epoch) });
    cleanups.push(async () => stop());
    await s.append('t', 'tick', 'live');
    await until(() => got.length === 1, 5000, 'the live event');
    await deleteStream(stream);
    const other = await store(stream);
    // Fewer events than before: the new stream's sequences stay below the old ones.
    const fresh = await other.append('t', 'tick', 'new1');
    await until(() => got.includes('new1'), 10_000, 'the event of the new stream');
    expect(resets).toEqual([other.epoch]);
    expect(got).toEqual(['live', 'new1']);
    expect(fresh.position.ms).toBe(1);
  });

  it('uses a connection it is given and leaves it open on close', async () => {
    const nc = await connect({ servers: NATS_URL });
    cleanups.push(() => nc.close());
    const s = await createNatsStore({ connection: nc, stream: streamName('conn'), onError: () => {} });
    const stored = await s.append('t', 'tick', 'x');
    expect(await s.head('t')).toEqual({ epoch: s.epoch, position: stored.position });
    await s.close();
    expect(nc.isClosed()).toBe(false);
    await expect(s.append('t', 'tick', 'y')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });

  it('rejects a topic that cannot be a subject token with INVALID_ARGUMENT (a rejected promise), storing nothing', async () => {
    const s = await store(streamName('badtopic'));
    await expect(s.append('a\uD800', 'tick', 'x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(s.append('é'.repeat(2000), 'tick', 'x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('rejects bad options with a typed error', async () => {
    await expect(createNatsStore({ stream: 'a.b' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(createNatsStore({ retention: { maxEvents: 0 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
