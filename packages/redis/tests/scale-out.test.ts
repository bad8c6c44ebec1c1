import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connectEventStream, type RawSseEvent } from '@ssekit/client';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../server/tests/broadcast-helpers.ts';
import { deleteKeys, lockRedis, noRedis, REDIS_URL, uniquePrefix } from './redis-env.ts';

let unlock: (() => void) | undefined;
beforeAll(async () => {
  if (!noRedis) unlock = await lockRedis();
}, 120_000);
const prefix = uniquePrefix('scale-out');
const children: ChildProcess[] = [];
afterAll(() => unlock?.());
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await deleteKeys(prefix);
});

interface Instance {
  readonly child: ChildProcess;
  readonly port: number;
  next(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  send(line: string): void;
}

async function startInstance(src: string, feed: string): Promise<Instance> {
  const fixture = fileURLToPath(new URL('./fixtures/instance.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@ssekit/source', '--import', 'tsx', fixture], {
    env: { ...process.env, SRC: src, RATE: '250', FEED: feed, PREFIX: prefix, REDIS_URL },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const waiter of [...waiters]) waiter();
  });
  const next = (predicate: (line: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`instance ${src}: no matching line within 20 s`)), 20_000);
      const check = () => {
        const found = lines.find(predicate);
        if (found) {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        }
      };
      waiters.add(check);
      check();
    });
  const ready = await next((line) => typeof line.ready === 'number');
  return { child, port: ready.ready as number, next, send: (line) => child.stdin?.write(`${line}\n`) };
}

describe('scale-out over one Redis', () => {
  it.skipIf(noRedis)(
    'kill -9 of the instance a client is on: it resumes on the other with Last-Event-ID and gets every event once, in order',
    async () => {
      const feed = 'main';
      const [a, b] = await Promise.all([startInstance('A', feed), startInstance('B', feed)]);
      // A load balancer in front of both: it sends the client to A until A dies, then to B.
      let target = a.port;
      const received: RawSseEvent[] = [];
      const opened: string[] = [];
      const switchedAt: number[] = [];
      const connection = connectEventStream({
        url: `http://lb.invalid/feeds/${feed}/events`,
        fetch: (input, init) => {
          opened.push(String(target));
          switchedAt.push(received.length);
          return fetch(String(input).replace('lb.invalid', `127.0.0.1:${target}`), init);
        },
        reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
        onEvent: (event) => received.push(event),
        onError: () => {},
      });
      try {
        // Let the stream open before publishing starts (events before it are not this client's concern).
        await until(() => opened.length === 1, 5000, 'the first connection');
        await new Promise((resolve) => setTimeout(resolve, 200));
        a.send('start');
        b.send('start');
        await until(() => received.length >= 300, 10_000, '300 events through A');
        a.child.kill('SIGKILL');
        target = b.port;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        b.send('stop');
        const stopped = await b.next((line) => line.stopped === true);
        expect(stopped.failed).toBe(0);

        // Ground truth: the feed's stream in Redis, everything both instances stored.
        const redis = new Redis(REDIS_URL);
        let ids: string[] = [];
        try {
          const entries = await redis.xrange(`${prefix}:s:feed/${feed}`, '-', '+');
          const epoch = await redis.get(`${prefix}:epoch`);
          ids = entries.map(([id]) => `${epoch}-${id}`);
        } finally {
          redis.disconnect();
        }
        const firstId = received.find((e) => e.event === 'tick')?.id as string;
        const expected = ids.slice(ids.indexOf(firstId));
        await until(() => received.length >= expected.length, 10_000, `all ${expected.length} stored events`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        const got = received.filter((e) => e.event === 'tick').map((e) => e.id);
        expect(received.filter((e) => e.event === 'reset')).toEqual([]);
        const duplicates = got.filter((id, i) => got.indexOf(id) !== i);
        expect(duplicates, `duplicates (reconnected at event ${switchedAt[1]})`).toEqual([]);
        expect(got).toEqual(expected);
        const sources = new Set(received.map((e) => (JSON.parse(e.data) as { src: string }).src));
        expect(sources).toEqual(new Set(['A', 'B']));
        // The client really moved: connections to A, then to B.
        expect(opened[0]).toBe(String(a.port));
        expect(opened.at(-1)).toBe(String(b.port));
        expect(expected.length).toBeGreaterThan(500);
      } finally {
        connection.close();
        b.child.stdin?.end();
      }
    },
    40_000,
  );
});
