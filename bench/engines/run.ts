/**
 * Cross-instance publish → receive latency and publish throughput of the scale-out stores, measured the same way for
 * each: two store instances (separate connections, as two server processes would have) in this process; instance A
 * publishes, instance B is subscribed to the topic.
 *
 * - latency: `--events` publishes one after the other (each waits for the previous one's arrival on B); p50/p99 of the
 *   time from calling `append` on A to the event reaching B's listener.
 * - throughput: `--events` publishes with at most `--inflight` in flight on A; publishes/s until every one is
 *   acknowledged (spread over `--topics` topics, default 1), and whether B received them all.
 *
 * Bounded: loopback only, a fixed count per engine and a 60 s deadline per phase. Cleans up what it created.
 *
 *   npx tsx --conditions=@ssekit/source bench/engines/run.ts [--events 2000] [--inflight 32] [--topics 1] [--engines memory,redis,nats,postgres]
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createNatsStore } from '@ssekit/nats';
import { createPostgresStore } from '@ssekit/postgres';
import { createRedisReplayStore } from '@ssekit/redis';
import { createMemoryReplayStore, type ReplayStore, type StoredEvent } from '@ssekit/server/broadcast';
import { Redis } from 'ioredis';
import pg from 'pg';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(String(process.argv[i]).replace(/^--/, ''), String(process.argv[i + 1]));
const events = Number(args.get('events') ?? 2000);
const inflight = Number(args.get('inflight') ?? 32);
const topics = Number(args.get('topics') ?? 1);
const engines = (args.get('engines') ?? 'memory,redis,nats,postgres').split(',');
const PHASE_DEADLINE_MS = 60_000;
const run = `${process.pid}${Date.now().toString(36)}`;

interface Pair {
  a: ReplayStore;
  b: ReplayStore;
  cleanup: () => Promise<void>;
}

async function pairOf(engine: string): Promise<Pair> {
  if (engine === 'memory') {
    const store = createMemoryReplayStore({ maxEventsPerTopic: 10_000 });
    return { a: store, b: store, cleanup: () => store.close() };
  }
  if (engine === 'redis') {
    const prefix = `ssekit-bench:${run}`;
    const a = await createRedisReplayStore({ prefix, maxLen: 10_000 });
    const b = await createRedisReplayStore({ prefix, maxLen: 10_000 });
    return {
      a,
      b,
      cleanup: async () => {
        await a.close();
        await b.close();
        const redis = new Redis('redis://127.0.0.1:6379');
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
        redis.disconnect();
      },
    };
  }
  if (engine === 'nats') {
    const stream = `SSEKIT_BENCH_${run}`;
    const a = await createNatsStore({ stream, retention: { maxEvents: 10_000 } });
    const b = await createNatsStore({ stream, retention: { maxEvents: 10_000 } });
    return {
      a,
      b,
      cleanup: async () => {
        await a.close();
        await b.close();
        const nc = await connect({ servers: '127.0.0.1:4222' });
        await (await jetstreamManager(nc)).streams.delete(stream).catch(() => {});
        await nc.close();
      },
    };
  }
  if (engine === 'postgres') {
    const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const schema = `ssekit_bench_${run}`;
    const admin = new pg.Pool({ connectionString, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    const table = `${schema}.events`;
    const a = await createPostgresStore({ connectionString, table, retention: { maxEvents: 10_000 } });
    const b = await createPostgresStore({ connectionString, table, retention: { maxEvents: 10_000 } });
    return {
      a,
      b,
      cleanup: async () => {
        await a.close();
        await b.close();
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      },
    };
  }
  throw new Error(`unknown engine ${engine}`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function measure(engine: string) {
  const { a, b, cleanup } = await pairOf(engine);
  try {
    const topic = `bench/${engine}`;
    const arrived = new Map<string, number>();
    let waiter: (() => void) | undefined;
    const listener = {
      event: (e: StoredEvent) => {
        arrived.set(e.data, performance.now());
        waiter?.();
      },
      reset: () => {},
    };
    const stops = [await b.subscribe(topic, listener)];
    for (let t = 1; t < topics; t++) stops.push(await b.subscribe(`${topic}/${t}`, listener));
    const deadline = Date.now() + PHASE_DEADLINE_MS;
    // Latency: one at a time.
    const latencies: number[] = [];
    for (let i = 0; i < events && Date.now() < deadline; i++) {
      const key = `l${i}`;
      const sent = performance.now();
      const got = new Promise<void>((resolve) => {
        waiter = () => {
          if (arrived.has(key)) resolve();
        };
      });
      await a.append(topic, 'tick', key);
      if (!arrived.has(key)) await Promise.race([got, new Promise((r) => setTimeout(r, 5000))]);
      const at = arrived.get(key);
      if (at === undefined) throw new Error(`${engine}: event ${key} did not arrive within 5 s`);
      latencies.push(at - sent);
    }
    waiter = undefined;
    latencies.sort((x, y) => x - y);
    // Throughput: a bounded number in flight.
    const started = performance.now();
    let next = 0;
    let acked = 0;
    const deadline2 = Date.now() + PHASE_DEADLINE_MS;
    await Promise.all(
      Array.from({ length: inflight }, async () => {
        while (next < events && Date.now() < deadline2) {
          const i = next++;
          await a.append(i % topics === 0 ? topic : `${topic}/${i % topics}`, 'tick', `t${i}`);
          acked++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const receiveDeadline = Date.now() + 10_000;
    while (Date.now() < receiveDeadline && [...Array(acked).keys()].some((i) => !arrived.has(`t${i}`))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const received = [...Array(acked).keys()].filter((i) => arrived.has(`t${i}`)).length;
    for (const stop of stops) stop();
    return {
      engine,
      latencyEvents: latencies.length,
      p50ms: Number(percentile(latencies, 50).toFixed(2)),
      p99ms: Number(percentile(latencies, 99).toFixed(2)),
      publishesPerSecond: Math.round(acked / seconds),
      inflight,
      topics,
      acked,
      receivedOnB: received,
    };
  } finally {
    await cleanup();
  }
}

const rows = [];
for (const engine of engines) {
  const row = await measure(engine);
  console.log(JSON.stringify(row));
  rows.push(row);
}
console.log(
  `\n| engine | p50 publish→receive (ms) | p99 (ms) | publishes/s (${inflight} in flight, ${topics} topic(s)) | received |`,
);
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows)
  console.log(`| ${r.engine} | ${r.p50ms} | ${r.p99ms} | ${r.publishesPerSecond} | ${r.receivedOnB}/${r.acked} |`);
process.exit(0);
