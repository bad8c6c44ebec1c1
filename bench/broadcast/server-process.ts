/**
 * A broadcast server under test, as a child process: `raw` (node:http writing one preformatted, pre-encoded frame to
 * every response), `ssekit` (typed, validated hub.publish on the memory store) or `ssekit-redis` (the Redis store;
 * `--prefix` names its keys). Driven over IPC (see protocol.ts); its first message carries its port.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { defineContract } from '@ssekit/contract';
import { createRedisReplayStore } from '@ssekit/redis';
import { implement } from '@ssekit/server';
import { createHub, createMemoryReplayStore, type ReplayStore } from '@ssekit/server/broadcast';
import { serve } from '@ssekit/server/node';
import { z } from 'zod';
import { type Impl, now, type Request, STREAM_PATH, serveRequests, type Tick } from './protocol.ts';

const { values } = parseArgs({
  options: { impl: { type: 'string' }, prefix: { type: 'string' }, redis: { type: 'string' } },
});
const impl = values.impl as Impl;
const TEXT = 'the quick brown fox jumps over the lazy dog';

export const tickContract = defineContract({
  ticks: {
    path: STREAM_PATH,
    replay: true,
    resetEvent: 'reset',
    events: {
      tick: z.object({ seq: z.number().int().nonnegative(), sentAt: z.number(), text: z.string().max(200) }),
      reset: z.object({ reason: z.string() }),
    },
  },
});

interface Server {
  port: number;
  streams(): number;
  publish(tick: Tick): void;
}

async function startRaw(): Promise<Server> {
  const streams = new Set<ServerResponse>();
  let position = 0;
  const server = createServer((req, res) => {
    if (req.url !== STREAM_PATH) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    streams.add(res);
    res.once('close', () => streams.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    streams: () => streams.size,
    publish(tick) {
      // The same frame shape ssekit writes (event, a resumable id, JSON data), encoded once.
      position++;
      const frame = Buffer.from(
        `event: tick\nid: bench0000-${Date.now()}-${position}\ndata: ${JSON.stringify(tick)}\n\n`,
      );
      for (const res of streams) res.write(frame);
    },
  };
}

async function startSsekit(store: ReplayStore): Promise<Server> {
  const hub = createHub(tickContract.ticks, { store, onError: (e) => console.error('[bench ssekit]', e) });
  const router = implement(tickContract, { ticks: hub.implementation() });
  const running = await serve(router, { port: 0 });
  return {
    port: running.port,
    streams: () => hub.subscriberCount(),
    publish(tick) {
      hub.publish({}, 'tick', tick).catch((e: unknown) => console.error('[bench ssekit] publish failed', e));
    },
  };
}

/** The core alone: sessions held open by their handler, events sent with `session.send` (per-session encoding). */
async function startCore(): Promise<Server> {
  const sessions = new Set<{ send: (e: 'tick', t: Tick) => Promise<void> }>();
  const router = implement(tickContract, {
    ticks: async (session) => {
      sessions.add(session);
      await session.done;
      sessions.delete(session);
    },
  });
  const running = await serve(router, { port: 0 });
  return {
    port: running.port,
    streams: () => sessions.size,
    publish(tick) {
      for (const session of sessions) void session.send('tick', tick).catch(() => {});
    },
  };
}

const server =
  impl === 'raw'
    ? await startRaw()
    : impl === 'ssekit-core'
      ? await startCore()
      : await startSsekit(
          impl === 'ssekit-redis'
            ? await createRedisReplayStore({
                url: values.redis ?? 'redis://127.0.0.1:6379',
                prefix: values.prefix ?? 'bench',
              })
            : createMemoryReplayStore(),
        );

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const gc = (globalThis as { gc?: () => void }).gc;

serveRequests(async (request: Request) => {
  switch (request.cmd) {
    case 'streams':
      return { port: server.port, streams: server.streams() };
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      return user + system;
    }
    case 'memory': {
      for (let i = 0; i < 3; i++) {
        gc?.();
        await turn();
      }
      const usage = process.memoryUsage();
      return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, gc: gc !== undefined };
    }
    case 'publish': {
      for (let seq = request.fromSeq; seq < request.fromSeq + request.count; seq++) {
        server.publish({ seq, sentAt: 0, text: TEXT });
        if (request.mode === 'turn') await turn();
      }
      return request.count;
    }
    case 'paced': {
      const began = now();
      for (let i = 0; i < request.count; i++) {
        const due = began + (i * 1000) / request.perSecond;
        while (now() < due) await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - now() - 1)));
        server.publish({ seq: request.fromSeq + i, sentAt: now(), text: TEXT });
      }
      return request.count;
    }
    default:
      throw new Error(`server: unknown command ${request.cmd}`);
  }
});
process.send?.({ id: 0, ok: true, value: { port: server.port } });
