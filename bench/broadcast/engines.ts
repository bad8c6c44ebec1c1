/**
 * Part G, store engines: cross-instance publish→receive latency and publish throughput of the hub on every replay
 * store engine, in the same run.
 *
 *   npx tsx --conditions=@ssekit/source bench/broadcast/engines.ts [--quick] [--engines memory,redis,redis-cluster]
 *
 * Per engine: two hub instances (A and B, each its own store client on the shared backend, each served over loopback
 * HTTP), one SSE client on A. Latency: B publishes `latencyEvents` ticks at `perSecond`, each stamped with the time
 * before `hub.publish`; the client on A records receive − stamp (one process, one clock); p50/p99/max. Throughput: B
 * publishes `throughputEvents` ticks with 32 in flight; publishes per second = acknowledged publishes / elapsed time
 * until the last acknowledgement; the client on A must then have every tick, in order, once (else the run fails).
 * `memory` has no second instance: A and B share one in-process store (same-instance figures, for reference).
 * Everything runs in this one process (client, both instances, the store clients): the figures compare engines on one
 * machine, they are not a capacity test. The Redis Cluster is started by the run itself (3 masters + 3 replicas from
 * Debian's redis-server on spare loopback ports) and stopped at the end.
 *
 * Engines come from one table, {@link ENGINES}: an entry says how to make the two store instances, or why it is
 * skipped.
 */
import { parseArgs } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { defineContract } from '@ssekit/contract';
import { createNatsStore } from '@ssekit/nats';
import { createPostgresStore } from '@ssekit/postgres';
import { createRedisReplayStore } from '@ssekit/redis';
import { implement } from '@ssekit/server';
import { createHub, createMemoryReplayStore, type ReplayStore } from '@ssekit/server/broadcast';
import { serve } from '@ssekit/server/node';
import { createParser } from 'eventsource-parser';
import pg from 'pg';
import { z } from 'zod';
import { PrivateCluster } from '../../packages/redis/tests/redis-cluster.ts';
import { deleteKeys } from '../../packages/redis/tests/redis-env.ts';
import { noRedisServer } from '../../packages/redis/tests/redis-server.ts';
import { quantileSorted } from '../lib/stats.ts';
import { type EngineResult, formatEngines, formatRow } from './engines-format.ts';

export { type EngineResult, formatEngines } from './engines-format.ts';

const contract = defineContract({
  ticks: {
    path: '/ticks/:feed',
    replay: true,
    resetEvent: 'reset',
    events: {
      tick: z.object({ seq: z.number().int(), sentAt: z.number() }),
      reset: z.object({ reason: z.string() }),
    },
  },
});

/** Two store instances sharing one backend, and how to release them. */
export interface EnginePair {
  readonly a: ReplayStore;
  readonly b: ReplayStore;
  /** True when A and B are separate instances (false: one in-process store). */
  readonly crossInstance: boolean;
  close(): Promise<void>;
}

/** One row of the engine table. */
export interface BenchEngine {
  readonly name: string;
  /** The two instances, or a string: why the engine is skipped here. */
  pair(): Promise<EnginePair | string>;
}

const now = () => performance.timeOrigin + performance.now();
const benchPrefix = (engine: string) => `ssekit-bench-${engine}-${process.pid}-${Date.now().toString(36)}`;

async function closeBoth(a: ReplayStore, b: ReplayStore): Promise<void> {
  await Promise.allSettled([a.close(), b.close()]);
}

