/**
 * Heap under never-reading resuming clients (bounded: one process, loopback only, a 120 s deadline).
 *
 *   npx tsx --conditions=@ssekit/source --expose-gc bench/replay-bound/run.ts --store memory --clients 5
 *   npx tsx --conditions=@ssekit/source --expose-gc bench/replay-bound/run.ts --store redis --clients 50
 *
 * A replay route with a backlog of 500 events of 12 KB (more than a paused loopback connection absorbs, so each
 * replay waits for a drain that never comes); N raw sockets resume from the first of them and never read; then
 * 3,000 events of 1 KB are published while one client reads them all. Prints one JSON line: heap after gc before
 * and after the 3,000 messages, SLOW_CONSUMER reports, subscribers left, and whether the reader got every event.
 */
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { createRedisReplayStore } from '@ssekit/redis';
import { implement } from '@ssekit/server';
import { createHub, createMemoryReplayStore, type ReplayStore } from '@ssekit/server/broadcast';
import { serve } from '@ssekit/server/node';
import { openStream } from '../../packages/server/tests/broadcast-helpers.ts';
import { boundContract } from '../../packages/server/tests/replay-bound-scenario.ts';

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'memory' },
    clients: { type: 'string', default: '5' },
    messages: { type: 'string', default: '3000' },
  },
});
const clients = Number(values.clients);
const messages = Number(values.messages);
setTimeout(() => {
  console.error('deadline (120 s) passed');
  process.exit(2);
}, 120_000).unref();

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
async function heapMb(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;
}
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const store: ReplayStore =
  values.store === 'redis'
    ? await createRedisReplayStore({
        prefix: `ssekit-bench:replay-bound:${process.pid}`,
        commandTimeoutMs: 30_000,
        onError: () => {},
      })
    : createMemoryReplayStore({ maxBytesPerTopic: 64 * 1024 * 1024, maxEventsPerTopic: 5000 });
const hub = createHub(boundContract.feed, { store });
let slowConsumer = 0;
const router = implement(
  boundContract,
  { feed: hub.implementation() },
  {
    heartbeat: false,
    onError: (error) => {
      if ((error as { code?: string }).code === 'SLOW_CONSUMER') slowConsumer++;
    },
  },
);
const server = await serve(router);
const params = { feed: `bench-${Date.now().toString(36)}` };
const path = `/feeds/${params.feed}/events`;

const filler = 'x'.repeat(12_000);
let resumeId = '';
for (let n = 0; n < 500; n++) {
  const receipt = await hub.publish(params, 'message', { n: n - 500, text: filler });
  if (n === 0) resumeId = receipt.id;
}

// The reader: fetch + eventsource-parser (the tests' client).
const reader = await openStream(`${server.url}${path}`);
const liveOf = () =>
  reader.events.filter((e) => e.event === 'message').map((e) => (JSON.parse(e.data) as { n: number }).n);

const stalled: Socket[] = [];
for (let i = 0; i < clients; i++) {
  const socket = connect(server.port, '127.0.0.1');
  socket.pause();
  socket.on('error', () => {});
  socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nlast-event-id: ${resumeId}\r\n\r\n`);
  stalled.push(socket);
}
const deadline = Date.now() + 30_000;
while (hub.subscriberCount() < clients + 1 && Date.now() < deadline) await wait(20);
await wait(500); // let the replays fill the kernel buffers and stall
const before = await heapMb();
const small = 'y'.repeat(1000);
for (let n = 0; n < messages; n++) {
  await hub.publish(params, 'message', { n, text: small });
  if (n % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
}
await reader.waitFor((events) => events.length >= messages, 60_000, 'every event on the reader').catch(() => {});
const received = liveOf();
await wait(500);
const after = await heapMb();
console.log(
  JSON.stringify({
    store: values.store,
    clients,
    messages,
    heapBeforeMb: before,
    heapAfterMb: after,
    slowConsumerReports: slowConsumer,
    subscribersLeft: hub.subscriberCount(),
    readerGotEvery: received.length === messages && received.every((n, i) => n === i),
  }),
);
for (const socket of stalled) socket.destroy();
reader.close();
await server.close();
await hub.close();
if (values.store === 'redis') {
  const { Redis } = await import('ioredis');
  const redis = new Redis();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `ssekit-bench:replay-bound:${process.pid}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}
await store.close();
process.exit(0);
