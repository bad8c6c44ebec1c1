import { request } from 'node:http';
import { createRouter, type SlowConsumerError } from '@ssekit/server';
import { serve } from '@ssekit/server/node';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './broadcast-helpers.ts';

// The slow-consumer bound with nothing configured: every other bound test sets its own `maxQueueBytes`, so this one
// pins the documented default (1 MiB) where a user meets it, on a real socket.

const MiB = 1024 * 1024;
const CHUNK = 'x'.repeat(64 * 1024);

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('slow-consumer bound by default', () => {
  it('cuts off a client that stops reading once 1 MiB waits for it', async () => {
    const errors: unknown[] = [];
    let sent = 0;
    const router = createRouter({ heartbeat: false, onError: (error) => errors.push(error) });
    router.sse('/flood', async (session) => {
      await session.comment('open');
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Ignores backpressure; bounded: at most 2,000 chunks (125 MiB) whatever happens.
      for (let i = 0; i < 2000 && !session.closed; i++) {
        void session.send({ data: CHUNK });
        sent++;
        if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
      }
    });
    const server = await serve(router);
    cleanups.push(() => server.close());
    // A client that reads the head and then nothing: its socket and the server's buffers fill up.
    const req = request(`${server.url}/flood`, { headers: { accept: 'text/event-stream' } });
    cleanups.push(() => {
      req.destroy();
    });
    req.on('error', () => {});
    req.on('response', (res) => res.pause());
    req.end();
    await until(() => errors.length > 0, 20_000, 'the slow-consumer report');
    const report = errors[0] as SlowConsumerError;
    expect(report).toMatchObject({ code: 'SLOW_CONSUMER', policy: 'disconnect' });
    expect(report.message).toContain(`the ${MiB}-byte bound`);
    // Past the bound by at most the event that crossed it.
    expect(report.queuedBytes).toBeGreaterThan(MiB);
    expect(report.queuedBytes).toBeLessThanOrEqual(MiB + CHUNK.length + 256);
    expect(sent).toBeLessThan(2000);
  });
});
