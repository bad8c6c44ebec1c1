import { isSsekitError } from '@ssekit/contract';
import { createRedisReplayStore, type RedisReplayStore } from '@ssekit/redis';
import type { StoredEvent } from '@ssekit/server/broadcast';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { until } from '../../server/tests/broadcast-helpers.ts';
import { noRedisServer, type OwnRedis, sparePort, startOwnRedis } from './own-redis.ts';

// Options, connection failures, close and channel bookkeeping of the Redis store. Some of these stop Redis: the file
// runs its own redis-server on a spare loopback port.
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
 * Runs `body` as a Redis user created with `rules` (password `pw`) on this file's own server, with an admin connection
 * to change the user's rights midway; the admin connection ends afterwards.
 */
async function asAclUser(user: string, rules: string[], body: (admin: Redis, url: string) => Promise<void>) {
  const own = redis as OwnRedis;
  const admin = new Redis(own.url);
  try {
    await admin.call('ACL', 'SETUSER', user, 'reset', 'on', '>pw', ...rules);
    await body(admin, `redis://${user}:pw@127.0.0.1:${own.port}`);
  } finally {
    admin.disconnect();
  }
}

/** What `promise` rejected with: its ssekit code (`undefined` for any other error), message and cause's message. */
async function rejection(promise: Promise<unknown>): Promise<{ code: unknown; message: string; cause: string }> {
  const error = await promise.then(
    () => new Error('expected a rejection, the promise resolved'),
    (e: unknown) => e,
  );
  return {
    code: isSsekitError(error) ? error.code : undefined,
    message: (error as Error).message,
    cause: String(((error as Error).cause as Error | undefined)?.message),
  };
}

async function open(options: Parameters<typeof createRedisReplayStore>[0] = {}): Promise<RedisReplayStore> {
  const store = await createRedisReplayStore({
    url: (redis as OwnRedis).url,
    prefix: 'edges',
    onError: () => {},
    ...options,
  });
  stores.push(store);
  return store;
}

