import { defineContract } from '@ssekit/contract';
import { implement } from '@ssekit/server';
import {
  comparePositions,
  createHub,
  createMemoryReplayStore,
  type ReplayStore,
  type StoredEvent,
} from '@ssekit/server/broadcast';
import { type RunningServer, serve } from '@ssekit/server/node';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dataOf, openStream, type TestStream } from './broadcast-helpers.ts';

// Replay and live feed overlapping, over real HTTP: what a store shared by several instances (Redis) does, made
// deterministic here by a store wrapper that holds `read` until the test has published more events.

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

async function start(store: ReplayStore) {
  const hub = createHub(contract.room, { store });
  const router = implement(contract, { room: hub.implementation() }, { heartbeat: false, onError: () => {} });
  const server = await serve(router);
  cleanups.push(
    () => server.close(),
    () => hub.close(),
    () => store.close(),
  );
  return { hub, server };
}

async function open(server: RunningServer, roomId: string, lastEventId: string): Promise<TestStream> {
  const stream = await openStream(`${server.url}/rooms/${roomId}/events`, { lastEventId });
  cleanups.push(() => stream.close());
  return stream;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const numbers = (s: TestStream) => dataOf<{ n: number }>(s.events, 'message').map((m) => m.n);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('hub: replay and live feed overlapping', () => {
  it('writes events that arrive live during a slow replay read, and that the read also returns, exactly once', async () => {
    const memory = createMemoryReplayStore();
    const reading = deferred();
    const release = deferred();
    const store: ReplayStore = {
      ...memory,
      read: async (topic, epoch, position) => {
        reading.resolve();
        await release.promise;
        // Read after the wait: the result holds the events published meanwhile, which the live feed delivered too.
        return memory.read(topic, epoch, position);
      },
    };
    const { hub, server } = await start(store);
    const first = await hub.publish({ roomId: 'r' }, 'message', { n: 0 });
    const stream = await open(server, 'r', first.id);
    await reading.promise;
    for (let n = 1; n <= 20; n++) await hub.publish({ roomId: 'r' }, 'message', { n });
    release.resolve();
    await stream.waitFor((e) => e.length >= 20, 5000, 'the twenty events published during the replay');
    for (let n = 21; n <= 25; n++) await hub.publish({ roomId: 'r' }, 'message', { n });
    await stream.waitFor((e) => numbers({ events: e } as TestStream).includes(25), 5000, 'the live events after it');
    // A duplicate would arrive in the same writes as the events around it: nothing more is pending now.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(numbers(stream)).toEqual(range(1, 25));
  });

  it('writes the live events that arrived during the replay read and are newer than what it returned', async () => {
    const memory = createMemoryReplayStore();
    const reading = deferred();
    const release = deferred();
    const store: ReplayStore = {
      ...memory,
      read: async (topic, epoch, position) => {
        // The read's answer is fixed now; what is published while it is on its way only reaches the live feed.
        const result = await memory.read(topic, epoch, position);
        reading.resolve();
        await release.promise;
        return result;
      },
    };
    const { hub, server } = await start(store);
    const first = await hub.publish({ roomId: 'r' }, 'message', { n: 0 });
    await hub.publish({ roomId: 'r' }, 'message', { n: 1 });
    const stream = await open(server, 'r', first.id);
    await reading.promise;
    for (let n = 2; n <= 6; n++) await hub.publish({ roomId: 'r' }, 'message', { n });
    release.resolve();
    await stream.waitFor((e) => e.length >= 6, 5000, 'the replayed and the held events');
    await hub.publish({ roomId: 'r' }, 'message', { n: 7 });
    await stream.waitFor((e) => numbers({ events: e } as TestStream).includes(7), 5000, 'a live event after it');
    expect(numbers(stream)).toEqual(range(1, 7));
  });

  it('skips the part of a live batch the replay already wrote and writes the rest of it', async () => {
    const memory = createMemoryReplayStore();
    // A live feed that lags and then delivers in bursts (like pub/sub behind a busy connection): the test releases it.
    const lagging: (() => void)[] = [];
    const release = deferred();
    const store: ReplayStore = {
      ...memory,
      read: async (topic, epoch, position) => {
        await release.promise;
        return memory.read(topic, epoch, position);
      },
      subscribe: (topic, listener) =>
        memory.subscribe(topic, {
          event: (stored) => lagging.push(() => listener.event(stored)),
          reset: (epoch) => listener.reset(epoch),
        }),
    };
    const { hub, server } = await start(store);
    const first = await hub.publish({ roomId: 'r' }, 'message', { n: 0 });
    const stream = await open(server, 'r', first.id);
    // The resuming stream joined the feed; its replay read sees 1..3, while their live copies lag.
    for (let n = 1; n <= 3; n++) await hub.publish({ roomId: 'r' }, 'message', { n });
    release.resolve();
    await stream.waitFor((e) => e.length >= 3, 5000, 'the replayed events');
    for (let n = 4; n <= 6; n++) await hub.publish({ roomId: 'r' }, 'message', { n });
    // One burst with 1..6: the first half was replayed already.
    for (const deliver of lagging.splice(0)) deliver();
    await stream.waitFor((e) => e.length >= 6, 5000, 'the rest of the burst');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(numbers(stream)).toEqual(range(1, 6));
  });

  it("never replays another topic's events, even when the store's read returns them", async () => {
    const memory = createMemoryReplayStore();
    const foreign: StoredEvent[] = [];
    // A store with a bug (or shared by something else) that answers a read with another topic's events too.
    const store: ReplayStore = {
      ...memory,
      read: async (topic, epoch, position) => {
        const own = await memory.read(topic, epoch, position);
        if (own.kind !== 'events') return own;
        const events = [...own.events, ...foreign].sort((a, b) => comparePositions(a.position, b.position));
        return { kind: 'events', events };
      },
    };
    const { hub, server } = await start(store);
    const first = await hub.publish({ roomId: 'mine' }, 'message', { n: 0 });
    for (let n = 100; n < 103; n++) {
      const receipt = await hub.publish({ roomId: 'other' }, 'message', { n });
      const read = await memory.read(receipt.topic, receipt.epoch, { ms: 0, seq: 0 });
      if (read.kind === 'events') foreign.splice(0, foreign.length, ...read.events);
    }
    expect(foreign).toHaveLength(3);
    await hub.publish({ roomId: 'mine' }, 'message', { n: 1 });
    const stream = await open(server, 'mine', first.id);
    await stream.waitFor((e) => e.length >= 1, 5000, 'the replayed event');
    await hub.publish({ roomId: 'mine' }, 'message', { n: 2 });
    await stream.waitFor((e) => numbers({ events: e } as TestStream).includes(2), 5000, 'the live event');
    expect(numbers(stream)).toEqual([1, 2]);
  });
});
