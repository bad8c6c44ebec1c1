import { createRedisReplayStore, type RedisReplayStore } from '@ssekit/redis';
import type { StoredEvent } from '@ssekit/server/broadcast';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { until } from '../../server/tests/broadcast-helpers.ts';
import { noRedisServer, type OwnRedis, startOwnRedis } from './own-redis.ts';

// Connection kills are destructive: this file runs its own redis-server on a spare loopback port.
let redis: OwnRedis | undefined;
beforeAll(async () => {
  if (!noRedisServer) redis = await startOwnRedis();
}, 30_000);
afterAll(() => redis?.stop());
const stores: RedisReplayStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

/**
 * A store whose connections log in as an ACL user of their own, so that {@link cutOff} can keep this store (and only
 * it) away from Redis while others keep publishing.
 */
async function openAs(
  user: string,
  options: Parameters<typeof createRedisReplayStore>[0] = {},
): Promise<RedisReplayStore> {
  await admin((client) => client.call('ACL', 'SETUSER', user, 'reset', 'on', '>secret', '~*', '&*', '+@all'));
  const store = await createRedisReplayStore({
    url: `redis://${user}:secret@127.0.0.1:${(redis as OwnRedis).port}`,
    prefix: 'outage',
    onError: () => {},
    ...options,
  });
  stores.push(store);
  return store;
}

/** Disables the user and closes its connections: its reconnects fail until {@link letBackIn}. */
async function cutOff(user: string): Promise<void> {
  await admin(async (client) => {
    await client.call('ACL', 'SETUSER', user, 'off');
    await client.call('CLIENT', 'KILL', 'USER', user);
  });
}

async function letBackIn(user: string): Promise<void> {
  await admin((client) => client.call('ACL', 'SETUSER', user, 'on'));
}

async function admin<T>(run: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis((redis as OwnRedis).url);
  try {
    return await run(client);
  } finally {
    client.disconnect();
  }
}

async function open(name?: string | Parameters<typeof createRedisReplayStore>[0]): Promise<RedisReplayStore> {
  const store = await createRedisReplayStore({
    url: (redis as OwnRedis).url,
    prefix: 'outage',
    onError: () => {},
    ...(typeof name === 'string' ? { redis: { connectionName: name } } : name),
  });
  stores.push(store);
  return store;
}

