import { defineContract, isSsekitError } from '@ssekit/contract';
import { implement } from '@ssekit/server';
import {
  createHub,
  createMemoryReplayStore,
  type ReplayStore,
  type StoreListener,
  StoreUnavailableError,
} from '@ssekit/server/broadcast';
import { type RunningServer, serve } from '@ssekit/server/node';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dataOf, openStream, type TestStream, until } from './broadcast-helpers.ts';

// What the hub does when its store misbehaves or resets, seen by clients over HTTP: a store wrapper around the memory
// store records the hub's feeds and lets the test fail calls or announce a reset.

const contract = defineContract({
  room: {
    path: '/rooms/:roomId/events',
    replay: true,
    resetEvent: 'reset',
    events: { message: z.object({ n: z.number().int() }), reset: z.object({ reason: z.string() }) },
  },
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The memory store, with the hub's feeds recorded and each call able to fail. */
function instrumentedStore() {
  const memory = createMemoryReplayStore();
  const listeners = new Map<string, Set<StoreListener>>();
  const fail: { subscribe?: Error; read?: Error; head?: Error; append?: unknown } = {};
  let subscribes = 0;
  let unsubscribes = 0;
  const store: ReplayStore = {
    ...memory,
    async append(topic, event, data) {
      if (fail.append) throw fail.append;
      return memory.append(topic, event, data);
    },
    async subscribe(topic, listener) {
      if (fail.subscribe) throw fail.subscribe;
      subscribes++;
      const set = listeners.get(topic) ?? new Set();
      listeners.set(topic, set);
      set.add(listener);
      const stop = await memory.subscribe(topic, listener);
      return () => {
        unsubscribes++;
        set.delete(listener);
        stop();
      };
    },
    async read(topic, epoch, position, limit) {
      if (fail.read) throw fail.read;
      return memory.read(topic, epoch, position, limit);
    },
    async head(topic) {
      if (fail.head) throw fail.head;
      return memory.head(topic);
    },
  };
  return {
    store,
    fail,
    listeners,
    counts: () => ({ subscribes, unsubscribes }),
  };
}

async function start(store: ReplayStore) {
  const errors: unknown[] = [];
  /** What the router reports: a handler (the hub's subscription) that failed. */
  const handlerErrors: unknown[] = [];
  const hub = createHub(contract.room, { store, onError: (error) => errors.push(error) });
  const router = implement(
    contract,
    { room: hub.implementation() },
    { heartbeat: false, onError: (error) => handlerErrors.push(error) },
  );
  const server = await serve(router);
  cleanups.push(
    () => server.close(),
    () => hub.close(),
  );
  return { hub, server, errors, handlerErrors };
}

/** The store failure a failed subscription reports, under the router's HandlerError. */
function storeFailures(reported: unknown[]): { code: string; message: string }[] {
  return reported.map((error) => {
    const cause = (error as { cause?: unknown }).cause;
    if (!(cause instanceof StoreUnavailableError)) throw new Error(`not a store failure: ${String(error)}`);
    return { code: cause.code, message: cause.message };
  });
}

async function open(server: RunningServer, roomId: string, lastEventId?: string): Promise<TestStream> {
  const stream = await openStream(`${server.url}/rooms/${roomId}/events`, lastEventId ? { lastEventId } : {});
  cleanups.push(() => stream.close());
  return stream;
}

const numbers = (s: TestStream) => dataOf<{ n: number }>(s.events, 'message').map((m) => m.n);

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('hub: the store feed of a topic', () => {
  it('opens one feed per topic, stops it with the last subscriber, and opens a fresh one for the next', async () => {
    const { store, counts } = instrumentedStore();
    const { hub, server } = await start(store);
    const a = await open(server, 'r');
    const b = await open(server, 'r');
    await until(() => hub.subscriberCount('r') === 0 && hub.subscriberCount() === 2, 5000, 'two subscribers');
    const topic = hub.topicOf({ roomId: 'r' });
    expect(hub.subscriberCount(topic)).toBe(2);
    expect(hub.subscriberCount(hub.topicOf({ roomId: 'other' }))).toBe(0);
    expect(counts()).toEqual({ subscribes: 1, unsubscribes: 0 });
    a.close();
    await until(() => hub.subscriberCount(topic) === 1, 5000, 'one left');
    expect(counts().unsubscribes).toBe(0);
    b.close();
    await until(() => hub.subscriberCount() === 0, 5000, 'none left');
    expect(counts()).toEqual({ subscribes: 1, unsubscribes: 1 });
    const c = await open(server, 'r');
    await until(() => hub.subscriberCount(topic) === 1, 5000, 'a new subscriber');
    expect(counts().subscribes).toBe(2);
    await hub.publish({ roomId: 'r' }, 'message', { n: 1 });
    await c.waitFor((e) => e.length === 1);
    expect(numbers(c)).toEqual([1]);
  });

  it('a feed that cannot start ends the stream and reports the topic, what failed and the store error as its cause; the next subscriber tries again', async () => {
    const { store, fail } = instrumentedStore();
    const { hub, server, handlerErrors } = await start(store);
    fail.subscribe = new Error('connection refused');
    const refused = await open(server, 'r');
    await refused.ended;
    expect(refused.events).toEqual([]);
    expect(hub.subscriberCount()).toBe(0);
    await until(() => handlerErrors.length === 1, 5000, 'the failure reported');
    expect(storeFailures(handlerErrors)).toEqual([
      { code: 'STORE_UNAVAILABLE', message: 'cannot subscribe to topic "room/r": connection refused' },
    ]);
    expect((handlerErrors[0] as { cause: { cause: unknown } }).cause.cause).toBe(fail.subscribe);
    fail.subscribe = undefined;
    const next = await open(server, 'r');
    await until(() => hub.subscriberCount() === 1, 5000, 'the next subscriber');
    await hub.publish({ roomId: 'r' }, 'message', { n: 7 });
    await next.waitFor((e) => e.length === 1);
    expect(numbers(next)).toEqual([7]);
  });

  it('a resuming subscriber leaves its topic when its stream closes; the feed stops with it', async () => {
    const { store, counts } = instrumentedStore();
    const { hub, server } = await start(store);
    const first = await hub.publish({ roomId: 'r' }, 'message', { n: 0 });
    await hub.publish({ roomId: 'r' }, 'message', { n: 1 });
    const resumed = await open(server, 'r', first.id);
    await resumed.waitFor((e) => e.length === 1);
    expect(numbers(resumed)).toEqual([1]);
    expect(hub.subscriberCount()).toBe(1);
    resumed.close();
    await until(() => hub.subscriberCount() === 0, 5000, 'the resumed subscriber gone');
    await until(() => counts().unsubscribes === 1, 5000, 'the feed stopped');
    expect(counts()).toEqual({ subscribes: 1, unsubscribes: 1 });
  });

  it('a store reset sends every live subscriber the reset event; the stream goes on', async () => {
    const { store, listeners } = instrumentedStore();
    const { hub, server } = await start(store);
    const live = await open(server, 'r');
    const other = await open(server, 'o');
    await until(() => hub.subscriberCount() === 2, 5000, 'subscribers');
    await hub.publish({ roomId: 'r' }, 'message', { n: 1 });
    await live.waitFor((e) => e.length === 1);
    for (const listener of listeners.get(hub.topicOf({ roomId: 'r' })) ?? []) listener.reset('newepoch1');
    await live.waitFor((e) => e.length === 2, 5000, 'the reset event');
    expect(live.events[1]).toMatchObject({ event: 'reset', id: 'newepoch1-0-0' });
    expect(JSON.parse(live.events[1]?.data as string)).toEqual({ reason: 'other-epoch' });
    await hub.publish({ roomId: 'r' }, 'message', { n: 2 });
    await live.waitFor((e) => e.length === 3);
    expect(numbers(live)).toEqual([1, 2]);
    expect(other.events).toEqual([]);
  });

  it('a store reset during a replay closes that stream, so its reconnect is answered from the new state', async () => {
    const { store, listeners, fail } = instrumentedStore();
    const { hub, server } = await start(store);
    const first = await hub.publish({ roomId: 'r' }, 'message', { n: 0 });
    // Hold the replay read until the reset was announced.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reading = false;
    const read = store.read.bind(store);
    store.read = async (...args) => {
      reading = true;
      await held;
      return read(...args);
    };
    const resuming = await open(server, 'r', first.id);
    await until(() => reading, 5000, 'the replay read');
    for (const listener of listeners.get(hub.topicOf({ roomId: 'r' })) ?? []) listener.reset('newepoch2');
    release();
    await resuming.ended;
    expect(resuming.events.filter((e) => e.event === 'message')).toEqual([]);
    expect(fail).toEqual({});
  });

  it('a subscriber whose stream is closed never blocks the others', async () => {
    const { store } = instrumentedStore();
    const { hub, server, errors } = await start(store);
    const a = await open(server, 'r');
    const b = await open(server, 'r');
    await until(() => hub.subscriberCount() === 2, 5000, 'subscribers');
    a.close();
    for (let n = 0; n < 5; n++) await hub.publish({ roomId: 'r' }, 'message', { n });
    await b.waitFor((e) => e.length === 5);
    expect(numbers(b)).toEqual([0, 1, 2, 3, 4]);
    expect(errors).toEqual([]);
  });
});

describe('hub: replay when the store fails', () => {
  it('a failing replay read or head ends the resuming stream without events and reports nothing as delivered', async () => {
    const { store, fail } = instrumentedStore();
    const { hub, server, handlerErrors } = await start(store);
    const first = await hub.publish({ roomId: 'r' }, 'message', { n: 0 });
    await hub.publish({ roomId: 'r' }, 'message', { n: 1 });
    fail.read = new Error('read timed out');
    const s1 = await open(server, 'r', first.id);
    await s1.ended;
    expect(s1.events).toEqual([]);
    fail.read = undefined;
    // An id of another epoch needs the head for the reset event's id.
    fail.head = new Error('head timed out');
    const s2 = await open(server, 'r', 'otherepoch1-1-0');
    await s2.ended;
    expect(s2.events).toEqual([]);
    fail.head = undefined;
    const s3 = await open(server, 'r', first.id);
    await s3.waitFor((e) => e.length === 1);
    expect(numbers(s3)).toEqual([1]);
    // What was reported names the call that failed and the topic.
    expect(storeFailures(handlerErrors)).toEqual([
      { code: 'STORE_UNAVAILABLE', message: 'cannot replay topic "room/r": read timed out' },
      { code: 'STORE_UNAVAILABLE', message: 'cannot read the head of topic "room/r": head timed out' },
    ]);
  });

  it('answers a malformed Last-Event-ID with the reset event at the head, then live events', async () => {
    const { store } = instrumentedStore();
    const { hub, server } = await start(store);
    const last = await hub.publish({ roomId: 'r' }, 'message', { n: 0 });
    const s = await open(server, 'r', 'not-an-id');
    await s.waitFor((e) => e.length === 1);
    expect(s.events[0]).toMatchObject({ event: 'reset', id: last.id });
    expect(JSON.parse(s.events[0]?.data as string)).toEqual({ reason: 'malformed' });
    await hub.publish({ roomId: 'r' }, 'message', { n: 1 });
    await s.waitFor((e) => e.length === 2);
    expect(numbers(s)).toEqual([1]);
  });
});

describe('hub: publish and close', () => {
  it('a store failure rejects publish with StoreUnavailableError naming event and topic; ssekit errors pass as they are', async () => {
    const { store, fail } = instrumentedStore();
    const { hub } = await start(store);
    fail.append = new Error('READONLY');
    const error = await hub.publish({ roomId: 'r' }, 'message', { n: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain('event "message" on topic');
    expect((error as Error).message).toContain('READONLY');
    expect((error as Error).cause).toBe(fail.append);
    const own = new StoreUnavailableError('already typed');
    fail.append = own;
    expect(await hub.publish({ roomId: 'r' }, 'message', { n: 1 }).catch((e: unknown) => e)).toBe(own);
  });

  it('after close: publish rejects, new streams get nothing, no feed is opened', async () => {
    const { store, counts } = instrumentedStore();
    const { hub, server } = await start(store);
    await hub.close();
    const error = await hub.publish({ roomId: 'r' }, 'message', { n: 1 }).catch((e: unknown) => e);
    expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
    const s = await open(server, 'r');
    await s.ended;
    expect(s.events).toEqual([]);
    expect(counts().subscribes).toBe(0);
  });

  it('refuses what is not a contract route, or not a route session', async () => {
    expect(() => createHub({} as never)).toThrow(/createHub\(route\): pass a route of a contract/);
    const hub = createHub(contract.room);
    await expect(hub.subscribe({} as never)).rejects.toThrow(/pass the session a route handler received/);
    await hub.close();
  });
});

/** An instrumented store that records the length of every page read answers (-1 for a reset). */
function pageCountingStore() {
  const { store } = instrumentedStore();
  const reads: number[] = [];
  const read = store.read.bind(store);
  store.read = async (topic, epoch, position, limit) => {
    const result = await read(topic, epoch, position, limit);
    reads.push(result.kind === 'events' ? result.events.length : -1);
    return result;
  };
  return { store, reads };
}

describe('hub: replay a page at a time', () => {
  it('replays more than one page (100 events) in order, once, then goes live', async () => {
    const { store, reads } = pageCountingStore();
    const { hub, server } = await start(store);
    const first = await hub.publish({ roomId: 'r' }, 'message', { n: 0 });
    for (let n = 1; n <= 250; n++) await hub.publish({ roomId: 'r' }, 'message', { n });
    const s = await open(server, 'r', first.id);
    await s.waitFor((e) => e.length >= 250, 10_000, 'the 250 replayed events');
    await hub.publish({ roomId: 'r' }, 'message', { n: 251 });
    await s.waitFor((e) => e.length >= 251, 5000, 'the live event');
    expect(numbers(s)).toEqual(Array.from({ length: 251 }, (_, i) => i + 1));
    // Three pages: 100, 100, 50 (a short page is the last one).
    expect(reads).toEqual([100, 100, 50]);
  });

  it('replays exactly one full page and reads once more to see it was the last', async () => {
    const { store, reads } = pageCountingStore();
    const { hub, server } = await start(store);
    const first = await hub.publish({ roomId: 'r' }, 'message', { n: 0 });
    for (let n = 1; n <= 100; n++) await hub.publish({ roomId: 'r' }, 'message', { n });
    const s = await open(server, 'r', first.id);
    await s.waitFor((e) => e.length >= 100, 10_000, 'the 100 replayed events');
    await hub.publish({ roomId: 'r' }, 'message', { n: 101 });
    await s.waitFor((e) => e.length >= 101, 5000, 'the live event');
    expect(numbers(s)).toEqual(Array.from({ length: 101 }, (_, i) => i + 1));
    expect(reads).toEqual([100, 0]);
  });

  it('a later page answered with a reset (trimmed meanwhile) sends the reset event after the first page', async () => {
    const { store } = instrumentedStore();
    let reads = 0;
    const read = store.read.bind(store);
    store.read = async (topic, epoch, position, limit) => {
      reads++;
      return reads === 1 ? read(topic, epoch, position, limit) : { kind: 'reset', reason: 'expired' };
    };
    const { hub, server } = await start(store);
    const first = await hub.publish({ roomId: 'r' }, 'message', { n: 0 });
    let last = first;
    for (let n = 1; n <= 150; n++) last = await hub.publish({ roomId: 'r' }, 'message', { n });
    const s = await open(server, 'r', first.id);
    await s.waitFor((e) => e.length >= 101, 10_000, 'the first page and the reset event');
    expect(numbers(s)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s.events[100]).toMatchObject({ event: 'reset', id: last.id });
    expect(JSON.parse(s.events[100]?.data as string)).toEqual({ reason: 'expired' });
    await hub.publish({ roomId: 'r' }, 'message', { n: 151 });
    await s.waitFor((e) => e.length >= 102, 5000, 'the live event');
    expect(numbers(s).at(-1)).toBe(151);
    expect(s.events).toHaveLength(102);
  });

  it('never writes again what a store returns at or before the resume position', async () => {
    const { store } = instrumentedStore();
    const read = store.read.bind(store);
    // A store that ignores the position (a bug): every read answers the whole log.
    store.read = async (topic, epoch, _position, limit) => read(topic, epoch, { ms: 0, seq: 0 }, limit);
    const { hub, server } = await start(store);
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push((await hub.publish({ roomId: 'r' }, 'message', { n })).id);
    const s = await open(server, 'r', ids[2]);
    await s.waitFor((e) => e.length >= 2, 5000, 'the replayed events');
    await hub.publish({ roomId: 'r' }, 'message', { n: 5 });
    await s.waitFor(() => numbers(s).includes(5), 5000, 'the live event');
    expect(numbers(s)).toEqual([3, 4, 5]);
  });
});

describe('hub: undeclared events from the store', () => {
  it('are reported as STORE_DATA and skipped, in the replay and live; the events around them arrive', async () => {
    const { store, listeners } = instrumentedStore();
    const { hub, server, errors } = await start(store);
    const topic = hub.topicOf({ roomId: 'r' });
    const first = await hub.publish({ roomId: 'r' }, 'message', { n: 0 });
    await store.append(topic, 'bogus', '{}');
    await hub.publish({ roomId: 'r' }, 'message', { n: 1 });
    const s = await open(server, 'r', first.id);
    await s.waitFor((e) => e.length >= 1, 5000, 'the replayed event');
    await until(() => listeners.get(topic)?.size === 1, 5000, 'the live feed');
    await store.append(topic, 'bogus', '{}');
    await hub.publish({ roomId: 'r' }, 'message', { n: 2 });
    await s.waitFor((e) => e.length >= 2, 5000, 'the live event');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(s.events.map((e) => e.event)).toEqual(['message', 'message']);
    expect(numbers(s)).toEqual([1, 2]);
    expect(errors.map((e) => isSsekitError(e) && e.code)).toEqual(['STORE_DATA', 'STORE_DATA']);
    expect(String((errors[0] as Error).message)).toContain('undeclared event "bogus"');
  });
});

describe('hub: close', () => {
  it('stops every store feed: open streams receive nothing more', async () => {
    const { store, counts } = instrumentedStore();
    const { hub, server } = await start(store);
    const a = await open(server, 'a');
    const b = await open(server, 'b');
    await until(() => hub.subscriberCount() === 2 && counts().subscribes === 2, 5000, 'two feeds');
    await hub.close();
    expect(counts().unsubscribes).toBe(2);
    expect(hub.subscriberCount()).toBe(0);
    await store.append(hub.topicOf({ roomId: 'a' }), 'message', '{"n":1}');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(a.events).toEqual([]);
    expect(b.events).toEqual([]);
    // The streams leaving later do not stop the feeds a second time.
    a.close();
    b.close();
    await Promise.all([a.ended, b.ended]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(counts().unsubscribes).toBe(2);
  });

  it('a feed still starting when the hub closes is stopped as soon as it starts', async () => {
    const { store, counts } = instrumentedStore();
    let started!: () => void;
    const starting = new Promise<void>((resolve) => {
      started = resolve;
    });
    const subscribe = store.subscribe.bind(store);
    let subscribing = false;
    store.subscribe = async (topic, listener) => {
      subscribing = true;
      await starting;
      return subscribe(topic, listener);
    };
    const { hub, server } = await start(store);
    const s = await open(server, 'r');
    await until(() => subscribing, 5000, 'the feed starting');
    await hub.close();
    started();
    await until(() => counts().unsubscribes === 1, 5000, 'the feed stopped');
    expect(counts()).toEqual({ subscribes: 1, unsubscribes: 1 });
    expect(s.events).toEqual([]);
  });
});

describe('hub: a store reset as subscribers see it', () => {
  it('events that arrived in the same turn as the reset are written before the reset event', async () => {
    const { store, listeners } = instrumentedStore();
    const { hub, server } = await start(store);
    const s = await open(server, 'r');
    const topic = hub.topicOf({ roomId: 'r' });
    await until(() => hub.subscriberCount(topic) === 1 && listeners.get(topic)?.size === 1, 5000, 'the subscriber');
    // The memory store hands an appended event to the feed at once: event and reset arrive in one turn.
    void store.append(topic, 'message', '{"n":1}');
    for (const listener of listeners.get(topic) ?? []) listener.reset('newepoch3');
    await s.waitFor((e) => e.length >= 2, 5000, 'the event and the reset event');
    expect(s.events.map((e) => e.event)).toEqual(['message', 'reset']);
    expect(s.events[1]?.id).toBe('newepoch3-0-0');
  });

  it("after a reset, the new epoch's events arrive even at positions below what the replay wrote", async () => {
    const { store, listeners } = instrumentedStore();
    const { hub, server } = await start(store);
    const topic = hub.topicOf({ roomId: 'r' });
    const first = await hub.publish({ roomId: 'r' }, 'message', { n: 0 });
    await hub.publish({ roomId: 'r' }, 'message', { n: 1 });
    const s = await open(server, 'r', first.id);
    await s.waitFor((e) => e.length >= 1, 5000, 'the replayed event');
    await until(() => listeners.get(topic)?.size === 1, 5000, 'the live feed');
    // A restarted store (new epoch) numbers its events from the start again.
    for (const listener of listeners.get(topic) ?? []) {
      listener.reset('newepoch4');
      listener.event({
        topic,
        epoch: 'newepoch4',
        position: { ms: 1, seq: 0 },
        id: 'newepoch4-1-0',
        event: 'message',
        data: '{"n":2}',
      });
    }
    await s.waitFor((e) => e.length >= 3, 5000, 'the reset event and the new epoch event');
    expect(s.events.map((e) => [e.event, e.id])).toEqual([
      ['message', expect.any(String)],
      ['reset', 'newepoch4-0-0'],
      ['message', 'newepoch4-1-0'],
    ]);
    expect(numbers(s)).toEqual([1, 2]);
  });

  it('a route without replay gets no reset event: its stream goes on', async () => {
    const plain = defineContract({ ticker: { path: '/ticker', events: { tick: z.number() } } });
    const { store, listeners } = instrumentedStore();
    const errors: unknown[] = [];
    const hub = createHub(plain.ticker, { store, onError: (error) => errors.push(error) });
    const router = implement(
      plain,
      { ticker: hub.implementation() },
      { heartbeat: false, onError: (e) => errors.push(e) },
    );
    const server = await serve(router);
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    const s = await openStream(`${server.url}/ticker`);
    cleanups.push(() => s.close());
    const topic = hub.topicOf({});
    await until(() => listeners.get(topic)?.size === 1, 5000, 'the live feed');
    for (const listener of listeners.get(topic) ?? []) listener.reset('newepoch5');
    await hub.publish({}, 'tick', 1);
    await s.waitFor((e) => e.length >= 1, 5000, 'the tick');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(s.events).toEqual([{ event: 'tick', id: undefined, data: '1' }]);
    expect(errors).toEqual([]);
  });
});

describe('hub: the queue bound while a replay holds live events', () => {
  const big = defineContract({
    room: {
      path: '/big/:roomId',
      replay: true,
      resetEvent: 'reset',
      events: {
        message: z.object({ n: z.number().int(), text: z.string() }),
        reset: z.object({ reason: z.string() }),
      },
    },
  });
  // Above twice node:http's high-water mark on Node 20 (16 KiB) and 22 (64 KiB): this is the bound in force.
  const bound = 256 * 1024;
  const text40k = 'x'.repeat(40_000);

  /** A hub whose replay read answers at once but returns only when released: live events meanwhile are held. */
  async function startBig(slowConsumer: 'drop' | 'disconnect') {
    const { store } = instrumentedStore();
    const reading = deferred();
    const release = deferred();
    const read = store.read.bind(store);
    store.read = async (topic, epoch, position, limit) => {
      const result = await read(topic, epoch, position, limit);
      reading.resolve();
      await release.promise;
      return result;
    };
    const reported: unknown[] = [];
    const hub = createHub(big.room, { store, onError: (error) => reported.push(error) });
    const router = implement(
      big,
      { room: hub.implementation() },
      { heartbeat: false, maxQueueBytes: bound, slowConsumer, onError: (error) => reported.push(error) },
    );
    const server = await serve(router);
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    const first = await hub.publish({ roomId: 'r' }, 'message', { n: 0, text: '' });
    const s = await openStream(`${server.url}/big/r`, { lastEventId: first.id });
    cleanups.push(() => s.close());
    await reading.promise;
    return { hub, s, release, reported };
  }
  const ns = (s: TestStream) => dataOf<{ n: number }>(s.events, 'message').map((m) => m.n);
  const slow = (reported: unknown[]) => reported.filter((e) => isSsekitError(e) && e.code === 'SLOW_CONSUMER');

  it('disconnect: held events past the bound cut the client off at once, before the replay ends', async () => {
    const { hub, s, release, reported } = await startBig('disconnect');
    // Six events (240 kB) fit under the bound; the seventh does not.
    for (let n = 1; n <= 6; n++) await hub.publish({ roomId: 'r' }, 'message', { n, text: text40k });
    expect(hub.subscriberCount()).toBe(1);
    expect(slow(reported)).toEqual([]);
    await hub.publish({ roomId: 'r' }, 'message', { n: 7, text: text40k });
    await until(() => hub.subscriberCount() === 0, 5000, 'the client cut off');
    await s.ended;
    release.resolve();
    expect(s.events).toEqual([]);
    expect(slow(reported)).toHaveLength(1);
  });

  it('drop: held events past the bound are skipped; the held ones are written, and free the bound once written', async () => {
    const { hub, s, release, reported } = await startBig('drop');
    for (let n = 1; n <= 7; n++) await hub.publish({ roomId: 'r' }, 'message', { n, text: text40k });
    expect(slow(reported)).toHaveLength(1);
    release.resolve();
    await s.waitFor((e) => e.length >= 6, 10_000, 'the six held events');
    // The held bytes left the bound when they were written: a 120 kB live event fits again.
    await hub.publish({ roomId: 'r' }, 'message', { n: 8, text: 'y'.repeat(120_000) });
    await s.waitFor((e) => ns({ events: e } as TestStream).includes(8), 5000, 'the live event after the replay');
    expect(ns(s)).toEqual([1, 2, 3, 4, 5, 6, 8]);
    expect(hub.subscriberCount()).toBe(1);
  });
});
