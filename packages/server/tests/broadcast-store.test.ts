import {
  comparePositions,
  createMemoryReplayStore,
  formatEventId,
  MAX_EVENT_ID_LENGTH,
  parseEventId,
  randomEpoch,
  type StoredEvent,
} from '@ssekit/server/broadcast';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('resumable event ids', () => {
  it('round-trip epoch and position', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9]{8,32}$/),
        fc.integer({ min: 0, max: 999_999_999_999_999 }),
        fc.integer({ min: 0, max: 999_999_999_999_999 }),
        (epoch, ms, seq) => {
          expect(parseEventId(formatEventId(epoch, { ms, seq }))).toEqual({ epoch, position: { ms, seq } });
        },
      ),
    );
  });

  it('reject anything else, strictly', () => {
    for (const id of [
      '',
      '42',
      'abcdefgh-1',
      'abcdefgh-1-2-3',
      'abcdefgh-01-2',
      'abcdefgh-1-02',
      'abcdefgh--1-2',
      'abc-1-2',
      'abcdefgh-1-2 ',
      ' abcdefgh-1-2',
      'abcdefgh-1e3-2',
      'abcdéfgh-1-2',
      `${'a'.repeat(33)}-1-2`,
      'abcdefgh-1234567890123456-0',
    ]) {
      expect(parseEventId(id), id).toBeUndefined();
    }
  });

  it('reject oversized ids by length before any scan', () => {
    const huge = `${'a'.repeat(16)}-${'1'.repeat(100_000)}-0`;
    expect(huge.length).toBeGreaterThan(MAX_EVENT_ID_LENGTH);
    expect(parseEventId(huge)).toBeUndefined();
    fc.assert(fc.property(fc.string({ minLength: MAX_EVENT_ID_LENGTH + 1 }), (s) => parseEventId(s) === undefined));
  });

  it('random epochs are valid and distinct', () => {
    const epochs = new Set(Array.from({ length: 1000 }, () => randomEpoch()));
    expect(epochs.size).toBe(1000);
    for (const epoch of epochs) expect(parseEventId(formatEventId(epoch, { ms: 1, seq: 0 }))?.epoch).toBe(epoch);
  });
});

