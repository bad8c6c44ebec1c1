import { connect } from 'node:net';
import { defineContract, isSsekitError, type StandardSchemaV1 } from '@ssekit/contract';
import { type CoreRequest, implement, type SessionOf, SinkBase } from '@ssekit/server';
import { createHub, createMemoryReplayStore, type ReplayStore } from '@ssekit/server/broadcast';
import { type RunningServer, serve } from '@ssekit/server/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { dataOf, openStream, type TestStream, until } from './broadcast-helpers.ts';

const contract = defineContract({
  room: {
    path: '/tenants/:tenant/rooms/:roomId/events',
    headers: z.object({ 'x-tenant': z.string().optional() }),
    replay: true,
    resetEvent: 'reset',
    events: {
      message: z.object({ n: z.number().int(), text: z.string() }),
      note: z.string(),
      reset: z.object({ reason: z.string() }),
    },
  },
  ticker: {
    path: '/ticker',
    events: { tick: z.number() },
  },
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: { store?: ReplayStore; maxQueueBytes?: number; serializeCount?: { n: number } } = {}) {
  const store = options.store ?? createMemoryReplayStore();
  const counter = options.serializeCount;
  const hub = createHub(contract.room, {
    store,
    authorize: ({ params, headers }) => (headers as { 'x-tenant'?: string })['x-tenant'] === params.tenant,
    ...(counter
      ? {
          serialize: (value: unknown) => {
            counter.n++;
            return typeof value === 'string' ? value : JSON.stringify(value);
          },
        }
      : {}),
  });
  const ticker = createHub(contract.ticker);
  const router = implement(
    contract,
    { room: hub.implementation(), ticker: ticker.implementation() },
    { heartbeat: false, ...(options.maxQueueBytes ? { maxQueueBytes: options.maxQueueBytes } : {}), onError: () => {} },
  );
  const server = await serve(router);
  cleanups.push(
    () => server.close(),
    () => hub.close(),
    () => store.close(),
  );
  return { hub, ticker, server, store };
}

function roomUrl(server: RunningServer, tenant: string, room: string): string {
  return `${server.url}/tenants/${encodeURIComponent(tenant)}/rooms/${encodeURIComponent(room)}/events`;
}

async function open(server: RunningServer, tenant: string, room: string, lastEventId?: string): Promise<TestStream> {
  const stream = await openStream(roomUrl(server, tenant, room), {
    headers: { 'x-tenant': tenant },
    ...(lastEventId === undefined ? {} : { lastEventId }),
  });
  cleanups.push(() => stream.close());
  return stream;
}

const texts = (s: TestStream) => dataOf<{ n: number; text: string }>(s.events, 'message').map((m) => m.n);

describe('hub: typed publish and fan-out', () => {
  it('validates once, serializes once per publish and delivers to every subscriber of the topic only', async () => {
    const serializeCount = { n: 0 };
    const { hub, server } = await start({ serializeCount });
    const a = await Promise.all([1, 2, 3].map(() => open(server, 't1', 'a')));
    const b = await open(server, 't1', 'b');
    await until(() => hub.subscriberCount() === 4, 5000, 'four subscribers');
    for (let n = 0; n < 5; n++) await hub.publish({ tenant: 't1', roomId: 'a' }, 'message', { n, text: `m${n}` });
    await hub.publish({ tenant: 't1', roomId: 'b' }, 'note', 'only b');
    for (const s of a) await s.waitFor((e) => e.length === 5, 5000, 'five messages');
    await b.waitFor((e) => e.length === 1);
    for (const s of a) expect(texts(s)).toEqual([0, 1, 2, 3, 4]);
    expect(b.events).toEqual([expect.objectContaining({ event: 'note', data: 'only b' })]);
    // One serialization per publish, whatever the number of subscribers.
    expect(serializeCount.n).toBe(6);
    // Every subscriber got the same id per event: encoded once.
    expect(new Set(a.map((s) => s.events.map((e) => e.id).join()))).toHaveProperty('size', 1);
  });

  it('rejects an undeclared event or an invalid payload with CONTRACT_VALIDATION and stores nothing', async () => {
    const { hub, store } = await start();
    await expect(hub.publish({ tenant: 't', roomId: 'r' }, 'nope' as 'note', 'x' as never)).rejects.toMatchObject({
      code: 'CONTRACT_VALIDATION',
      event: 'nope',
    });
    await expect(hub.publish({ tenant: 't', roomId: 'r' }, 'message', { n: 1.5, text: 'x' })).rejects.toMatchObject({
      code: 'CONTRACT_VALIDATION',
      issues: [expect.objectContaining({ path: 'n' })],
    });
    const head = await store.head(hub.topicOf({ tenant: 't', roomId: 'r' }));
    expect(head.position).toEqual({ ms: 0, seq: 0 });
  });

  it('prepare validates and serializes like publish, and stores nothing', async () => {
    const { hub, store } = await start();
    const params = { tenant: 't', roomId: 'r' };
    await expect(hub.prepare(params, 'message', { n: 1.5, text: 'x' })).rejects.toThrow(
      expect.objectContaining({ code: 'CONTRACT_VALIDATION' }),
    );
    await expect(hub.prepare({ tenant: 't' } as never, 'note', 'x')).rejects.toThrow(
      expect.objectContaining({ code: 'CONTRACT_VALIDATION' }),
    );
    const prepared = await hub.prepare(params, 'message', { n: 1, text: 'hi' });
    const topic = hub.topicOf(params);
    expect(prepared).toEqual({ topic, event: 'message', data: '{"n":1,"text":"hi"}' });
    expect((await store.head(topic)).position).toEqual({ ms: 0, seq: 0 });
    const receipt = await hub.publish(params, 'message', { n: 1, text: 'hi' });
    const replay = await store.read(topic, receipt.epoch, { ms: 0, seq: 0 });
    expect(replay).toEqual({
      kind: 'events',
      events: [expect.objectContaining({ event: 'message', data: prepared.data })],
    });
  });

  it('works for a route without replay: no ids, no Last-Event-ID handling', async () => {
    const { ticker, server } = await start();
    const s = await openStream(`${server.url}/ticker`, { lastEventId: 'whatever' });
    cleanups.push(() => s.close());
    await until(() => ticker.subscriberCount() === 1);
    await ticker.publish({}, 'tick', 1);
    await s.waitFor((e) => e.length === 1);
    expect(s.events).toEqual([{ event: 'tick', id: undefined, data: '1' }]);
  });

  it('a subscriber that never reads is cut off by its own queue bound; the others get every event', async () => {
    const { hub, server } = await start({ maxQueueBytes: 256 * 1024 });
    const fast = await open(server, 't1', 'a');
    // A raw socket that sends the request and never reads the response.
    const port = server.port;
    const stalled = connect(port, '127.0.0.1');
    stalled.pause();
    cleanups.push(() => {
      stalled.destroy();
    });
    await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
    stalled.write(`GET /tenants/t1/rooms/a/events HTTP/1.1\r\nhost: x\r\nx-tenant: t1\r\n\r\n`);
    await until(() => hub.subscriberCount() === 2, 5000, 'the stalled subscriber');
    // 6 MB in all: more than loopback socket buffers absorb, so the stalled queue passes its bound.
    const text = 'x'.repeat(4000);
    const total = 1500;
    for (let n = 0; n < total; n++) {
      await hub.publish({ tenant: 't1', roomId: 'a' }, 'message', { n, text });
      if (n % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await fast.waitFor((e) => e.length === total, 10_000, `${total} events on the fast client`);
    expect(texts(fast)).toEqual(Array.from({ length: total }, (_, n) => n));
    await until(() => hub.subscriberCount() === 1, 5000, 'the stalled subscriber to be cut off');
  });
});

describe('hub: replay with Last-Event-ID', () => {
  it('replays every retained later event in order, once, then continues live', async () => {
    const { hub, server } = await start();
    const ids: string[] = [];
    for (let n = 0; n < 6; n++) {
      ids.push((await hub.publish({ tenant: 't1', roomId: 'a' }, 'message', { n, text: '' })).id);
    }
    const s = await open(server, 't1', 'a', ids[2]);
    await s.waitFor((e) => e.length === 3);
    await hub.publish({ tenant: 't1', roomId: 'a' }, 'message', { n: 6, text: '' });
    await s.waitFor((e) => e.length === 4);
    expect(texts(s)).toEqual([3, 4, 5, 6]);
    expect(s.events.slice(0, 3).map((e) => e.id)).toEqual(ids.slice(3));
  });

  it('has no gap and no duplicate between replay and live while publishing continues', async () => {
    const { hub, server } = await start();
    const total = 300;
    const first = await open(server, 't1', 'a');
    let published = 0;
    const publisher = (async () => {
      for (; published < total; published++) {
        await hub.publish({ tenant: 't1', roomId: 'a' }, 'message', { n: published, text: '' });
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // Reconnect three times mid-stream from the last id seen.
    const seen: number[] = [];
    let current = first;
    for (let round = 0; round < 3; round++) {
      await current.waitFor((e) => e.length >= 20 * (round + 1) - seen.length || published >= total, 10_000);
      current.close();
      await current.ended;
      seen.push(...texts(current));
      const lastId = current.events.at(-1)?.id;
      current = await open(server, 't1', 'a', lastId);
    }
    await publisher;
    await current.waitFor((e) => seen.length + e.length >= total, 10_000, 'the rest of the events');
    seen.push(...texts(current));
    expect(seen).toEqual(Array.from({ length: total }, (_, n) => n));
  });

  it('sends the declared reset event (with a resumable id) for a malformed, foreign-epoch or expired id', async () => {
    const store = createMemoryReplayStore({ maxEventsPerTopic: 3 });
    const { hub, server } = await start({ store });
    const ids: string[] = [];
    for (let n = 0; n < 6; n++)
      ids.push((await hub.publish({ tenant: 't', roomId: 'r' }, 'message', { n, text: '' })).id);
    const cases: [string, string][] = [
      ['42', 'malformed'],
      ['x'.repeat(1000), 'malformed'],
      [`otherepoch12345-${Date.now()}-0`, 'other-epoch'],
      [ids[0] as string, 'expired'],
      [`${store.epoch}-${Date.now() + 60_000}-0`, 'unknown-position'],
    ];
    for (const [lastEventId, reason] of cases) {
      const s = await open(server, 't', 'r', lastEventId);
      await s.waitFor((e) => e.length >= 1);
      expect(s.events[0]).toMatchObject({ event: 'reset', id: ids[5] });
      expect(JSON.parse(s.events[0]?.data as string)).toEqual({ reason });
      await hub.publish({ tenant: 't', roomId: 'r' }, 'note', reason);
      await s.waitFor((e) => e.length === 2);
      expect(s.events[1]).toMatchObject({ event: 'note', data: reason });
      s.close();
      ids[5] = s.events[1]?.id as string;
    }
    // The reset id resumes: nothing is replayed twice.
    const resumed = await open(server, 't', 'r', ids[5]);
    await hub.publish({ tenant: 't', roomId: 'r' }, 'note', 'after');
    await resumed.waitFor((e) => e.length === 1);
    expect(resumed.events[0]).toMatchObject({ event: 'note', data: 'after' });
  });

  it('refuses at creation a replay route without a usable reset event', () => {
    const bad = defineContract({ r: { path: '/r', replay: true, events: { m: z.string() } } });
    expect(() => createHub(bad.r)).toThrow(/resetEvent/);
    const strict = defineContract({
      r: { path: '/r', replay: true, resetEvent: 'reset', events: { reset: z.object({ why: z.string() }) } },
    });
    expect(() => createHub(strict.r)).toThrow(/resetData/);
    expect(() => createHub(strict.r, { resetData: ({ reason }) => ({ why: reason }) })).not.toThrow();
  });
});

describe('hub: authorization', () => {
  it('answers 403 to another tenant, on reconnect too, and never replays a foreign topic', async () => {
    const { hub, server } = await start();
    const ownIds: string[] = [];
    for (let n = 0; n < 3; n++)
      ownIds.push((await hub.publish({ tenant: 'A', roomId: 'r' }, 'message', { n, text: 'A' })).id);
    const foreign = await hub.publish({ tenant: 'B', roomId: 'r' }, 'message', { n: 99, text: 'B secret' });

    const denied = await openStream(roomUrl(server, 'B', 'r'), {
      headers: { 'x-tenant': 'A' },
      lastEventId: ownIds[0],
    });
    expect(denied.status).toBe(403);
    await denied.ended;

    // Tenant A resuming with an id taken from tenant B's stream gets only A's events.
    const s = await open(server, 'A', 'r', ownIds[0]);
    await hub.publish({ tenant: 'B', roomId: 'r' }, 'message', { n: 100, text: 'B secret' });
    await hub.publish({ tenant: 'A', roomId: 'r' }, 'message', { n: 3, text: 'A' });
    await s.waitFor((e) => e.length === 3);
    expect(dataOf<{ text: string }>(s.events, 'message').every((m) => m.text === 'A')).toBe(true);
    expect(texts(s)).toEqual([1, 2, 3]);

    const forged = await open(server, 'A', 'r', foreign.id);
    await hub.publish({ tenant: 'A', roomId: 'r' }, 'message', { n: 4, text: 'A' });
    await forged.waitFor((e) => e.some((x) => x.event === 'message'));
    expect(forged.events.some((e) => e.data.includes('B secret'))).toBe(false);
  });

  it('hub.subscribe without beforeStream still authorizes: a refused session is closed with no event', async () => {
    const hub = createHub(contract.room, { authorize: () => false });
    const router = implement(
      contract,
      { room: (session) => hub.subscribe(session), ticker: (session) => session.done },
      { heartbeat: false },
    );
    const server = await serve(router);
    cleanups.push(() => server.close());
    await hub.publish({ tenant: 't', roomId: 'r' }, 'note', 'hidden');
    const s = await openStream(roomUrl(server, 't', 'r'), { lastEventId: '' });
    await s.ended;
    expect(s.events).toEqual([]);
  });
});

describe('hub: store failures', () => {
  it('reports a publish the store did not take as STORE_UNAVAILABLE', async () => {
    const memory = createMemoryReplayStore();
    const failing: ReplayStore = { ...memory, append: async () => Promise.reject(new Error('disk on fire')) };
    const hub = createHub(contract.room, { store: failing });
    const error = await hub.publish({ tenant: 't', roomId: 'r' }, 'note', 'x').catch((e: unknown) => e);
    expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
    await memory.close();
  });
});

describe('hub: a store whose replay reads run ahead of its live feed', () => {
  it('skips live events the replay already wrote: no duplicate, no gap', async () => {
    // Like Redis: XRANGE on one connection can return events pub/sub delivers later on another.
    const memory = createMemoryReplayStore();
    const laggy: ReplayStore = {
      ...memory,
      subscribe: (topic, listener) =>
        memory.subscribe(topic, {
          event: (stored) => setTimeout(() => listener.event(stored), 60),
          reset: (epoch) => listener.reset(epoch),
        }),
      read: async (topic, epoch, position) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return memory.read(topic, epoch, position);
      },
    };
    const { hub, server } = await start({ store: laggy });
    const first = (await hub.publish({ tenant: 't', roomId: 'r' }, 'message', { n: 0, text: '' })).id;
    let n = 1;
    const total = 120;
    const publisher = (async () => {
      for (; n < total; n++) {
        await hub.publish({ tenant: 't', roomId: 'r' }, 'message', { n, text: '' });
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    await until(() => n > 30, 5000, 'publishing under way');
    const s = await open(server, 't', 'r', first);
    await publisher;
    await s.waitFor((e) => e.length >= total - 1, 5000, 'every event after the first');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(texts(s)).toEqual(Array.from({ length: total - 1 }, (_, i) => i + 1));
  });
});

describe('hub.subscribe onLive', () => {
  it('runs once the subscription is live, after the replay: an event published there reaches the session', async () => {
    const hub = createHub(contract.room);
    const live: string[] = [];
    const router = implement(
      contract,
      {
        room: (session) =>
          hub.subscribe(session, {
            onLive: () => {
              live.push(session.lastEventId ?? '');
              void hub.publish(session.params, 'note', `welcome ${live.length}`);
            },
          }),
        ticker: (session) => session.done,
      },
      { heartbeat: false },
    );
    const server = await serve(router);
    cleanups.push(() => server.close());
    const first = await openStream(roomUrl(server, 't', 'r'));
    cleanups.push(() => first.close());
    await first.waitFor((e) => e.length === 1);
    expect(first.events[0]).toMatchObject({ event: 'note', data: 'welcome 1' });
    const id = (await hub.publish({ tenant: 't', roomId: 'r' }, 'note', 'missed')).id;
    const resumed = await openStream(roomUrl(server, 't', 'r'), { lastEventId: first.events[0]?.id as string });
    cleanups.push(() => resumed.close());
    await resumed.waitFor((e) => e.length === 2);
    expect(resumed.events.map((e) => e.data)).toEqual(['missed', 'welcome 2']);
    expect(resumed.events[0]?.id).toBe(id);
  });
});

describe('hub: bursts', () => {
  /** Records every write a stream gets. */
  class RecordingSink extends SinkBase {
    readonly writes: string[] = [];
    readonly bufferedBytes = 0;
    write(chunk: string | Uint8Array): boolean {
      this.writes.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
      return true;
    }
    end(): void {
      this.markClosed();
    }
    destroy(): void {
      this.markClosed();
    }
  }

  it('writes a burst of publishes from one turn to each subscriber in one write, in order', async () => {
    const hub = createHub(contract.room);
    const router = implement(
      contract,
      { room: hub.implementation(), ticker: (session) => session.done },
      { heartbeat: false },
    );
    const request: CoreRequest = {
      method: 'GET',
      url: '/tenants/t/rooms/r/events',
      header: () => undefined,
      headers: () => ({}),
      readBody: async () => '',
      raw: undefined,
    };
    const sinks = [new RecordingSink(), new RecordingSink()];
    for (const sink of sinks) {
      const result = await router.dispatch(request);
      if (result.kind !== 'stream') throw new Error(`expected a stream, got ${result.status}`);
      result.start(sink);
    }
    await until(() => hub.subscriberCount() === 2);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all(
      Array.from({ length: 10 }, (_, n) => hub.publish({ tenant: 't', roomId: 'r' }, 'message', { n, text: '' })),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    for (const { writes } of sinks) {
      expect(writes).toHaveLength(1);
      const ns = [...(writes[0] as string).matchAll(/"n":(\d+)/g)].map((m) => Number(m[1]));
      expect(ns).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    router.closeAll();
    await until(() => hub.subscriberCount() === 0);
  });

  it('refuses what is not a session a route handler received', async () => {
    const hub = createHub(contract.room);
    const fake = { closed: false, params: { tenant: 't', roomId: 'r' }, writeEncoded: async () => {} };
    await expect(hub.subscribe(fake as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('hub: the end of a subscription', () => {
  /** A router whose room handler is `follow(session)`; what each subscription saw when it ended is recorded. */
  async function startWith(follow: (session: SessionOf<typeof contract.room>) => Promise<unknown>) {
    const router = implement(contract, { room: follow, ticker: (session) => session.done }, { heartbeat: false });
    const server = await serve(router);
    cleanups.push(() => server.close());
    return server;
  }

  it('hub.subscribe resolves when the client leaves, once the session has left its topic (new and live topics)', async () => {
    const hub = createHub(contract.room);
    cleanups.push(() => hub.close());
    const countsAtEnd: number[] = [];
    const server = await startWith((session) =>
      hub.subscribe(session).then(() => countsAtEnd.push(hub.subscriberCount())),
    );
    // The first stream joins a topic whose feed is still starting; the second one a live topic.
    const first = await open(server, 't', 'r');
    await until(() => hub.subscriberCount() === 1, 5000, 'the first subscriber');
    const second = await open(server, 't', 'r');
    await until(() => hub.subscriberCount() === 2, 5000, 'the second subscriber');
    await hub.publish({ tenant: 't', roomId: 'r' }, 'note', 'both');
    await Promise.all([first, second].map((s) => s.waitFor((e) => e.length === 1)));
    second.close();
    await until(() => countsAtEnd.length === 1, 5000, 'the second subscription to end');
    expect(countsAtEnd).toEqual([1]);
    first.close();
    await until(() => countsAtEnd.length === 2, 5000, 'the first subscription to end');
    expect(countsAtEnd).toEqual([1, 0]);
  });

  it('hub.subscribe with an authorize hook that accepts: live events, and the subscription ends with the stream', async () => {
    const hub = createHub(contract.room, { authorize: ({ params }) => params.tenant === 't' });
    cleanups.push(() => hub.close());
    let ended = 0;
    const server = await startWith((session) => hub.subscribe(session).then(() => ended++));
    const s = await open(server, 't', 'r');
    await until(() => hub.subscriberCount() === 1, 5000, 'the subscriber');
    await hub.publish({ tenant: 't', roomId: 'r' }, 'note', 'hi');
    await s.waitFor((e) => e.length === 1);
    expect(s.events).toEqual([expect.objectContaining({ event: 'note', data: 'hi' })]);
    s.close();
    await until(() => ended === 1 && hub.subscriberCount() === 0, 5000, 'the subscription to end');
  });

  it('a session following two hubs at once gets the events of both, once each, and leaves both with the client', async () => {
    const rooms = createHub(contract.room);
    const everyone = createHub(contract.room, { topic: () => 'everyone' });
    cleanups.push(
      () => rooms.close(),
      () => everyone.close(),
    );
    const server = await startWith((session) => Promise.all([rooms.subscribe(session), everyone.subscribe(session)]));
    const streams = [await open(server, 't', 'a'), await open(server, 't', 'a'), await open(server, 't', 'b')];
    await until(() => rooms.subscriberCount() === 3 && everyone.subscriberCount() === 3, 5000, 'the subscribers');
    await rooms.publish({ tenant: 't', roomId: 'a' }, 'note', 'room a');
    await everyone.publish({ tenant: 't', roomId: 'x' }, 'note', 'to everyone');
    await rooms.publish({ tenant: 't', roomId: 'b' }, 'note', 'room b');
    const [a1, a2, b] = streams as [TestStream, TestStream, TestStream];
    for (const s of [a1, a2]) await s.waitFor((e) => e.length === 2);
    await b.waitFor((e) => e.length === 2);
    for (const s of [a1, a2]) expect(s.events.map((e) => e.data)).toEqual(['room a', 'to everyone']);
    expect(b.events.map((e) => e.data)).toEqual(['to everyone', 'room b']);
    a1.close();
    await until(() => rooms.subscriberCount() === 2 && everyone.subscriberCount() === 2, 5000, 'one stream gone');
    b.close();
    a2.close();
    await until(() => rooms.subscriberCount() === 0 && everyone.subscriberCount() === 0, 5000, 'every stream gone');
  });
});

describe('hub: edges of subscribe, publish and topicOf', () => {
  it('answers a refused Last-Event-ID (over 1 KiB) with the reset event (malformed), then live events', async () => {
    const { hub, server } = await start();
    const last = await hub.publish({ tenant: 't', roomId: 'r' }, 'message', { n: 0, text: '' });
    const s = await open(server, 't', 'r', 'x'.repeat(2000));
    await s.waitFor((e) => e.length === 1, 5000, 'the reset event');
    expect(s.events[0]).toMatchObject({ event: 'reset', id: last.id, data: '{"reason":"malformed"}' });
    await hub.publish({ tenant: 't', roomId: 'r' }, 'message', { n: 1, text: '' });
    await s.waitFor((e) => e.length === 2, 5000, 'the live event');
    expect(texts(s)).toEqual([1]);
  });

  it('a publish receipt names id, topic, epoch and position; a closed hub refuses publishes by name', async () => {
    const { hub, store } = await start();
    const receipt = await hub.publish({ tenant: 't', roomId: 'r' }, 'note', 'x');
    const read = await store.read(receipt.topic, receipt.epoch, { ms: 0, seq: 0 });
    const stored = read.kind === 'events' ? read.events[0] : undefined;
    expect(receipt).toEqual({
      id: stored?.id,
      topic: hub.topicOf({ tenant: 't', roomId: 'r' }),
      epoch: stored?.epoch,
      position: stored?.position,
    });
    await hub.close();
    await expect(hub.publish({ tenant: 't', roomId: 'r' }, 'note', 'y')).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringContaining('hub "room" is closed'),
    });
  });

  it('answers a refused subscription with 403 and a problem detail', async () => {
    const { server } = await start();
    const response = await fetch(roomUrl(server, 'B', 'r'), {
      headers: { accept: 'text/event-stream', 'x-tenant': 'A' },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('not allowed to subscribe to this topic');
  });

  it('topicOf refuses a params schema that validates asynchronously (INVALID_ARGUMENT), and leaves no rejection behind', async () => {
    const asyncParams = defineContract({
      feed: {
        path: '/feeds/:feedId',
        params: {
          '~standard': {
            version: 1,
            vendor: 'async-test',
            validate: async (value: unknown) => {
              const feedId = (value as { feedId?: unknown }).feedId;
              return typeof feedId === 'string' && feedId.length >= 2
                ? { value: { feedId } }
                : { issues: [{ message: 'too short', path: [{ key: 'feedId' }] }] };
            },
          },
        } as StandardSchemaV1<unknown, { feedId: string }>,
        events: { post: z.string() },
      },
    });
    const hub = createHub(asyncParams.feed);
    cleanups.push(() => hub.close());
    for (const feedId of ['ok', 'x']) {
      expect(() => hub.topicOf({ feedId })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('synchronously') }),
      );
    }
    // The invalid params' rejected validation is handled: nothing reaches unhandledRejection.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(hub.publish({ feedId: 'ok' }, 'post', 'hi')).resolves.toMatchObject({ topic: 'feed/ok' });
  });

  it('without onError, a store error it cannot throw to anyone is logged with its code', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    cleanups.push(() => warn.mockRestore());
    const memory = createMemoryReplayStore();
    for (const logRateLimit of [undefined, false] as const) {
      const hub = createHub(contract.room, { store: memory, ...(logRateLimit === false ? { logRateLimit } : {}) });
      const router = implement(contract, { room: hub.implementation(), ticker: (s) => s.done }, { heartbeat: false });
      const server = await serve(router);
      cleanups.push(() => server.close());
      const s = await open(server, 't', 'r');
      await until(() => hub.subscriberCount() === 1, 5000, 'the subscriber');
      warn.mockClear();
      await memory.append(hub.topicOf({ tenant: 't', roomId: 'r' }), 'bogus', '{}');
      await memory.append(hub.topicOf({ tenant: 't', roomId: 'r' }), 'bogus', '{}');
      await hub.publish({ tenant: 't', roomId: 'r' }, 'note', 'after');
      await s.waitFor((e) => e.length === 1, 5000, 'the note');
      const lines = warn.mock.calls.map((call) => String(call[0]));
      expect(lines[0]).toContain(
        '[ssekit] hub "room" STORE_DATA: route "room": the store delivered an undeclared event',
      );
      // Rate-limited by default (the same cause once per interval); every one without the limit.
      expect(lines.filter((line) => line.includes('STORE_DATA'))).toHaveLength(logRateLimit === false ? 2 : 1);
      s.close();
      await server.close();
      await hub.close();
    }
    await memory.close();
  });
});
