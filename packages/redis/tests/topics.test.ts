import { defineContract } from '@ssekit/contract';
import { createRedisReplayStore } from '@ssekit/redis';
import { implement } from '@ssekit/server';
import { createHub, createMemoryReplayStore, defaultTopic, type ReplayStore } from '@ssekit/server/broadcast';
import { serve } from '@ssekit/server/node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openStream, type TestStream, until } from '../../server/tests/broadcast-helpers.ts';
import { deleteKeys, lockRedis, noRedis, REDIS_URL, uniquePrefix } from './redis-env.ts';

let unlock: (() => void) | undefined;
beforeAll(async () => {
  if (!noRedis) unlock = await lockRedis();
}, 120_000);
const prefix = uniquePrefix('topics');
afterAll(() => unlock?.());
afterAll(() => deleteKeys(prefix));

const contract = defineContract({
  room: {
    path: '/rooms/:roomId/events',
    params: z.object({ roomId: z.string().min(1).max(64) }),
    replay: true,
    resetEvent: 'reset',
    events: { message: z.object({ roomId: z.string(), k: z.number() }), reset: z.object({ reason: z.string() }) },
  },
});

/** Hostile room names: separators, percent signs and encodings of them, Unicode (astral too), whitespace. */
const roomName = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
    fc
      .array(
        fc.constantFrom(
          '/',
          '%',
          '%2F',
          '%25',
          '#',
          '?',
          ':',
          '&',
          '=',
          '+',
          ' ',
          '\\',
          'é',
          'e\u0301',
          '😀',
          '中',
          '\t',
          '.',
        ),
        {
          minLength: 1,
          maxLength: 8,
        },
      )
      .map((parts) => parts.join('')),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
  )
  // "." and ".." are dot segments in any URL: no client can address them as a path segment.
  .filter((name) => name !== '.' && name !== '..' && name.length <= 64);

describe('topic derivation', () => {
  it('never maps two different param tuples (or routes) to one topic', () => {
    fc.assert(
      fc.property(fc.tuple(roomName, roomName), fc.tuple(roomName, roomName), (a, b) => {
        fc.pre(a[0] !== b[0] || a[1] !== b[1]);
        const ta = defaultTopic('r', ['x', 'y'], { x: a[0], y: a[1] });
        const tb = defaultTopic('r', ['x', 'y'], { x: b[0], y: b[1] });
        expect(ta).not.toBe(tb);
        expect(defaultTopic('r', ['x'], { x: a[0] })).not.toBe(defaultTopic('s', ['x'], { x: a[0] }));
      }),
      { numRuns: 2000 },
    );
  });
});

async function crossTopicRun(store: ReplayStore): Promise<void> {
  const names = fc.sample(fc.uniqueArray(roomName, { minLength: 100, maxLength: 100 }), {
    numRuns: 1,
    seed: 20261128,
  })[0] as string[];
  const hub = createHub(contract.room, { store });
  const router = implement(contract, { room: hub.implementation() }, { heartbeat: false, onError: () => {} });
  const server = await serve(router);
  const streams: { room: string; stream: TestStream }[] = [];
  try {
    // 1,000 subscribers: ten per room, opened a hundred at a time.
    for (let batch = 0; batch < 10; batch++) {
      const opened = await Promise.all(
        names.map(async (room) => ({
          room,
          stream: await openStream(`${server.url}/rooms/${encodeURIComponent(room)}/events`),
        })),
      );
      for (const entry of opened) expect(entry.stream.status).toBe(200);
      streams.push(...opened);
    }
    await until(() => hub.subscriberCount() === 1000, 20_000, '1000 subscribers');
    // Warm up every topic until each subscriber is live (subscriptions finish asynchronously).
    for (let round = 0; round < 50 && streams.some((s) => s.stream.events.length === 0); round++) {
      await Promise.all(names.map((roomId) => hub.publish({ roomId }, 'message', { roomId, k: -1 })));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (let k = 0; k < 3; k++) {
      await Promise.all(names.map((roomId) => hub.publish({ roomId }, 'message', { roomId, k })));
    }
    await until(
      () => streams.every((s) => s.stream.events.some((e) => e.data.includes('"k":2'))),
      20_000,
      'the last message in every room',
    );
    for (const { room, stream } of streams) {
      const messages = stream.events.map((e) => JSON.parse(e.data) as { roomId: string; k: number });
      // No cross-topic delivery, and this room's messages in order.
      expect(messages.every((m) => m.roomId === room)).toBe(true);
      expect(messages.filter((m) => m.k >= 0).map((m) => m.k)).toEqual([0, 1, 2]);
    }
  } finally {
    for (const { stream } of streams) stream.close();
    await server.close();
    await hub.close();
  }
}

describe('1,000 subscribers across 100 hostile topic names', () => {
  it('memory store: no cross-topic delivery', async () => {
    const store = createMemoryReplayStore();
    await crossTopicRun(store);
    await store.close();
  }, 60_000);

  it.skipIf(noRedis)(
    'Redis store: no cross-topic delivery',
    async () => {
      const store = await createRedisReplayStore({ url: REDIS_URL, prefix, onError: () => {} });
      try {
        await crossTopicRun(store);
      } finally {
        await store.close();
      }
    },
    60_000,
  );
});