describe('memory replay store bounds', () => {
  const events = (result: Awaited<ReturnType<ReturnType<typeof createMemoryReplayStore>['read']>>) =>
    result.kind === 'events' ? result.events.map((e) => e.data) : result.reason;

  it('keeps at most maxEventsPerTopic events; older ids are answered with expired', async () => {
    const store = createMemoryReplayStore({ maxEventsPerTopic: 3 });
    const stored: StoredEvent[] = [];
    for (let i = 0; i < 6; i++) stored.push(await store.append('t', 'm', String(i)));
    expect(events(await store.read('t', store.epoch, { ms: 0, seq: 0 }))).toBe('expired');
    expect(events(await store.read('t', store.epoch, stored[1]!.position))).toBe('expired');
    expect(events(await store.read('t', store.epoch, stored[2]!.position))).toEqual(['3', '4', '5']);
    await store.close();
  });

  it('drops events older than maxAgeMs', async () => {
    let clock = 1_000_000;
    const store = createMemoryReplayStore({ maxAgeMs: 1000, now: () => clock });
    const first = await store.append('t', 'm', 'old');
    clock += 600;
    await store.append('t', 'm', 'newer');
    clock += 600;
    expect(events(await store.read('t', store.epoch, { ms: 0, seq: 0 }))).toBe('expired');
    expect(events(await store.read('t', store.epoch, first.position))).toEqual(['newer']);
    await store.close();
  });

  it('keeps at most maxBytesPerTopic bytes', async () => {
    const store = createMemoryReplayStore({ maxBytesPerTopic: 1000 });
    const stored: StoredEvent[] = [];
    for (let i = 0; i < 10; i++) stored.push(await store.append('t', 'm', `${i}${'x'.repeat(199)}`));
    // 200 chars of data + 1 of name + 64 of overhead per event: three fit in 1000 bytes.
    expect(events(await store.read('t', store.epoch, stored[6]!.position))).toHaveLength(3);
    expect(events(await store.read('t', store.epoch, stored[5]!.position))).toBe('expired');
    expect(events(await store.read('t', store.epoch, stored[0]!.position))).toBe('expired');
    await store.close();
  });

  it('drops the least recently written topic past maxTopics, and then answers its old ids with expired', async () => {
    const store = createMemoryReplayStore({ maxTopics: 2 });
    const a = await store.append('a', 'm', '1');
    await store.append('a', 'm', '2');
    await store.append('b', 'm', '1');
    await store.append('c', 'm', '1');
    expect(store.topicCount).toBe(2);
    expect(events(await store.read('a', store.epoch, a.position))).toBe('expired');
    await store.close();
  });

  it('keeps at most maxTotalBytes across topics, dropping the least recently written topics first', async () => {
    // 100 chars of data + 1 of name + 64 of overhead = 165 bytes per event; 1000 bytes hold six.
    const store = createMemoryReplayStore({ maxTotalBytes: 1000 });
    const firsts: StoredEvent[] = [];
    for (let topic = 0; topic < 200; topic++) {
      firsts.push(await store.append(`room-${topic}`, 'm', 'x'.repeat(100)));
      await store.append(`room-${topic}`, 'm', 'y'.repeat(100));
      expect(store.totalBytes).toBeLessThanOrEqual(1000);
    }
    expect(store.totalBytes).toBe(6 * 165);
    expect(store.topicCount).toBe(3);
    // The newest topics are whole; an evicted topic's old id is answered with expired, not a silent empty replay.
    expect(events(await store.read('room-199', store.epoch, firsts[199]!.position))).toEqual(['y'.repeat(100)]);
    expect(events(await store.read('room-0', store.epoch, firsts[0]!.position))).toBe('expired');
    await store.close();
  });

  it('under maxTotalBytes trims a subscribed topic without dropping it, and writing a topic keeps it', async () => {
    const store = createMemoryReplayStore({ maxTotalBytes: 1000 });
    const unsubscribe = await store.subscribe('watched', { event() {}, reset() {} });
    const first = await store.append('watched', 'm', 'x'.repeat(100));
    for (let i = 0; i < 10; i++) await store.append(`other-${i}`, 'm', 'y'.repeat(100));
    expect(store.totalBytes).toBeLessThanOrEqual(1000);
    // Its only event went (oldest-written topic), but its log stays while subscribed: resuming from before it is
    // expired, resuming from it loses nothing, and the topic goes on.
    expect(events(await store.read('watched', store.epoch, { ms: 0, seq: 0 }))).toBe('expired');
    expect(events(await store.read('watched', store.epoch, first.position))).toEqual([]);
    const again = await store.append('watched', 'm', 'z');
    expect(events(await store.read('watched', store.epoch, first.position))).toEqual(['z']);
    expect(await store.head('watched')).toMatchObject({ position: again.position });
    unsubscribe();
    await store.close();
  });

  it('rejects a non-positive maxTotalBytes', () => {
    expect(() => createMemoryReplayStore({ maxTotalBytes: 0 })).toThrow(/maxTotalBytes must be positive/);
  });

  it('a topic dropped whole and written again still answers its old ids with expired', async () => {
    const store = createMemoryReplayStore({ maxTopics: 1 });
    const old = await store.append('a', 'm', '1');
    await store.append('b', 'm', '1'); // drops topic a whole
    await store.append('a', 'm', '2'); // a again (drops b)
    expect(events(await store.read('a', store.epoch, { ms: 0, seq: 0 }))).toBe('expired');
    expect(events(await store.read('a', store.epoch, old.position))).toEqual(['2']);
    await store.close();
  });

  it('answers another epoch and a position from the future with a reset; issues ids in order', async () => {
    const store = createMemoryReplayStore();
    const stored: StoredEvent[] = [];
    for (let i = 0; i < 50; i++) stored.push(await store.append('t', 'm', String(i)));
    for (let i = 1; i < stored.length; i++) {
      expect(comparePositions(stored[i]!.position, stored[i - 1]!.position)).toBeGreaterThan(0);
    }
    expect(events(await store.read('t', 'anotherepoch', stored[0]!.position))).toBe('other-epoch');
    expect(events(await store.read('t', store.epoch, { ms: Date.now() + 60_000, seq: 0 }))).toBe('unknown-position');
    expect(await store.head('t')).toEqual({ epoch: store.epoch, position: stored[49]!.position });
    await store.close();
  });
});
