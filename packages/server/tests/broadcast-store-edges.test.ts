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
    async read(topic, epoch, position) {
      if (fail.read) throw fail.read;
      return memory.read(topic, epoch, position);
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
  const hub = createHub(contract.room, { store, onError: (error) => errors.push(error) });
  const router = implement(contract, { room: hub.implementation() }, { heartbeat: false, onError: () => {} });
  const server = await serve(router);
  cleanups.push(
    () => server.close(),
    () => hub.close(),
  );
  return { hub, server, errors };
}

async function open(server: RunningServer, roomId: string, lastEventId?: string): Promise<TestStream> {
  const stream = await openStream(`${server.url}/rooms/${roomId}/events`, lastEventId ? { lastEventId } : {});
  cleanups.push(() => stream.close());
  return stream;
}

const numbers = (s: TestStream) => dataOf<{ n: number }>(s.events, 'message').map((m) => m.n);

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

  it('a feed that cannot start ends the stream; the next subscriber tries again', async () => {
    const { store, fail } = instrumentedStore();
    const { hub, server } = await start(store);
    fail.subscribe = new Error('connection refused');
    const refused = await open(server, 'r');
    await refused.ended;
    expect(refused.events).toEqual([]);
    expect(hub.subscriberCount()).toBe(0);
    fail.subscribe = undefined;
    const next = await open(server, 'r');
    await until(() => hub.subscriberCount() === 1, 5000, 'the next subscriber');
    await hub.publish({ roomId: 'r' }, 'message', { n: 7 });
    await next.waitFor((e) => e.length === 1);
    expect(numbers(next)).toEqual([7]);
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
    const { hub, server } = await start(store);
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