async function subscribers(channel: string): Promise<number> {
  const admin = new Redis((redis as OwnRedis).url);
  try {
    const [, count] = (await admin.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
    return Number(count);
  } finally {
    admin.disconnect();
  }
}

describe.sequential('Redis replay store: options, connection and close', () => {
  it('refuses bounds that are not positive integers, naming the option', async () => {
    for (const [name, value] of [
      ['maxLen', 0],
      ['maxLen', 1.5],
      ['maxAgeMs', -1],
      ['commandTimeoutMs', Number.NaN],
    ] as const) {
      const error = await createRedisReplayStore({ url: 'redis://127.0.0.1:1', [name]: value }).catch(
        (e: unknown) => e,
      );
      expect(isSsekitError(error) && error.code).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toBe(`createRedisReplayStore: ${name} must be a positive integer, got ${value}`);
    }
  });

  it('refuses a waitForReplicas that is not 0 or more, an empty cluster and a cluster prefix with braces', async () => {
    for (const value of [-1, 1.5, Number.NaN]) {
      const error = await createRedisReplayStore({ url: 'redis://127.0.0.1:1', waitForReplicas: value }).catch(
        (e: unknown) => e,
      );
      expect(isSsekitError(error) && error.code).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toBe(`createRedisReplayStore: waitForReplicas must be 0 or more, got ${value}`);
    }
    const empty = await createRedisReplayStore({ cluster: [] }).catch((e: unknown) => e);
    expect(isSsekitError(empty) && empty.code).toBe('INVALID_ARGUMENT');
    expect((empty as Error).message).toBe('createRedisReplayStore: cluster needs at least one node');
    const braces = await createRedisReplayStore({ cluster: ['127.0.0.1:1'], prefix: 'app{1}' }).catch(
      (e: unknown) => e,
    );
    expect(isSsekitError(braces) && braces.code).toBe('INVALID_ARGUMENT');
    expect((braces as Error).message).toMatch(/prefix must not contain/);
  });

  it('fails with STORE_UNAVAILABLE naming the URL when Redis does not answer', async () => {
    const url = `redis://127.0.0.1:${await sparePort()}`;
    const error = await createRedisReplayStore({ url, onError: () => {} }).catch((e: unknown) => e);
    expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
    expect((error as Error).message).toBe(`cannot connect to Redis at ${url}`);
  });

  it.skipIf(noRedisServer)('after close, every call fails with STORE_UNAVAILABLE and nothing is written', async () => {
    const store = await open();
    const stored = await store.append('t/close', 'message', 'a');
    await store.close();
    await store.close();
    for (const call of [
      () => store.append('t/close', 'message', 'b'),
      () => store.read('t/close', stored.epoch, { ms: 0, seq: 0 }),
      () => store.head('t/close'),
      () => store.subscribe('t/close', { event: () => {}, reset: () => {} }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
      expect((error as Error).message).toMatch(/(the Redis store is closed|is not connected)$/);
    }
    const reader = await open();
    const read = await reader.read('t/close', stored.epoch, { ms: 0, seq: 0 });
    expect(read.kind === 'events' && read.events.map((e) => e.data)).toEqual(['a']);
  });

  it.skipIf(noRedisServer)(
    'keeps a topic channel while a listener remains; unsubscribes with the last one',
    async () => {
      const store = await open();
      const channel = `${store.prefix}:c:t/chan`;
      const seen: string[] = [];
      const stopA = await store.subscribe('t/chan', {
        event: (e: StoredEvent) => seen.push(`a${e.data}`),
        reset: () => {},
      });
      const stopB = await store.subscribe('t/chan', {
        event: (e: StoredEvent) => seen.push(`b${e.data}`),
        reset: () => {},
      });
      expect(await subscribers(channel)).toBe(1);
      await store.append('t/chan', 'message', '1');
      await until(() => seen.length === 2, 5000, 'both listeners');
      stopA();
      expect(await subscribers(channel)).toBe(1);
      await store.append('t/chan', 'message', '2');
      await until(() => seen.length === 3, 5000, 'the remaining listener');
      expect(seen.sort()).toEqual(['a1', 'b1', 'b2']);
      stopB();
      // UNSUBSCRIBE is sent without waiting for it: poll, bounded.
      for (let i = 0; i < 100 && (await subscribers(channel)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await subscribers(channel)).toBe(0);
    },
  );

  it.skipIf(noRedisServer)('without a prefix, writes its keys under ssekit:', async () => {
    const store = await open({ prefix: undefined });
    expect(store.prefix).toBe('ssekit');
    expect(store.clustered).toBe(false);
    await store.append('t/default', 'message', 'x');
    const admin = new Redis((redis as OwnRedis).url);
    try {
      expect(await admin.exists('ssekit:s:t/default')).toBe(1);
    } finally {
      admin.disconnect();
    }
  });

  it.skipIf(noRedisServer)(
    'a publish Redis does not answer within commandTimeoutMs fails with STORE_UNAVAILABLE, not later',
    async () => {
      const store = await open({ commandTimeoutMs: 300 });
      await store.append('t/slow', 'message', 'before');
      const admin = new Redis((redis as OwnRedis).url);
      try {
        // Redis holds every client's commands for 4 s: the append must give up after its 300 ms, not succeed after.
        await admin.call('CLIENT', 'PAUSE', '4000', 'ALL');
        const error = await store.append('t/slow', 'message', 'paused').catch((e: unknown) => e);
        expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
        expect((error as Error).message).toMatch(/^append to "t\/slow": .*timed out/i);
      } finally {
        await admin.call('CLIENT', 'UNPAUSE').catch(() => {});
        admin.disconnect();
      }
    },
  );

  it.skipIf(noRedisServer)(
    'a malformed notification on a topic channel is reported as STORE_DATA and delivers nothing',
    async () => {
      const errors: unknown[] = [];
      const store = await open({ onError: (error) => errors.push(error) });
      const seen: string[] = [];
      await store.subscribe('t/bad', { event: (e: StoredEvent) => seen.push(e.data), reset: () => {} });
      const admin = new Redis((redis as OwnRedis).url);
      try {
        await admin.publish(`${store.prefix}:c:t/bad`, 'not an event');
      } finally {
        admin.disconnect();
      }
      await until(() => errors.length > 0, 5000, 'the malformed notification reported');
      expect(isSsekitError(errors[0]) && errors[0].code).toBe('STORE_DATA');
      expect((errors[0] as Error).message).toBe(`malformed Redis notification on ${store.prefix}:c:t/bad`);
      await store.append('t/bad', 'message', 'good');
      await until(() => seen.length > 0, 5000, 'the next event');
      expect(seen).toEqual(['good']);
    },
  );

  it.skipIf(noRedisServer)(
    'a subscribe whose head Redis does not answer in time rejects, leaves no channel behind, and can be retried',
    async () => {
      const store = await open({ commandTimeoutMs: 300 });
      const channel = `${store.prefix}:c:t/late`;
      const admin = new Redis((redis as OwnRedis).url);
      let error: unknown;
      try {
        // Scripts are held for 4 s (SUBSCRIBE is not): the head query times out after 300 ms.
        await admin.call('CLIENT', 'PAUSE', '4000', 'WRITE');
        error = await store.subscribe('t/late', { event: () => {}, reset: () => {} }).catch((e: unknown) => e);
      } finally {
        await admin.call('CLIENT', 'UNPAUSE').catch(() => {});
        admin.disconnect();
      }
      expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
      expect((error as Error).message).toMatch(/^head of "t\/late": .*timed out/i);
      for (let i = 0; i < 100 && (await subscribers(channel)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await subscribers(channel)).toBe(0);
      const seen: string[] = [];
      await store.subscribe('t/late', { event: (e: StoredEvent) => seen.push(e.data), reset: () => {} });
      await store.append('t/late', 'message', 'now');
      await until(() => seen.length > 0, 5000, 'the event after the retry');
      expect(seen).toEqual(['now']);
    },
  );

  it.skipIf(noRedisServer)(
    'waitForReplicas: acknowledged once a replica has the event; rejected (but stored) when too few replicas confirm',
    async () => {
      const own = redis as OwnRedis;
      const replica = await startOwnRedis();
      const admin = new Redis(replica.url);
      try {
        await admin.call('REPLICAOF', '127.0.0.1', String(own.port));
        for (let i = 0; i < 100; i++) {
          if (((await admin.call('INFO', 'replication')) as string).includes('master_link_status:up')) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const one = await open({ waitForReplicas: 1, commandTimeoutMs: 5000 });
        const stored = await one.append('t/wait', 'message', 'replicated');
        expect(stored.data).toBe('replicated');
        expect(await admin.xlen(`${one.prefix}:s:t/wait`)).toBe(1);
        const two = await open({ waitForReplicas: 2, commandTimeoutMs: 300 });
        const error = await two.append('t/wait', 'message', 'unconfirmed').catch((e: unknown) => e);
        expect(isSsekitError(error) && error.code).toBe('STORE_UNAVAILABLE');
        expect((error as Error).message).toMatch(
          /^append to "t\/wait": (stored on the master, but 1 of 2 replicas confirmed it in time|Command timed out)/,
        );
        const read = await one.read('t/wait', stored.epoch, stored.position);
        expect(read.kind === 'events' && read.events.map((e) => e.data)).toEqual(['unconfirmed']);
      } finally {
        admin.disconnect();
        await replica.stop();
      }
    },
  );

  it.skipIf(noRedisServer)('names its two connections after connectionName', async () => {
    await open({ redis: { connectionName: 'edges-named' } });
    const admin = new Redis((redis as OwnRedis).url);
    try {
      const list = (await admin.call('CLIENT', 'LIST')) as string;
      const names = list.split('\n').map((line) => /\bname=(\S*)/.exec(line)?.[1]);
      expect(names).toContain('edges-named:cmd');
      expect(names).toContain('edges-named:sub');
    } finally {
      admin.disconnect();
    }
  });

  it.skipIf(noRedisServer)(
    'while Redis is down: a new topic cannot be subscribed, publishes fail and are reported',
    async () => {
      const own = redis as OwnRedis;
      const errors: unknown[] = [];
      const store = await open({ commandTimeoutMs: 500, onError: (error) => errors.push(error) });
      await own.shutdown();
      try {
        await until(() => errors.length > 0, 5000, 'the outage reported');
        expect(errors.every((e) => isSsekitError(e) && e.code === 'STORE_UNAVAILABLE')).toBe(true);
        expect((errors[0] as Error).message.startsWith(`Redis at ${own.url}: `)).toBe(true);
        const subscribe = await store
          .subscribe('t/down', { event: () => {}, reset: () => {} })
          .catch((e: unknown) => e);
        expect((subscribe as Error).message).toBe(`subscribe to "t/down": Redis at ${own.url} is not connected`);
        const append = await store.append('t/down', 'message', 'x').catch((e: unknown) => e);
        expect(isSsekitError(append) && append.code).toBe('STORE_UNAVAILABLE');
        expect((append as Error).message).toMatch(/^append to "t\/down": /);
      } finally {
        await own.start();
      }
    },
  );
  it.skipIf(noRedisServer)(
    'without onError, logs an outage once (not every reconnect attempt), and the next outage once again',
    async () => {
      const own = redis as OwnRedis;
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const logged = () => warn.mock.calls.filter((call) => String(call[0]).startsWith('[ssekit] redis store'));
      try {
        const store = await createRedisReplayStore({ url: own.url, prefix: 'edges', commandTimeoutMs: 500 });
        stores.push(store);
        const seen: string[] = [];
        await store.subscribe('t/log', { event: (e: StoredEvent) => seen.push(e.data), reset: () => {} });
        let before = 0;
        for (let outage = 1; outage <= 2; outage++) {
          await own.shutdown();
          await until(() => logged().length > before, 5000, `outage ${outage} logged`);
          // Both connections keep retrying (every 50 to 500 ms) while Redis is away: still one line.
          await new Promise((resolve) => setTimeout(resolve, 1500));
          expect(logged()).toHaveLength(before + 1);
          await own.start();
          // Back once an event published now is delivered (resubscribed and caught up). Bounded: 50 tries.
          for (let i = 0; i < 50 && !seen.includes(`after ${outage}`); i++) {
            await store.append('t/log', 'message', `after ${outage}`).catch(() => {});
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          expect(seen).toContain(`after ${outage}`);
          before = logged().length;
        }
        expect(String(logged()[0]?.[0])).toMatch(
          /^\[ssekit\] redis store STORE_UNAVAILABLE: Redis at redis:\/\/127\.0\.0\.1:\d+: /,
        );
      } finally {
        warn.mockRestore();
        await own.start();
      }
    },
    30_000,
  );

  it.skipIf(noRedisServer)(
    "waitForReplicas: a publish whose WAIT or script Redis refuses rejects with Redis's reason and is not acknowledged",
    () =>
      // An ACL user that may run everything but WAIT: the append script stores the event, its WAIT is refused.
      asAclUser('waiter', ['~*', '&*', '+@all', '-wait'], async (admin, url) => {
        const store = await open({ url, waitForReplicas: 1 });
        const unconfirmed = await rejection(store.append('t/refused', 'message', 'a'));
        expect(unconfirmed.code).toBe('STORE_UNAVAILABLE');
        expect(unconfirmed.message).toMatch(/^append to "t\/refused": NOPERM .*'wait'/);
        // Then scripts refused too: nothing is stored.
        await admin.call('ACL', 'SETUSER', 'waiter', '+wait', '-@scripting');
        const refused = await rejection(store.append('t/refused', 'message', 'b'));
        expect(refused.code).toBe('STORE_UNAVAILABLE');
        expect(refused.message).toMatch(/^append to "t\/refused": NOPERM .*'evalsha'/);
        expect(refused.cause).toMatch(/^NOPERM/);
        // Replays and heads run scripts too: refused the same way, named after what failed.
        const replay = await rejection(store.read('t/refused', store.epoch, { ms: 0, seq: 0 }));
        expect(replay.code).toBe('STORE_UNAVAILABLE');
        expect(replay.message).toMatch(/^replay of "t\/refused": NOPERM /);
        const head = await rejection(store.head('t/refused'));
        expect(head.message).toMatch(/^head of "t\/refused": NOPERM /);
        const reader = await open();
        const read = await reader.read('t/refused', reader.epoch, { ms: 0, seq: 0 });
        expect(read.kind === 'events' && read.events.map((e) => e.data)).toEqual(['a']);
      }),
  );

  it.skipIf(noRedisServer)(
    'a subscribe Redis refuses rejects with STORE_UNAVAILABLE naming the topic (the reason as its cause); the topic can be subscribed again',
    () =>
      // An ACL user that may subscribe to one topic's channel only.
      asAclUser('listener', ['~*', 'resetchannels', '&edges:c:t/allowed', '+@all'], async (admin, url) => {
        const store = await open({ url });
        for (let attempt = 0; attempt < 2; attempt++) {
          const error = await rejection(store.subscribe('t/denied', { event: () => {}, reset: () => {} }));
          expect(error.code).toBe('STORE_UNAVAILABLE');
          expect(error.message).toBe('subscribe to "t/denied"');
          expect(error.cause).toMatch(/^NOPERM/);
        }
        const seen: string[] = [];
        await store.subscribe('t/allowed', { event: (e: StoredEvent) => seen.push(e.data), reset: () => {} });
        await store.append('t/allowed', 'message', 'in');
        await until(() => seen.length > 0, 5000, 'the event on the allowed topic');
        expect(seen).toEqual(['in']);
        // Allowed now: a new subscribe, not the failed one's leftovers.
        await admin.call('ACL', 'SETUSER', 'listener', '&edges:c:t/denied');
        await store.subscribe('t/denied', { event: (e: StoredEvent) => seen.push(e.data), reset: () => {} });
        await store.append('t/denied', 'message', 'late');
        await until(() => seen.length > 1, 5000, 'the event on the topic allowed later');
        expect(seen).toEqual(['in', 'late']);
      }),
  );

  it.skipIf(noRedisServer)(
    'an unsubscribe called again after the topic was subscribed anew leaves the new subscription alone',
    async () => {
      const store = await open();
      const first: string[] = [];
      const stop = await store.subscribe('t/again', { event: (e: StoredEvent) => first.push(e.data), reset: () => {} });
      stop();
      const second: string[] = [];
      await store.subscribe('t/again', { event: (e: StoredEvent) => second.push(e.data), reset: () => {} });
      stop();
      expect(await subscribers(`${store.prefix}:c:t/again`)).toBe(1);
      await store.append('t/again', 'message', 'x');
      await until(() => second.length > 0, 5000, 'the event on the new subscription');
      expect(second).toEqual(['x']);
      expect(first).toEqual([]);
    },
  );

  it.skipIf(noRedisServer)('close ends both of its connections to Redis', async () => {
    const store = await open({ redis: { connectionName: 'edges-closing' } });
    const admin = new Redis((redis as OwnRedis).url);
    try {
      const named = async () =>
        ((await admin.call('CLIENT', 'LIST')) as string)
          .split('\n')
          .map((line) => /\bname=(\S*)/.exec(line)?.[1])
          .filter((name) => name?.startsWith('edges-closing'));
      expect((await named()).sort()).toEqual(['edges-closing:cmd', 'edges-closing:sub']);
      await store.close();
      for (let i = 0; i < 100 && (await named()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await named()).toEqual([]);
    } finally {
      admin.disconnect();
    }
  });
});
