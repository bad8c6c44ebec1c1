import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import { HELLO_SEQ, STREAM_PATH, TICK_EVENT, tick } from '../tick.ts';
import type { BenchServer } from './types.ts';

/** Hono's `streamSSE` on @hono/node-server: one SSEStreamingApi per request, `writeSSE` to each. */
export async function startHono(): Promise<BenchServer> {
  const streams = new Set<SSEStreamingApi>();
  const app = new Hono();
  app.get(STREAM_PATH, (c) =>
    streamSSE(c, async (stream) => {
      await stream.writeSSE({ event: TICK_EVENT, data: JSON.stringify(tick(HELLO_SEQ)) });
      streams.add(stream);
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      streams.delete(stream);
    }),
  );
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    streams: () => streams.size,
    broadcast(t) {
      const data = JSON.stringify(t);
      for (const stream of streams) void stream.writeSSE({ event: TICK_EVENT, data });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) void stream.close();
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
