import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HostProcess,
  runtimeArgs,
  runtimeAvailable,
  runtimeBinary,
  startHostProcess,
} from '../../../scripts/runtimes.ts';
import { dataOf, openStream, type TestStream } from '../../server/tests/broadcast-helpers.ts';
import { deleteKeys, lockRedis, noRedis, REDIS_URL, uniquePrefix } from './redis-env.ts';

// The Redis store (ioredis, as on Node) on Bun and on Deno, as two instances of one app behind one Redis: events
// published on either reach subscribers on both, and a client resumes on the other instance with Last-Event-ID.
const runtimesHere =
  runtimeAvailable('bun', 'the Redis store on Bun') && runtimeAvailable('deno', 'the Redis store on Deno');
const skip = noRedis || !runtimesHere;
const prefix = uniquePrefix('runtimes');
const ENTRY = 'packages/redis/tests/runtimes/instance.ts';

let unlock: (() => void) | undefined;
const hosts: HostProcess[] = [];
const streams: TestStream[] = [];
beforeAll(async () => {
  if (!skip) unlock = await lockRedis();
}, 120_000);
afterAll(async () => {
  for (const stream of streams) stream.close();
  await Promise.all(hosts.map((host) => host.stop()));
  await deleteKeys(prefix);
  unlock?.();
});

function start(runtime: 'bun' | 'deno'): Promise<HostProcess> {
  return startHostProcess({
    command: runtimeBinary(runtime),
    args: runtimeArgs(runtime, ENTRY, [runtime]),
    env: { ...process.env, PREFIX: prefix, REDIS_URL },
  }).then((host) => {
    hosts.push(host);
    return host;
  });
}

async function publish(host: HostProcess, n: number): Promise<string> {
  const response = await fetch(`${host.url}/publish?feed=f&n=${n}`, { method: 'POST' });
  if (!response.ok) throw new Error(`publish on ${host.url}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

async function subscribers(host: HostProcess): Promise<number> {
  return ((await (await fetch(`${host.url}/subscribers`)).json()) as { count: number }).count;
}

async function open(host: HostProcess, lastEventId: string): Promise<TestStream> {
  const stream = await openStream(`${host.url}/feeds/f/events`, { lastEventId });
  streams.push(stream);
  return stream;
}

describe.skipIf(skip)('@ssekit/redis on Bun and Deno, one Redis', () => {
  it('fans out across the two runtimes and resumes on the other one with Last-Event-ID', async () => {
    const [bun, deno] = await Promise.all([start('bun'), start('deno')]);
    // Join with the id of an event already stored: live first, then the (empty) replay, so nothing slips between.
    const first = await publish(bun, 0);
    const onDeno = await open(deno, first);
    for (let i = 0; i < 100 && (await subscribers(deno)) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await subscribers(deno)).toBe(1);
    for (const n of [1, 2, 3]) await publish(bun, n);
    const fourth = await publish(deno, 4);
    await onDeno.waitFor((events) => events.length >= 4, 10_000, 'four ticks on Deno');
    expect(dataOf(onDeno.events, 'tick')).toEqual([
      { src: 'bun', n: 1 },
      { src: 'bun', n: 2 },
      { src: 'bun', n: 3 },
      { src: 'deno', n: 4 },
    ]);
    expect(onDeno.events.at(-1)?.id).toBe(fourth);
    // The client leaves Deno; two events later it comes back on Bun with its last id: the two from Redis, then live.
    onDeno.close();
    for (const n of [5, 6]) await publish(deno, n);
    const onBun = await open(bun, fourth);
    await onBun.waitFor((events) => events.length >= 2, 10_000, 'the replay on Bun');
    await publish(deno, 7);
    await onBun.waitFor((events) => events.length >= 3, 10_000, 'live on Bun after the replay');
    expect(dataOf(onBun.events, 'tick')).toEqual([
      { src: 'deno', n: 5 },
      { src: 'deno', n: 6 },
      { src: 'deno', n: 7 },
    ]);
  }, 60_000);
});
