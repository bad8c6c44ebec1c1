import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineContract } from '@ssekit/contract';
import { implement } from '@ssekit/server';
import { createHub, createMemoryReplayStore } from '@ssekit/server/broadcast';
import { createNodeHandler } from '@ssekit/server/node';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  BufferOverflowError,
  type ClientConfig,
  createEventDecoder,
  InvalidArgumentError,
  ok,
  type RouteClientSpec,
  type SsekitError,
  streamRoute,
  type TypedEvent,
} from '../src/index.ts';
import { type StreamConnection, startSseServer, type TestSseServer, waitFor } from './helpers/sse-server.ts';

let server: TestSseServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A route whose `tick` decoder counts what it decoded: every decoded event is one the iterator holds or yielded. */
function countingSpec() {
  const counter = { decoded: 0 };
  const spec: RouteClientSpec<TypedEvent<'tick', string>> = {
    key: 'ticks',
    path: '/ticks',
    method: 'GET',
    decoders: {
      tick: (data: string) => {
        counter.decoded++;
        return ok(data);
      },
    },
  };
  return { spec, counter };
}

const frame = (i: number) => `id: ${i}\nevent: tick\ndata: ${String(i).padStart(6, '0')}${'.'.repeat(80)}\n\n`;

async function open(): Promise<{ config: ClientConfig; s: TestSseServer }> {
  server = await startSseServer();
  return { config: { baseUrl: server.url, reconnect: false }, s: server };
}

describe('streamRoute buffer bound', () => {
  it("'pause' (default): a stalled loop stops the reads, the server feels backpressure, and nothing is lost", async () => {
    const { config, s } = await open();
    const { spec, counter } = countingSpec();
    const iterator = streamRoute(config, spec, {}, { maxBufferedEvents: 10 });
    const first = iterator.next();
    const connection = await s.nextConnection();
    // The server writes as fast as the socket takes it (awaiting drain), up to 50,000 events (≈ 4.5 MB).
    const total = 50_000;
    let written = 0;
    const writer = (async () => {
      for (let i = 0; i < total; i++) {
        if (!connection.response.write(frame(i))) await once(connection.response, 'drain');
        written = i + 1;
      }
    })();
    expect((await first).value).toMatchObject({ event: 'tick', id: '0' });
    // The loop body now stalls: the writer must get stuck long before the end.
    let last = -1;
    await waitFor(
      () => {
        const stable = written === last;
        last = written;
        return stable || written === total;
      },
      20_000,
      'the writer to stall',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    console.log(`pause: server wrote ${written} of ${total} events before stalling; client decoded ${counter.decoded}`);
    expect(written).toBeLessThan(total);
    // At most the bound plus the events of the one network chunk being parsed (≤ 64 KiB / 96 bytes ≈ 700).
    expect(counter.decoded).toBeLessThanOrEqual(10 + 1 + 1000);
    // Catching up releases the reads: every event arrives, once, in order.
    let next = 1;
    for await (const event of iterator) {
      expect(event.id).toBe(String(next));
      next++;
      if (next === total) break;
    }
    await writer;
    expect(next).toBe(total);
  }, 60_000);

  it("'pause' keeps the idle watchdog off while the loop is behind", async () => {
    const { s } = await open();
    const { spec } = countingSpec();
    const errors: SsekitError[] = [];
    const config: ClientConfig = { baseUrl: s.url, reconnect: { initialDelayMs: 0 }, idleTimeoutMs: 200 };
    const iterator = streamRoute(config, spec, {}, { maxBufferedEvents: 2, onError: (e) => errors.push(e) });
    const first = iterator.next();
    const connection = await s.nextConnection();
    await connection.write(frame(0) + frame(1) + frame(2) + frame(3));
    await first;
    // Paused (2 buffered, one more parsed) well past the idle timeout: no reconnect, no error.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(s.requests).toHaveLength(1);
    expect(errors).toEqual([]);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await iterator.next()).value?.id);
    expect(ids).toEqual(['1', '2', '3']);
    await iterator.return?.();
  });

  it("'error': closes the connection, yields what was buffered, then throws BufferOverflowError", async () => {
    const { config, s } = await open();
    const { spec } = countingSpec();
    const iterator = streamRoute(config, spec, {}, { maxBufferedEvents: 5, onOverflow: 'error' });
    const first = iterator.next();
    const connection: StreamConnection = await s.nextConnection();
    const closed = once(connection.response, 'close');
    await connection.write(Array.from({ length: 20 }, (_, i) => frame(i)).join(''));
    expect((await first).value?.id).toBe('0');
    await closed; // the client hung up
    const ids: (string | undefined)[] = [];
    let thrown: unknown;
    try {
      for await (const event of iterator) ids.push(event.id);
    } catch (error) {
      thrown = error;
    }
    expect(ids).toEqual(['1', '2', '3', '4', '5']);
    expect(thrown).toBeInstanceOf(BufferOverflowError);
    expect(thrown).toMatchObject({ code: 'BUFFER_OVERFLOW', limit: 5, policy: 'error' });
  });

  it("'drop-oldest': keeps the newest events, reports BufferOverflowError once per overflow, and goes on", async () => {
    const { config, s } = await open();
    const { spec, counter } = countingSpec();
    const errors: SsekitError[] = [];
    const iterator = streamRoute(
      config,
      spec,
      {},
      {
        maxBufferedEvents: 5,
        onOverflow: 'drop-oldest',
        onError: (e) => errors.push(e),
      },
    );
    const first = iterator.next();
    const connection = await s.nextConnection();
    await connection.write(Array.from({ length: 20 }, (_, i) => frame(i)).join(''));
    expect((await first).value?.id).toBe('0');
    await waitFor(() => counter.decoded === 20, 5000, 'all 20 decoded');
    const ids: (string | undefined)[] = [];
    for (let i = 0; i < 5; i++) ids.push((await iterator.next()).value?.id);
    expect(ids).toEqual(['15', '16', '17', '18', '19']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(BufferOverflowError);
    expect(errors[0]).toMatchObject({ code: 'BUFFER_OVERFLOW', limit: 5, policy: 'drop-oldest' });
    // Drained: the stream goes on.
    await connection.write(frame(20));
    expect((await iterator.next()).value?.id).toBe('20');
    await iterator.return?.();
  });

  it('rejects a bad maxBufferedEvents or onOverflow at once', () => {
    const { spec } = countingSpec();
    const config: ClientConfig = { baseUrl: 'http://127.0.0.1:1' };
    expect(() => streamRoute(config, spec, {}, { maxBufferedEvents: 0 })).toThrow(InvalidArgumentError);
    expect(() => streamRoute(config, spec, {}, { onOverflow: 'block' as never })).toThrow(/onOverflow/);
  });
});