/** Every engine the run measures, in order. Add a row to measure another store. */
export const ENGINES: readonly BenchEngine[] = [
  {
    name: 'memory',
    async pair() {
      const store = createMemoryReplayStore({ maxEventsPerTopic: 10_000 });
      return { a: store, b: store, crossInstance: false, close: () => store.close() };
    },
  },
  {
    name: 'redis',
    async pair() {
      const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
      const prefix = benchPrefix('redis');
      try {
        const a = await createRedisReplayStore({ url, prefix, onError: () => {} });
        const b = await createRedisReplayStore({ url, prefix, onError: () => {} });
        return {
          a,
          b,
          crossInstance: true,
          async close() {
            await closeBoth(a, b);
            await deleteKeys(prefix, url);
          },
        };
      } catch {
        return `Redis unreachable at ${url}`;
      }
    },
  },
  {
    name: 'redis-cluster',
    async pair() {
      if (noRedisServer) return 'redis-server is not installed';
      const cluster = await PrivateCluster.start({ nodeTimeoutMs: 5000 });
      const prefix = benchPrefix('cluster');
      try {
        const a = await createRedisReplayStore({ cluster: cluster.startupNodes, prefix, onError: () => {} });
        const b = await createRedisReplayStore({ cluster: cluster.startupNodes, prefix, onError: () => {} });
        return {
          a,
          b,
          crossInstance: true,
          async close() {
            await closeBoth(a, b);
            await cluster.destroy();
          },
        };
      } catch (error) {
        await cluster.destroy();
        throw error;
      }
    },
  },
  {
    name: 'nats',
    async pair() {
      const servers = process.env.NATS_URL ?? '127.0.0.1:4222';
      const stream = benchPrefix('nats').replaceAll('-', '_').toUpperCase();
      try {
        const a = await createNatsStore({ servers, stream, retention: { maxEvents: 10_000 }, onError: () => {} });
        const b = await createNatsStore({ servers, stream, retention: { maxEvents: 10_000 }, onError: () => {} });
        return {
          a,
          b,
          crossInstance: true,
          async close() {
            await closeBoth(a, b);
            const nc = await connect({ servers });
            await (await jetstreamManager(nc)).streams.delete(stream).catch(() => {});
            await nc.close();
          },
        };
      } catch {
        return `NATS JetStream unreachable at ${servers}`;
      }
    },
  },
  {
    name: 'postgres',
    async pair() {
      const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
      const schema = benchPrefix('pg').replaceAll('-', '_');
      const admin = new pg.Pool({ connectionString, max: 1 });
      admin.on('error', () => {});
      try {
        await admin.query(`CREATE SCHEMA ${schema}`);
      } catch {
        await admin.end();
        return `PostgreSQL unreachable at ${connectionString}`;
      }
      const table = `${schema}.events`;
      const options = { connectionString, table, retention: { maxEvents: 10_000 }, onError: () => {} };
      const a = await createPostgresStore(options);
      const b = await createPostgresStore(options);
      return {
        a,
        b,
        crossInstance: true,
        async close() {
          await closeBoth(a, b);
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
          await admin.end();
        },
      };
    },
  },
];

/** Options of {@link runEngines}. */
export interface EnginesBenchOptions {
  quick?: boolean;
  /** Engine names to run (default: every row of {@link ENGINES}). */
  engines?: readonly string[];
  log?: (line: string) => void;
}

/** One SSE client: parses with eventsource-parser, records each tick's latency and checks order. */
async function openClient(url: string) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
  const latencies: number[] = [];
  const seqs: number[] = [];
  let anomalies = 0;
  const waiters = new Set<() => void>();
  const parser = createParser({
    onEvent(message) {
      if (message.event !== 'tick') return;
      const received = now();
      const tick = JSON.parse(message.data) as { seq: number; sentAt: number };
      if (seqs.length > 0 && tick.seq !== (seqs.at(-1) as number) + 1) anomalies++;
      seqs.push(tick.seq);
      latencies.push(received - tick.sentAt);
      for (const waiter of [...waiters]) waiter();
    },
  });
  void (async () => {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted
    }
  })();
  return {
    latencies,
    seqs,
    get anomalies() {
      return anomalies;
    },
    until(seq: number, timeoutMs: number, what: string): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (seqs.length > 0 && (seqs.at(-1) as number) >= seq) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last seq ${seqs.at(-1)})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => controller.abort(),
  };
}