async function killPubSubConnection(name: string): Promise<void> {
  const admin = new Redis((redis as OwnRedis).url);
  try {
    const list = (await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
    const id = /\bid=(\d+)/.exec(list.split('\n').find((l) => l.includes(`name=${name}:sub`)) ?? '')?.[1];
    expect(id).toBeDefined();
    await admin.call('CLIENT', 'KILL', 'ID', id as string);
  } finally {
    admin.disconnect();
  }
}

describe('Redis replay store across a pub/sub disconnect', () => {
  it.skipIf(noRedisServer)(
    'events published while it catches up arrive both by XRANGE and by pub/sub: each is delivered once, in order',
    async () => {
      const listenerStore = await open('listener');
      const publisher = await open();
      const events: StoredEvent[] = [];
      await listenerStore.subscribe('t/overlap', { event: (e) => events.push(e), reset: () => {} });
      let published = 0;
      let stop = false;
      // Publish without pause (ten appends in flight) through the kill, the reconnect and the catch-up, so some
      // events land both in the catch-up's XRANGE and in what pub/sub delivered after the re-SUBSCRIBE.
      // Bounded: at most 20,000 events; it stops once the listener is live again.
      const publishing = Promise.all(
        Array.from({ length: 10 }, async () => {
          while (!stop && published < 20_000) {
            const n = published++;
            await publisher.append('t/overlap', 'message', String(n));
          }
        }),
      );
      await until(() => published >= 50, 5000, 'publishing under way');
      const before = events.length;
      await killPubSubConnection('listener');
      // Live again once an event published after the kill arrives; keep publishing a little longer after that.
      const killedAt = published;
      await until(() => events.some((e) => Number(e.data) > killedAt + 200), 10_000, 'delivery after the reconnect');
      await new Promise((resolve) => setTimeout(resolve, 50));
      stop = true;
      await publishing;
      expect(before).toBeGreaterThan(0);
      await until(() => events.length >= published, 10_000, `all ${published} events`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const streamOrder = await listenerStore.read('t/overlap', listenerStore.epoch, { ms: 0, seq: 0 });
      expect(streamOrder.kind).toBe('events');
      expect(events.map((e) => e.id)).toEqual(
        (streamOrder as { events: readonly StoredEvent[] }).events.map((e) => e.id),
      );
    },
    30_000,
  );

  it.skipIf(noRedisServer)(
    'after its pub/sub connection is killed, catches up from the stream: nothing lost, nothing twice',
    async () => {
      const listenerStore = await open('kill-listener');
      const publisher = await open();
      const seen = { events: [] as StoredEvent[], resets: [] as string[] };
      await listenerStore.subscribe('t/kill', {
        event: (e) => seen.events.push(e),
        reset: (e) => seen.resets.push(e),
      });
      for (let n = 0; n < 10; n++) await publisher.append('t/kill', 'message', String(n));
      await until(() => seen.events.length === 10, 5000, 'the first ten');
      // Kill the listener's pub/sub connection (only it): it drops, reconnects and must catch up from the stream.
      await killPubSubConnection('kill-listener');
      for (let n = 10; n < 40; n++) await publisher.append('t/kill', 'message', String(n));
      await until(() => seen.events.length >= 40, 5000, 'all forty after the reconnect');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen.events.map((e) => Number(e.data))).toEqual(Array.from({ length: 40 }, (_, n) => n));
      expect(seen.resets).toEqual([]);
    },
  );
  it.skipIf(noRedisServer)(
    'catches up more than one page (1,000) of events published while it was cut off: every one, in order, once; hides the password',
    async () => {
      const errors: unknown[] = [];
      const listenerStore = await openAs('pager', { onError: (error) => errors.push(error) });
      const publisher = await open();
      const seen = { events: [] as StoredEvent[], resets: [] as string[] };
      await listenerStore.subscribe('t/pages', {
        event: (e) => seen.events.push(e),
        reset: (e) => seen.resets.push(e),
      });
      await publisher.append('t/pages', 'message', 'first');
      await until(() => seen.events.length === 1, 5000, 'the first event');
      await cutOff('pager');
      await until(() => errors.length > 0, 5000, 'the listener cut off');
      // 1,100 events it cannot be notified of: only its catch-up from the stream can deliver them (two pages).
      for (let n = 0; n < 1100; n += 100) {
        await Promise.all(Array.from({ length: 100 }, (_, i) => publisher.append('t/pages', 'message', String(n + i))));
      }
      await letBackIn('pager');
      await until(() => seen.events.length >= 1101, 20_000, 'all 1,101 events');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stream = await publisher.read('t/pages', publisher.epoch, { ms: 0, seq: 0 });
      expect(stream.kind === 'events' && stream.events.length).toBe(1101);
      expect(seen.events.map((e) => e.id)).toEqual(
        (stream as { events: readonly StoredEvent[] }).events.map((e) => e.id),
      );
      expect(seen.resets).toEqual([]);
      // Reported (its logins refused meanwhile) under the URL with the password hidden.
      const messages = errors.map((e) => String((e as Error).message));
      expect(
        messages.some((m) => m.startsWith(`Redis at redis://pager:***@127.0.0.1:${(redis as OwnRedis).port}: `)),
      ).toBe(true);
      expect(messages.some((m) => m.includes('secret'))).toBe(false);
    },
    60_000,
  );

  it.skipIf(noRedisServer)(
    'events trimmed away while it was cut off: its listeners get a reset, then the retained events, in order',
    async () => {
      const errors: unknown[] = [];
      const listenerStore = await openAs('trimmed', { maxLen: 5, onError: (error) => errors.push(error) });
      const publisher = await open({ maxLen: 5 });
      const log: string[] = [];
      await listenerStore.subscribe('t/trimmed', {
        event: (e) => log.push(e.data),
        reset: (epoch) => log.push(`reset ${epoch}`),
      });
      for (let n = 0; n < 3; n++) await publisher.append('t/trimmed', 'message', String(n));
      await until(() => log.length === 3, 5000, 'the first three');
      await cutOff('trimmed');
      await until(() => errors.length > 0, 5000, 'the listener cut off');
      // 20 more with room for 5: the listener's last delivered event and the next 14 are trimmed meanwhile.
      for (let n = 3; n < 23; n++) await publisher.append('t/trimmed', 'message', String(n));
      await letBackIn('trimmed');
      await until(() => log.length >= 9, 10_000, 'the reset and the five retained');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(log).toEqual(['0', '1', '2', `reset ${publisher.epoch}`, '18', '19', '20', '21', '22']);
      // Live again: the next one arrives once.
      await publisher.append('t/trimmed', 'message', '23');
      await until(() => log.length >= 10, 5000, 'the next event');
      expect(log.slice(9)).toEqual(['23']);
    },
    30_000,
  );

  it.skipIf(noRedisServer)(
    'a catch-up Redis refuses is reported and retried, 100 ms after the first failure, 100 ms longer each time, at most 1 s',
    async () => {
      const realSetTimeout = globalThis.setTimeout;
      const realSleep = (ms: number) => new Promise((resolve) => realSetTimeout(resolve, ms));
      // When (on the fake clock) each refused catch-up attempt was reported.
      const refused: number[] = [];
      const reported: Error[] = [];
      const listenerStore = await openAs('retrier', {
        redis: { connectionName: 'retrier' },
        onError: (error) => {
          reported.push(error as Error);
          if (String((error as Error).message).includes('NOPERM')) refused.push(Date.now());
          else expect.unreachable(`unexpected report: ${String(error)}`);
        },
      });
      const publisher = await open();
      const seen: string[] = [];
      await listenerStore.subscribe('t/retry', { event: (e) => seen.push(e.data), reset: () => {} });
      // Its scripts are refused from now on (SUBSCRIBE and PING are not): every catch-up attempt fails at once.
      await admin((client) => client.call('ACL', 'SETUSER', 'retrier', '-@scripting'));
      const waitForRefusals = async (count: number) => {
        for (let i = 0; i < 500 && refused.length < count; i++) await realSleep(10);
        expect(refused).toHaveLength(count);
      };
      // Only timers and the clock are fake; the connections are real. Each step fires exactly the next timer, once the
      // attempt before it was refused (so no command is in flight).
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      try {
        await killPubSubConnection('retrier');
        // The subscriber's reconnect (timers of its own), up to the first refused catch-up attempt.
        for (let i = 0; i < 50 && refused.length === 0; i++) {
          await realSleep(100);
          if (refused.length === 0) await vi.advanceTimersToNextTimerAsync();
        }
        await waitForRefusals(1);
        await publisher.append('t/retry', 'message', 'missed');
        for (let attempt = 2; attempt <= 13; attempt++) {
          await vi.advanceTimersToNextTimerAsync();
          await waitForRefusals(attempt);
        }
        expect(refused.slice(1).map((at, n) => at - (refused[n] as number))).toEqual([
          100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1000, 1000,
        ]);
        await admin((client) => client.call('ACL', 'SETUSER', 'retrier', '+@all'));
        await vi.advanceTimersToNextTimerAsync();
      } finally {
        vi.useRealTimers();
      }
      await until(() => seen.length > 0, 5000, 'the event published while the catch-up failed');
      expect(seen).toEqual(['missed']);
      expect(refused).toHaveLength(13);
      // Reported as the Redis store being unavailable, under its URL with the password hidden.
      expect(String((reported[0]?.cause as Error | undefined)?.message)).toMatch(/^NOPERM/);
      expect(reported[0]?.message).toMatch(
        new RegExp(`^Redis at redis://retrier:\\*\\*\\*@127\\.0\\.0\\.1:${(redis as OwnRedis).port}: NOPERM`),
      );
    },
    30_000,
  );

  it.skipIf(noRedisServer)(
    'with nothing published while its pub/sub link was down, it catches up quietly and delivers the next event',
    async () => {
      const errors: unknown[] = [];
      const listenerStore = await open({ redis: { connectionName: 'quiet' }, onError: (error) => errors.push(error) });
      const seen: string[] = [];
      await listenerStore.subscribe('t/quiet', { event: (e) => seen.push(e.data), reset: () => {} });
      await killPubSubConnection('quiet');
      // Back once a new subscriber connection of it is listed (bounded), and a little more for its catch-up.
      for (let i = 0; i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const list = await admin((client) => client.call('CLIENT', 'LIST', 'TYPE', 'pubsub') as Promise<string>);
        if (list.includes('name=quiet:sub')) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      await listenerStore.append('t/quiet', 'message', 'next');
      await until(() => seen.length > 0, 5000, 'the event after the reconnect');
      expect(seen).toEqual(['next']);
      expect(errors).toEqual([]);
    },
  );

  it.skipIf(noRedisServer)('an outage of its command connection alone is reported', async () => {
    const errors: Error[] = [];
    await openAs('commander', {
      redis: { connectionName: 'commander' },
      onError: (error) => errors.push(error as Error),
    });
    await admin(async (client) => {
      await client.call('ACL', 'SETUSER', 'commander', 'off');
      const list = (await client.call('CLIENT', 'LIST')) as string;
      const id = /\bid=(\d+)/.exec(list.split('\n').find((l) => l.includes('name=commander:cmd')) ?? '')?.[1];
      expect(id).toBeDefined();
      await client.call('CLIENT', 'KILL', 'ID', id as string);
    });
    try {
      await until(() => errors.length > 0, 5000, 'the command connection refused');
      expect(errors[0]?.message).toMatch(
        new RegExp(`^Redis at redis://commander:\\*\\*\\*@127\\.0\\.0\\.1:${(redis as OwnRedis).port}: `),
      );
    } finally {
      await letBackIn('commander');
    }
  });
});
