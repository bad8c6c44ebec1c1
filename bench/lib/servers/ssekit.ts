import { implement, type SessionOf } from '@ssekit/server';
import { serve } from '@ssekit/server/node';
import { benchContract, HELLO_SEQ, tick } from '../tick.ts';
import type { BenchServer } from './types.ts';

type TickSession = SessionOf<typeof benchContract.ticks>;

/**
 * ssekit with a typed, validated `session.send('tick', data)` per connection: no hub, no shared frame in the bench. The
 * session's send memo checks, serializes and encodes the tick once and reuses the frame for every connection the same
 * (unchanged) tick is sent to; each connection still gets its own `send` and write.
 */
export async function startSsekit(options: { coalesceMs?: number; maxStreams?: number } = {}): Promise<BenchServer> {
  const sessions = new Set<TickSession>();
  const router = implement(
    benchContract,
    {
      ticks: async (session) => {
        sessions.add(session);
        try {
          await session.send('tick', tick(HELLO_SEQ));
          await session.done;
        } finally {
          sessions.delete(session);
        }
      },
    },
    {
      ...(options.coalesceMs === undefined ? {} : { coalesceMs: options.coalesceMs }),
      ...(options.maxStreams === undefined ? {} : { limits: { maxStreams: options.maxStreams } }),
    },
  );
  const running = await serve(router, { port: 0, host: '127.0.0.1' });
  return {
    port: running.port,
    streams: () => sessions.size,
    broadcast(t) {
      for (const session of sessions) void session.send('tick', t);
    },
    close: () => running.close(),
  };
}
