import { createHub, implement } from '@ssekit/server';
import { serve } from '@ssekit/server/node';
import { benchContract, HELLO_SEQ, tick } from '../tick.ts';
import type { BenchServer } from './types.ts';

/**
 * ssekit's broadcast hub (memory store): `hub.publish` validates, serializes and encodes once, then writes the same
 * bytes to every subscriber.
 */
export async function startSsekitHub(maxStreams?: number): Promise<BenchServer> {
  const hub = createHub(benchContract.ticks, {
    onError: (error) => console.error('[bench ssekit-hub]', error),
  });
  const router = implement(
    benchContract,
    {
      ticks: async (session) => {
        await session.send('tick', tick(HELLO_SEQ));
        await hub.subscribe(session);
      },
    },
    maxStreams === undefined ? {} : { limits: { maxStreams } },
  );
  const running = await serve(router, { port: 0, host: '127.0.0.1' });
  return {
    port: running.port,
    streams: () => hub.subscriberCount(),
    broadcast(t) {
      hub.publish({}, 'tick', t).catch((error: unknown) => console.error('[bench ssekit-hub] publish failed', error));
    },
    close: async () => {
      await hub.close();
      await running.close();
    },
  };
}
