/**
 * The replay store conformance suite: every `ReplayStore` (memory, Redis, Redis Cluster, NATS, PostgreSQL…) runs it.
 * A new store is done when it passes. Test-only: it lives under `tests/`, outside the published package; other
 * packages' tests import it by relative path (`../../server/tests/store-conformance.ts`).
 *
 * @example
 * ```ts
 * describeReplayStore('memory', { create: async () => createMemoryReplayStore() });
 * ```
 */
import { defineContract, isSsekitError } from '@ssekit/contract';
import { implement } from '@ssekit/server';
import {
  checkTopic,
  comparePositions,
  createHub,
  formatEventId,
  isValidEpoch,
  parseEventId,
  type ReplayResult,
  type ReplayStore,
  type StoredEvent,
  type StreamPosition,
  ZERO_POSITION,
} from '@ssekit/server/broadcast';
import { serve } from '@ssekit/server/node';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openStream, until } from './broadcast-helpers.ts';

/** How a store under test is made, and what the suite may do to its backend. */
export interface ReplayStoreFactory {
  /** A fresh store in a fresh namespace (its own key prefix, stream, schema…): no events of any earlier test. */
  create(): Promise<ReplayStore>;
  /**
   * Another instance sharing `first`'s backend and namespace, as a second server process would: enables the
   * cross-instance fan-out cases. Omit for stores that live in one process (memory).
   */
  second?(first: ReplayStore): Promise<ReplayStore>;
  /**
   * Stops and restarts the store's backend (a private server started for the test, never a shared one). Enables the
   * outage and recovery cases. `start` resolves once the backend answers again.
   */
  outage?: {
    /** A fresh store on the private backend (the stores of `create` may live elsewhere). */
    create(): Promise<ReplayStore>;
    stop(): Promise<void>;
    start(): Promise<void>;
    /**
     * Whether acknowledged events survive `stop`/`start` (a persistent backend). When false the suite demands that the
     * loss is reported instead: a new epoch, resets to live listeners and old ids.
     */
    durable: boolean;
  };
  /** The store's retention options, mapped from the suite's bounds. Each is optional: omit what the store lacks. */
  retention?: {
    /** A store keeping at most `maxEvents` events per topic. */
    maxEvents?(maxEvents: number): Promise<ReplayStore>;
    /** A store dropping events older than `maxAgeMs` (at least on the next append to the topic). */
    maxAgeMs?(maxAgeMs: number): Promise<ReplayStore>;
    /** A store keeping at most about `maxBytes` bytes of event data per topic. */
    maxBytes?(maxBytes: number): Promise<ReplayStore>;
  };
  /** Why the suite cannot run here (service missing, local run): every case is skipped with this message. */
  skip?: string | false;
  /** Bound of each wait for a live event, ms. Default 5000. */
  waitMs?: number;
}

interface Collected {
  readonly events: StoredEvent[];
  readonly resets: string[];
  stop(): void;
}

async function collect(store: ReplayStore, topic: string): Promise<Collected> {
  const events: StoredEvent[] = [];
  const resets: string[] = [];
  const stop = await store.subscribe(topic, {
    event: (stored) => events.push(stored),
    reset: (epoch) => resets.push(epoch),
  });
  return { events, resets, stop };
}

/** `seen` is in position order, without duplicates, and holds every event of `acked`. */
function expectAllInOrder(seen: readonly StoredEvent[], acked: readonly StoredEvent[], where: string): void {
  for (let i = 1; i < seen.length; i++) {
    expect(
      comparePositions((seen[i] as StoredEvent).position, (seen[i - 1] as StoredEvent).position),
      where,
    ).toBeGreaterThan(0);
  }
  const ids = new Set(seen.map((e) => e.id));
  expect(
    acked.filter((e) => !ids.has(e.id)).map((e) => e.id),
    `${where}: acknowledged events missing`,
  ).toEqual([]);
}

function dataOfResult(result: ReplayResult): string[] | string {
  return result.kind === 'events' ? result.events.map((e) => e.data) : result.reason;
}

async function readAll(store: ReplayStore, topic: string, epoch: string, after: StreamPosition): Promise<ReplayResult> {
  return store.read(topic, epoch, after);
}

let topicCounter = 0;
/** A topic name unique to this run: shared backends keep other runs' topics apart too. */
function freshTopic(name: string): string {
  topicCounter++;
  return `conf/${name}/${process.pid}-${Date.now().toString(36)}-${topicCounter}`;
}