async function measure(engine: string, pair: EnginePair, quick: boolean): Promise<EngineResult> {
  const latencyEvents = quick ? 300 : 2000;
  const perSecond = 500;
  const throughputEvents = quick ? 1000 : 5000;
  const hubA = createHub(contract.ticks, { store: pair.a, onError: () => {} });
  const hubB = createHub(contract.ticks, { store: pair.b, onError: () => {} });
  const serverA = await serve(implement(contract, { ticks: hubA.implementation() }, { heartbeat: false }));
  const feed = `f${Date.now().toString(36)}`;
  const client = await openClient(`${serverA.url}/ticks/${feed}`);
  try {
    let seq = 0;
    // Warm-up until the client on A has one: the cross-instance path is live from then on.
    for (let i = 0; i < 200 && client.seqs.length === 0; i++) {
      await hubB.publish({ feed }, 'tick', { seq: seq++, sentAt: now() });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await client.until(seq - 1, 10_000, 'the warm-up');
    client.latencies.length = 0;
    // Latency: paced, one publish per interval.
    const from = seq;
    const start = now();
    for (let i = 0; i < latencyEvents; i++) {
      const due = start + (i * 1000) / perSecond;
      const wait = due - now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await hubB.publish({ feed }, 'tick', { seq: seq++, sentAt: now() });
    }
    await client.until(seq - 1, 30_000, 'the latency ticks');
    const sorted = Float64Array.from(client.latencies.slice(-(seq - from))).sort();
    // Throughput: 32 publishes in flight, until every one is acknowledged.
    const first = seq;
    const t0 = now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < throughputEvents) {
          const n = next++;
          await hubB.publish({ feed }, 'tick', { seq: first + n, sentAt: now() });
        }
      }),
    );
    const elapsed = now() - t0;
    seq = first + throughputEvents;
    // Concurrent publishes are stored in the store's order, which is not `seq` order: only completeness is checked.
    await client.until(seq - 1, 60_000, 'the throughput ticks').catch(() => undefined);
    const got = new Set(client.seqs.filter((s) => s >= first));
    if (got.size !== throughputEvents) {
      throw new Error(`${engine}: the client on A got ${got.size} of ${throughputEvents} throughput ticks`);
    }
    const latencyAnomalies = client.seqs.filter(
      (s, i) => s < first && i > 0 && s !== (client.seqs[i - 1] as number) + 1,
    );
    if (latencyAnomalies.length > 0)
      throw new Error(`${engine}: ticks out of order or repeated during the latency run`);
    return {
      engine,
      crossInstance: pair.crossInstance,
      latencyEvents,
      perSecond,
      p50Ms: quantileSorted(sorted, 0.5),
      p99Ms: quantileSorted(sorted, 0.99),
      maxMs: sorted[sorted.length - 1] ?? Number.NaN,
      throughputEvents,
      publishesPerSecond: (throughputEvents * 1000) / elapsed,
    };
  } finally {
    client.close();
    await hubA.close();
    await hubB.close();
    await serverA.close();
  }
}

/** Runs every engine of the table (or the chosen ones); skipped engines are listed with their reason. */
export async function runEngines(
  options: EnginesBenchOptions = {},
): Promise<{ results: EngineResult[]; skipped: Record<string, string> }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const results: EngineResult[] = [];
  const skipped: Record<string, string> = {};
  for (const engine of ENGINES) {
    if (options.engines && !options.engines.includes(engine.name)) continue;
    const pair = await engine.pair();
    if (typeof pair === 'string') {
      skipped[engine.name] = pair;
      log(`  engine ${engine.name} skipped: ${pair}`);
      continue;
    }
    try {
      const result = await measure(engine.name, pair, options.quick ?? false);
      results.push(result);
      log(`  engine ${engine.name}: ${formatRow(result)}`);
    } finally {
      await pair.close();
    }
  }
  return { results, skipped };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: { quick: { type: 'boolean', default: false }, engines: { type: 'string' } },
  });
  const deadline = setTimeout(() => {
    console.error('[bench/engines] 10 min deadline exceeded, exiting');
    process.exit(2);
  }, 10 * 60_000);
  deadline.unref();
  const run = await runEngines({
    quick: values.quick ?? false,
    ...(values.engines ? { engines: values.engines.split(',') } : {}),
  });
  console.log(formatEngines(run));
  process.exit(0);
}