describe("'pause' against a hub with replay", () => {
  it('the server cuts the stalled client as a slow consumer; it reconnects with Last-Event-ID and loses nothing', async () => {
    const contract = defineContract({
      feed: {
        path: '/feed',
        replay: true,
        resetEvent: 'reset',
        events: { tick: z.object({ n: z.number().int(), pad: z.string() }), reset: z.object({ reason: z.string() }) },
      },
    });
    const store = createMemoryReplayStore({ maxEventsPerTopic: 100_000, maxBytesPerTopic: 64 * 1024 * 1024 });
    const hub = createHub(contract.feed, { store });
    const serverErrors: unknown[] = [];
    const router = implement(
      contract,
      { feed: hub.implementation() },
      {
        maxQueueBytes: 64 * 1024,
        onError: (error) => serverErrors.push(error),
      },
    );
    const sse = createNodeHandler(router);
    const http = createServer((req, res) => sse(req, res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      const spec: RouteClientSpec<TypedEvent<'tick', { n: number }> | TypedEvent<'reset', unknown>> = {
        key: 'feed',
        path: '/feed',
        method: 'GET',
        decoders: { tick: createEventDecoder({ route: 'feed' }), reset: createEventDecoder({ route: 'feed' }) },
      };
      const clientErrors: SsekitError[] = [];
      const iterator = streamRoute(
        { baseUrl, reconnect: { initialDelayMs: 10 } },
        spec,
        {},
        { maxBufferedEvents: 10, onError: (e) => clientErrors.push(e) },
      );
      const first = iterator.next();
      await waitFor(() => hub.subscriberCount() === 1, 5000, 'the subscription');
      const total = 30_000;
      const pad = 'p'.repeat(200);
      for (let n = 0; n < total; n++) {
        await hub.publish({}, 'tick', { n, pad });
        // Let the sockets move, as publishes spread over time do.
        if (n % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      expect((await first).value).toMatchObject({ event: 'tick', data: { n: 0 } });
      // The loop stalled while ~6 MB were published: the server cut it off.
      await waitFor(
        () => serverErrors.some((e) => (e as { code?: string }).code === 'SLOW_CONSUMER'),
        20_000,
        'the cut',
      );
      let expected = 1;
      for await (const event of iterator) {
        expect(event).toMatchObject({ event: 'tick', data: { n: expected } });
        expected++;
        if (expected === total) break;
      }
      expect(expected).toBe(total);
      // The client saw its connection cut (and resumed from the last event it had).
      expect(clientErrors.map((e) => e.code)).toContain('NETWORK');
    } finally {
      router.closeAll();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await hub.close();
      await store.close();
    }
  }, 60_000);
});