/** Hostile topic names: Unicode (astral, combining), hash-tag braces, separators, whitespace, percent signs. */
const topicName = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }),
    fc
      .array(
        fc.constantFrom('{', '}', '{}', ':', '/', '%', '*', '?', '[', ']', ' ', '\\', 'é', '😀', '中', '\n', 'a'),
        {
          minLength: 1,
          maxLength: 10,
        },
      )
      .map((parts) => parts.join('')),
  )
  .filter((topic) => {
    try {
      checkTopic('conf', topic);
      return encodeURIComponent(topic).length > 0;
    } catch {
      return false;
    }
  });

const hubContract = defineContract({
  feed: {
    path: '/feeds/:feed/events',
    replay: true,
    resetEvent: 'reset',
    events: {
      tick: z.object({ n: z.number().int() }),
      reset: z.object({ reason: z.string() }),
    },
  },
});

/**
 * Registers the conformance cases of one store under `describe(\`replay store conformance: ${name}\`)`. Stores made by
 * the factory are closed after the file.
 */
export function describeReplayStore(name: string, factory: ReplayStoreFactory): void {
  const waitMs = factory.waitMs ?? 5000;
  const open: ReplayStore[] = [];
  const track = async (made: Promise<ReplayStore>): Promise<ReplayStore> => {
    const store = await made;
    open.push(store);
    return store;
  };
  const create = () => track(factory.create());
  const skip = factory.skip || false;
  const test = skip ? it.skip : it;

  describe(`replay store conformance: ${name}`, () => {
    if (skip) console.warn(`\n!!  replay store conformance "${name}" SKIPPED: ${skip}\n`);
    afterAll(async () => {
      await Promise.allSettled(open.map((store) => store.close()));
    }, 60_000);

    describe('append, ids and epochs', () => {
      test('appends in order: positions strictly increase, and ids are `<epoch>-<ms>-<seq>` of them', async () => {
        const store = await create();
        const topic = freshTopic('order');
        const stored: StoredEvent[] = [];
        for (let i = 0; i < 20; i++) stored.push(await store.append(topic, 'tick', `s${i}`));
        // Concurrent appends too: each is stored once, in the order the store assigned positions.
        stored.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(topic, 'tick', `c${i}`)))));
        const epoch = stored[0]?.epoch as string;
        expect(isValidEpoch(epoch)).toBe(true);
        for (const event of stored) {
          expect(event.topic).toBe(topic);
          expect(event.epoch).toBe(epoch);
          expect(event.id).toBe(formatEventId(epoch, event.position));
          expect(parseEventId(event.id)).toEqual({ epoch, position: event.position });
        }
        for (let i = 1; i < 20; i++) {
          expect(
            comparePositions((stored[i] as StoredEvent).position, (stored[i - 1] as StoredEvent).position),
          ).toBeGreaterThan(0);
        }
        const ids = new Set(stored.map((e) => e.id));
        expect(ids.size).toBe(40);
        const sorted = [...stored].sort((a, b) => comparePositions(a.position, b.position));
        const replayed = await readAll(store, topic, epoch, ZERO_POSITION);
        expect(replayed.kind).toBe('events');
        expect(dataOfResult(replayed)).toEqual(sorted.map((e) => e.data));
        expect(await store.head(topic)).toEqual({ epoch, position: sorted[39]?.position });
      });

      test('an unknown topic has head 0-0 in the current epoch and replays nothing from 0-0', async () => {
        const store = await create();
        const known = freshTopic('known');
        const first = await store.append(known, 'tick', 'x');
        const topic = freshTopic('empty');
        expect(await store.head(topic)).toEqual({ epoch: first.epoch, position: ZERO_POSITION });
        expect(await store.read(topic, first.epoch, ZERO_POSITION)).toEqual({ kind: 'events', events: [] });
      });

      test('keeps event names and data byte for byte (newlines, Unicode, empty data)', async () => {
        const store = await create();
        const topic = freshTopic('data');
        const payloads = ['', 'line1\nline2', '{"a":"é😀中"}', ' leading space', 'x'.repeat(10_000), 'a\r\nb'];
        for (const data of payloads) await store.append(topic, 'ev-name_1', data);
        const listener = await collect(store, topic);
        await store.append(topic, 'other', 'live\nline');
        await until(() => listener.events.length === 1, waitMs, 'the live event');
        listener.stop();
        const head = await store.head(topic);
        const result = await store.read(topic, head.epoch, ZERO_POSITION);
        expect(result.kind === 'events' && result.events.map((e) => [e.event, e.data])).toEqual([
          ...payloads.map((data) => ['ev-name_1', data]),
          ['other', 'live\nline'],
        ]);
        expect(listener.events.map((e) => [e.event, e.data])).toEqual([['other', 'live\nline']]);
      });
    });

    describe('replay', () => {
      test('from an id: every later retained event once, in order; nothing after the newest', async () => {
        const store = await create();
        const topic = freshTopic('replay');
        const stored: StoredEvent[] = [];
        for (let i = 0; i < 12; i++) stored.push(await store.append(topic, 'tick', String(i)));
        const { epoch } = stored[0] as StoredEvent;
        expect(dataOfResult(await readAll(store, topic, epoch, ZERO_POSITION))).toEqual(stored.map((e) => e.data));
        for (const from of [0, 4, 10]) {
          const result = await readAll(store, topic, epoch, (stored[from] as StoredEvent).position);
          expect(dataOfResult(result)).toEqual(stored.slice(from + 1).map((e) => e.data));
          if (result.kind === 'events')
            expect(result.events.map((e) => e.id)).toEqual(stored.slice(from + 1).map((e) => e.id));
        }
        expect(dataOfResult(await readAll(store, topic, epoch, (stored[11] as StoredEvent).position))).toEqual([]);
      });

      test('pages with `limit`: at most `limit` events a page, every event once across pages', async () => {
        const store = await create();
        const topic = freshTopic('pages');
        const stored: StoredEvent[] = [];
        for (let i = 0; i < 11; i++) stored.push(await store.append(topic, 'tick', String(i)));
        const { epoch } = stored[0] as StoredEvent;
        const seen: string[] = [];
        let after = ZERO_POSITION;
        for (let page = 0; page < 20; page++) {
          const result = await store.read(topic, epoch, after, 3);
          if (result.kind !== 'events') throw new Error(`page ${page}: reset ${result.reason}`);
          // A store may ignore the limit (returning everything at once); one that honours it returns at most 3.
          for (const event of result.events) {
            expect(comparePositions(event.position, after)).toBeGreaterThan(0);
            seen.push(event.data);
            after = event.position;
          }
          if (result.events.length < 3) break;
        }
        expect(seen).toEqual(stored.map((e) => e.data));
        const page = await store.read(topic, epoch, ZERO_POSITION, 3);
        expect(page.kind === 'events' && page.events.length).toBeLessThanOrEqual(11);
      });

      test('resets: another epoch, a position past the head, an expired position', async () => {
        const store = await create();
        const topic = freshTopic('resets');
        const first = await store.append(topic, 'tick', '0');
        const last = await store.append(topic, 'tick', '1');
        const otherEpoch = first.epoch === 'otherepoch0001' ? 'otherepoch0002' : 'otherepoch0001';
        expect(await store.read(topic, otherEpoch, first.position)).toEqual({ kind: 'reset', reason: 'other-epoch' });
        expect(await store.read(topic, otherEpoch, ZERO_POSITION)).toEqual({ kind: 'reset', reason: 'other-epoch' });
        const future = { ms: last.position.ms + 3_600_000, seq: 0 };
        expect(await store.read(topic, first.epoch, future)).toEqual({ kind: 'reset', reason: 'unknown-position' });
        expect(await store.read(topic, first.epoch, { ms: last.position.ms, seq: last.position.seq + 1 })).toEqual({
          kind: 'reset',
          reason: 'unknown-position',
        });
      });

      test('through a hub: a malformed id gets the reset event; a valid one every later event before live ones', async () => {
        const store = await create();
        const hub = createHub(hubContract.feed, { store, onError: () => {} });
        const router = implement(hubContract, { feed: hub.implementation() }, { heartbeat: false, onError: () => {} });
        const server = await serve(router);
        try {
          const feed = `f${Date.now().toString(36)}${topicCounter++}`;
          const url = `${server.url}/feeds/${feed}/events`;
          const receipts = [];
          for (let n = 0; n < 5; n++) receipts.push(await hub.publish({ feed }, 'tick', { n }));
          const malformed = await openStream(url, { lastEventId: 'not-an-id' });
          await malformed.waitFor((events) => events.length >= 1, waitMs, 'the reset event');
          expect(malformed.events[0]?.event).toBe('reset');
          expect(JSON.parse(malformed.events[0]?.data as string)).toEqual({ reason: 'malformed' });
          malformed.close();
          const resumed = await openStream(url, { lastEventId: receipts[1]?.id });
          await resumed.waitFor((events) => events.length >= 3, waitMs, 'the replayed events');
          await hub.publish({ feed }, 'tick', { n: 5 });
          await resumed.waitFor((events) => events.length >= 4, waitMs, 'the live event');
          expect(resumed.events.map((e) => JSON.parse(e.data).n)).toEqual([2, 3, 4, 5]);
          expect(resumed.events.slice(0, 3).map((e) => e.id)).toEqual(receipts.slice(2).map((r) => r.id));
          resumed.close();
        } finally {
          await hub.close();
          await server.close();
        }
      });
    });

    describe('live feed', () => {
      test('a listener gets every event appended after `subscribe` resolved, in order, once; unsubscribe stops it', async () => {
        const store = await create();
        const topic = freshTopic('live');
        await store.append(topic, 'tick', 'before');
        const a = await collect(store, topic);
        const b = await collect(store, topic);
        const stored: StoredEvent[] = [];
        for (let i = 0; i < 10; i++) stored.push(await store.append(topic, 'tick', String(i)));
        stored.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(topic, 'tick', `c${i}`)))));
        const expected = [...stored].sort((x, y) => comparePositions(x.position, y.position)).map((e) => e.id);
        await until(() => a.events.length >= 20 && b.events.length >= 20, waitMs, 'twenty live events');
        expect(a.events.map((e) => e.id)).toEqual(expected);
        expect(b.events.map((e) => e.id)).toEqual(expected);
        a.stop();
        await store.append(topic, 'tick', 'after-a-left');
        await until(() => b.events.length === 21, waitMs, 'the event after a left');
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(a.events).toHaveLength(20);
        b.stop();
        expect(a.resets).toEqual([]);
        expect(b.resets).toEqual([]);
      });

      test('topic isolation (generated names: Unicode, braces, colons): events, heads and replays never cross', async () => {
        const store = await create();
        const run = `${Date.now().toString(36)}${topicCounter++}`;
        await fc.assert(
          fc.asyncProperty(
            fc.uniqueArray(topicName, { minLength: 2, maxLength: 3 }),
            fc.integer({ min: 1, max: 3 }),
            async (names, count) => {
              // A fresh namespace per run: fast-check repeats names across runs (and while shrinking).
              const iteration = topicCounter++;
              const topics = names.map((topicPart) => `iso/${run}/${iteration}/${topicPart}`);
              const listeners = await Promise.all(topics.map((topic) => collect(store, topic)));
              const stored = new Map<string, StoredEvent[]>(topics.map((topic) => [topic, []]));
              for (let i = 0; i < count; i++) {
                for (const topic of topics) {
                  stored.get(topic)?.push(await store.append(topic, 'tick', JSON.stringify({ topic, i })));
                }
              }
              try {
                for (const [index, topic] of topics.entries()) {
                  const mine = stored.get(topic) as StoredEvent[];
                  const listener = listeners[index] as Collected;
                  await until(
                    () => listener.events.length >= mine.length,
                    waitMs,
                    `events of ${JSON.stringify(topic)}`,
                  );
                  expect(listener.events.map((e) => [e.topic, e.data])).toEqual(mine.map((e) => [topic, e.data]));
                  const { epoch } = mine[0] as StoredEvent;
                  const replay = await store.read(topic, epoch, ZERO_POSITION);
                  expect(replay.kind === 'events' && replay.events.map((e) => e.data)).toEqual(mine.map((e) => e.data));
                  expect((await store.head(topic)).position).toEqual(mine.at(-1)?.position);
                }
              } finally {
                for (const listener of listeners) listener.stop();
              }
            },
          ),
          { numRuns: 12 },
        );
      }, 60_000);

      if (factory.second) {
        const second = factory.second.bind(factory);
        test('cross-instance fan-out: appended on one instance, live on the other, in order, once', async () => {
          const a = await create();
          const b = await track(second(a));
          const topic = freshTopic('fanout');
          const onA = await collect(a, topic);
          const onB = await collect(b, topic);
          const stored: StoredEvent[] = [];
          for (let i = 0; i < 15; i++) stored.push(await (i % 3 === 0 ? b : a).append(topic, 'tick', String(i)));
          stored.push(
            ...(await Promise.all(
              Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).append(topic, 'tick', `c${i}`)),
            )),
          );
          const expected = [...stored].sort((x, y) => comparePositions(x.position, y.position)).map((e) => e.id);
          expect(new Set(expected).size).toBe(31);
          await until(() => onA.events.length >= 31 && onB.events.length >= 31, waitMs, 'every event on both');
          await new Promise((resolve) => setTimeout(resolve, 100));
          expect(onA.events.map((e) => e.id)).toEqual(expected);
          expect(onB.events.map((e) => e.id)).toEqual(expected);
          // Both instances agree on head and replay.
          expect(await a.head(topic)).toEqual(await b.head(topic));
          const { epoch } = stored[0] as StoredEvent;
          const fromB = await b.read(topic, epoch, ZERO_POSITION);
          expect(fromB.kind === 'events' && fromB.events.map((e) => e.id)).toEqual(expected);
          onA.stop();
          onB.stop();
        });
      }
    });

    const retention = factory.retention;
    describe('retention', () => {
      if (!retention?.maxEvents && !retention?.maxAgeMs && !retention?.maxBytes) {
        it('declares at least one retention bound', () => {
          expect.fail(`store "${name}" maps none of the suite's retention bounds (maxEvents, maxAgeMs, maxBytes)`);
        });
      }
      if (retention?.maxEvents) {
        const make = retention.maxEvents.bind(retention);
        test('by count: the newest N are kept; an id older than them is expired', async () => {
          const store = await track(make(3));
          const topic = freshTopic('count');
          const stored: StoredEvent[] = [];
          for (let i = 0; i < 7; i++) stored.push(await store.append(topic, 'tick', String(i)));
          const { epoch } = stored[0] as StoredEvent;
          expect(dataOfResult(await store.read(topic, epoch, ZERO_POSITION))).toBe('expired');
          expect(dataOfResult(await store.read(topic, epoch, (stored[2] as StoredEvent).position))).toBe('expired');
          expect(dataOfResult(await store.read(topic, epoch, (stored[3] as StoredEvent).position))).toEqual([
            '4',
            '5',
            '6',
          ]);
          expect((await store.head(topic)).position).toEqual(stored[6]?.position);
        });
      }
      if (retention?.maxAgeMs) {
        const make = retention.maxAgeMs.bind(retention);
        test('by age: events older than the bound are dropped (at the latest on the next append); their ids expire', async () => {
          const store = await track(make(400));
          const topic = freshTopic('age');
          const old1 = await store.append(topic, 'tick', 'old1');
          const old2 = await store.append(topic, 'tick', 'old2');
          await new Promise((resolve) => setTimeout(resolve, 900));
          const fresh = await store.append(topic, 'tick', 'fresh');
          // From old1: old2 was dropped after it, so that is a reset, never a silent resume with 'fresh'.
          expect(dataOfResult(await store.read(topic, old1.epoch, old1.position))).toBe('expired');
          // From old2 nothing was lost: 'fresh', or (a store that only knows the topic's log restarted) a reset.
          expect(['expired', JSON.stringify(['fresh'])]).toContain(
            ((r) => (typeof r === 'string' ? r : JSON.stringify(r)))(
              dataOfResult(await store.read(topic, old2.epoch, old2.position)),
            ),
          );
          // Everything retained: no expired event, at least the fresh one (or the reset).
          const all = dataOfResult(await store.read(topic, old1.epoch, ZERO_POSITION));
          expect(['expired', JSON.stringify(['fresh'])]).toContain(typeof all === 'string' ? all : JSON.stringify(all));
          expect((await store.head(topic)).position).toEqual(fresh.position);
        });
      }
      if (retention?.maxBytes) {
        const make = retention.maxBytes.bind(retention);
        test('by bytes: the topic keeps no more than the bound; the oldest go first and their ids expire', async () => {
          const store = await track(make(2000));
          const topic = freshTopic('bytes');
          const stored: StoredEvent[] = [];
          for (let i = 0; i < 20; i++) stored.push(await store.append(topic, 'tick', `${i}`.padEnd(300, 'x')));
          const { epoch } = stored[0] as StoredEvent;
          expect(dataOfResult(await store.read(topic, epoch, ZERO_POSITION))).toBe('expired');
          // The retained events are a suffix of the appended ones, with at most 2000 bytes of data.
          let kept: string[] | undefined;
          for (let from = 0; from < 19 && !kept; from++) {
            const result = dataOfResult(await store.read(topic, epoch, (stored[from] as StoredEvent).position));
            if (typeof result !== 'string') kept = result;
          }
          expect(kept).toBeDefined();
          expect((kept as string[]).join('').length).toBeLessThanOrEqual(2000);
          expect((kept as string[]).length).toBeGreaterThan(0);
          expect(kept).toEqual(stored.slice(20 - (kept as string[]).length).map((e) => e.data));
        });
      }
    });

    describe('closed and unavailable', () => {
      test('a closed store rejects appends with STORE_UNAVAILABLE', async () => {
        const store = await factory.create();
        await store.close();
        const error = await store.append(freshTopic('closed'), 'tick', 'x').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
      });

      const outage = factory.outage;
      if (outage) {
        test('outage: publishes reject with STORE_UNAVAILABLE; after recovery nothing acknowledged is lost unreported, and listeners resume or get a reset', async () => {
          const store = await track(outage.create());
          const other = factory.second ? await track(factory.second(store)) : undefined;
          const topic = freshTopic('outage');
          const listener = await collect(store, topic);
          const remote = other ? await collect(other, topic) : undefined;
          const acked: StoredEvent[] = [];
          const failures: unknown[] = [];
          const attempt = async (data: string) => {
            try {
              acked.push(await store.append(topic, 'tick', data));
            } catch (error) {
              failures.push(error);
            }
          };
          for (let i = 0; i < 5; i++) await attempt(`before${i}`);
          expect(failures).toEqual([]);
          const epochBefore = (acked[0] as StoredEvent).epoch;
          await outage.stop();
          try {
            // Bounded: each publish must settle (acknowledged or rejected), never hang.
            for (let i = 0; i < 3; i++) await attempt(`during${i}`);
            expect(failures.length).toBeGreaterThan(0);
            for (const failure of failures) {
              expect(isSsekitError(failure) && failure.code, String(failure)).toBe('STORE_UNAVAILABLE');
            }
          } finally {
            await outage.start();
          }
          // After recovery publishes succeed again (the store reconnects by itself, bounded).
          const deadline = Date.now() + 15_000;
          let recovered: StoredEvent | undefined;
          while (!recovered && Date.now() < deadline) {
            const before = acked.length;
            await attempt('after');
            recovered = acked.length > before ? acked.at(-1) : undefined;
            if (!recovered) await new Promise((resolve) => setTimeout(resolve, 100));
          }
          expect(recovered, 'a publish after the backend came back').toBeDefined();
          const epochAfter = (recovered as StoredEvent).epoch;
          const checkListener = async (seen: Collected, where: string) => {
            await until(
              () => seen.events.some((e) => e.id === recovered?.id) || seen.resets.length > 0,
              waitMs * 2,
              `${where}: the event after recovery or a reset`,
            );
            await until(() => seen.events.some((e) => e.id === recovered?.id), waitMs * 2, `${where}: live again`);
            const ids = seen.events.map((e) => e.id);
            expect(new Set(ids).size, `${where}: no duplicates`).toBe(ids.length);
            if (seen.resets.length === 0) {
              // No reset: then every acknowledged event reached it, in position order (a publish that timed out may
              // still have been stored: it is delivered too, never an acknowledged one skipped).
              expectAllInOrder(seen.events, acked, where);
            } else {
              expect(seen.resets.at(-1), where).toBe(epochAfter);
            }
          };
          if (outage.durable) {
            expect(epochAfter).toBe(epochBefore);
            const replay = await store.read(topic, epochBefore, ZERO_POSITION);
            expectAllInOrder(replay.kind === 'events' ? replay.events : [], acked, 'replay after recovery');
            await checkListener(listener, 'local listener');
            expect(listener.resets).toEqual([]);
          } else if (epochAfter === epochBefore) {
            // The backend kept its data after all: then nothing acknowledged may be missing.
            const replay = await store.read(topic, epochBefore, ZERO_POSITION);
            expectAllInOrder(replay.kind === 'events' ? replay.events : [], acked, 'replay after recovery');
            await checkListener(listener, 'local listener');
          } else {
            // Lost, and reported: old ids get a reset, live listeners got the new epoch.
            expect(await store.read(topic, epochBefore, (acked[0] as StoredEvent).position)).toEqual({
              kind: 'reset',
              reason: 'other-epoch',
            });
            await checkListener(listener, 'local listener');
            expect(listener.resets).toContain(epochAfter);
          }
          if (remote) await checkListener(remote, 'listener on the second instance');
          listener.stop();
          remote?.stop();
        }, 60_000);
      }
    });
  });
}
