import { defineContract } from '@ssekit/contract';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { coreRequest } from '../tests/core-request.js';
import { StreamClosedError } from './errors.js';
import { implement } from './implement.js';
import { ExtraHandlerError, MissingHandlerError } from './index.js';
import { MemorySink } from './memory-sink.js';
import { createRouter, type DispatchResult, type SseRouter } from './router.js';
import type { RawSession } from './session.js';

const request = coreRequest;

async function open(router: SseRouter, url: string, sink = new MemorySink()) {
  const result = await router.dispatch(request(url));
  if (result.kind !== 'stream') throw new Error(`expected a stream, got ${result.status}: ${result.body}`);
  const session = result.start(sink);
  return { sink, session };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('routing', () => {
  it('serves Ktor-style nested routes: sse(handler) at the enclosing path', async () => {
    const router = createRouter({ heartbeat: false });
    router.route('/a', (a) => {
      a.sse(async (s) => s.send({ data: 'at /a' }));
      a.route('/b/:id', (b) => b.sse(async (s) => s.send({ data: `at /a/b/${s.params.id}` })));
    });
    const { sink } = await open(router, '/a');
    await tick();
    expect(sink.text).toBe('data: at /a\n\n');
    const nested = await open(router, '/a/b/42');
    await tick();
    expect(nested.sink.text).toBe('data: at /a/b/42\n\n');
  });

  it('refuses two routes with the same method and shape', () => {
    const router = createRouter();
    router.sse('/x/:a', () => {});
    expect(() => router.sse('/x/:b', () => {})).toThrow(/already declared/);
  });

  it('prefers static matches and reports 404 / 405 as unmatched / matched', async () => {
    const router = createRouter();
    router.sse('/items/new', (s) => s.send({ data: 'static' }));
    router.sse('/items/:id', (s) => s.send({ data: `param ${s.params.id}` }));
    const stat = await open(router, '/items/new');
    await tick();
    expect(stat.sink.text).toBe('data: static\n\n');
    const missing = (await router.dispatch(request('/other'))) as Extract<DispatchResult, { kind: 'response' }>;
    expect([missing.status, missing.matched]).toEqual([404, false]);
    const wrong = (await router.dispatch(request('/items/1', { method: 'PUT' }))) as Extract<
      DispatchResult,
      { kind: 'response' }
    >;
    expect([wrong.status, wrong.matched, wrong.headers.allow]).toEqual([405, true, 'GET']);
  });
});

describe('sessions', () => {
  it('sends raw ServerSentEvents with data, event, id, retry and comments (Ktor parity)', async () => {
    const router = createRouter({ heartbeat: false });
    router.sse('/raw', async (s) => {
      await s.send({ data: 'text verbatim', event: 'e', id: '1', retry: 10, comments: ['c1', 'c2'] });
      await s.send({ data: { json: true } });
      await s.comment('bare comment');
    });
    const { sink } = await open(router, '/raw');
    await tick();
    expect(sink.text).toBe(
      ': c1\n: c2\nevent: e\nid: 1\nretry: 10\ndata: text verbatim\n\ndata: {"json":true}\n\n: bare comment\n\n',
    );
    expect(sink.ended).toBe(true);
  });

  it('uses the per-router serializer, with info naming the event', async () => {
    const serialize = vi.fn((value: unknown, info: { event: string }) => `${info.event}:${JSON.stringify(value)}`);
    const router = createRouter({ heartbeat: false, serialize });
    router.sse('/s', (s) => s.send({ event: 'thing', data: [1] }));
    const { sink } = await open(router, '/s');
    await tick();
    expect(sink.text).toBe('event: thing\ndata: thing:[1]\n\n');
    expect(serialize).toHaveBeenCalledWith([1], expect.objectContaining({ event: 'thing', route: '/s' }));
  });

  it('throws StreamClosedError on send after close, and send never rejects', async () => {
    const router = createRouter({ heartbeat: false });
    let captured: unknown;
    router.sse('/c', async (s) => {
      s.close();
      try {
        await s.send({ data: 'late' });
      } catch (error) {
        captured = error;
      }
    });
    const { sink, session } = await open(router, '/c');
    await tick();
    expect(captured).toBeInstanceOf(StreamClosedError);
    expect(sink.text).toBe('');
    expect(session.closed).toBe(true);
    expect(session.signal.aborted).toBe(true);
  });

  it('waits for drain when the transport is above its high-water mark', async () => {
    const router = createRouter({ heartbeat: false });
    const progress: number[] = [];
    router.sse('/p', async (s) => {
      for (let i = 0; i < 3; i++) {
        await s.send({ data: 'x'.repeat(10) });
        progress.push(i);
      }
    });
    const { sink } = await open(router, '/p', new MemorySink(5));
    await tick();
    expect(progress).toEqual([]);
    sink.drain();
    await tick();
    expect(progress).toEqual([0]);
    sink.drain();
    sink.drain();
    await tick();
    sink.drain();
    await tick();
    expect(progress).toEqual([0, 1, 2]);
  });

  it('drops events under the "drop" policy and reports once per episode', async () => {
    const errors: unknown[] = [];
    const router = createRouter({
      heartbeat: false,
      slowConsumer: 'drop',
      maxQueueBytes: 100,
      onError: (e) => errors.push(e),
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    router.sse('/d', async (s) => {
      for (let i = 0; i < 20; i++) void s.send({ data: `${i}`.padStart(20, '0') });
      await gate;
      await s.send({ data: 'after' });
    });
    const { sink, session } = await open(router, '/d');
    await tick();
    expect(sink.chunks.length).toBe(3);
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(['SLOW_CONSUMER']);
    expect(session.closed).toBe(false);
    sink.drain();
    release();
    await tick();
    expect(sink.text.endsWith('data: after\n\n')).toBe(true);
  });

  it.each([
    ['one shared timer', 'shared', 1],
    ['one timer per stream (workerd)', 'per-stream', 2],
  ] as const)(
    'sends a heartbeat after 1–1.25 periods of silence, not while events flow, from %s',
    async (_, timers, count) => {
      vi.useFakeTimers();
      try {
        const router = createRouter({ heartbeat: { periodMs: 1000, timers } });
        const sessions: RawSession[] = [];
        router.sse('/h', (s) => {
          sessions.push(s);
          return s.done;
        });
        const { sink } = await open(router, '/h');
        const quiet = await open(router, '/h');
        expect(vi.getTimerCount()).toBe(count);
        vi.advanceTimersByTime(999);
        expect(sink.text).toBe('');
        vi.advanceTimersByTime(251);
        expect(sink.text).toBe(': heartbeat\n\n');
        expect(quiet.sink.text).toBe(': heartbeat\n\n');
        vi.advanceTimersByTime(600);
        await sessions[0]?.send({ data: 'x' });
        vi.advanceTimersByTime(999);
        expect(sink.chunks).toEqual([': heartbeat\n\n', 'data: x\n\n']);
        expect(quiet.sink.chunks).toEqual([': heartbeat\n\n', ': heartbeat\n\n']);
        vi.advanceTimersByTime(251);
        expect(sink.chunks.at(-1)).toBe(': heartbeat\n\n');
        sessions[0]?.close();
        expect(vi.getTimerCount()).toBe(1);
        sessions[1]?.close();
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    },
  );

  it('uses per-stream heartbeat timers by default on workerd only (its navigator.userAgent)', async () => {
    vi.useFakeTimers();
    try {
      const count = async () => {
        const router = createRouter({ heartbeat: { periodMs: 1000 } });
        router.sse('/h', (s) => s.done);
        await open(router, '/h');
        await open(router, '/h');
        const timers = vi.getTimerCount();
        router.closeAll();
        return timers;
      };
      expect(await count()).toBe(1);
      vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers' });
      expect(await count()).toBe(2);
    } finally {
      vi.unstubAllGlobals();
      vi.useRealTimers();
    }
  });

  it('reports a synchronous handler throw and closes', async () => {
    const errors: unknown[] = [];
    const router = createRouter({ heartbeat: false, onError: (e) => errors.push(e) });
    router.sse('/t', () => {
      throw new Error('boom');
    });
    const { sink } = await open(router, '/t');
    expect(sink.ended).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'HANDLER', route: '/t' });
  });

  it('answers 500 and reports when beforeStream throws something other than HttpError', async () => {
    const errors: unknown[] = [];
    const contract = defineContract({ r: { path: '/r', events: { message: z.string() } } });
    const router = implement(
      contract,
      {
        r: {
          beforeStream: () => {
            throw new Error('db down');
          },
          handler: () => {},
        },
      },
      { onError: (e) => errors.push(e) },
    );
    const result = (await router.dispatch(request('/r'))) as Extract<DispatchResult, { kind: 'response' }>;
    expect(result.status).toBe(500);
    expect(result.body).not.toContain('db down');
    expect((errors[0] as Error).message).toBe('db down');
  });
});

describe('implement', () => {
  const contract = defineContract({
    a: { path: '/a', events: { message: z.string() } },
    b: { path: '/b', events: { message: z.string() } },
  });

  it('fails at start-up when a route has no handler, naming it', () => {
    expect(() => implement(contract, { a: () => {} } as never)).toThrow(MissingHandlerError);
    try {
      implement(contract, { a: () => {} } as never);
    } catch (error) {
      expect((error as MissingHandlerError).routes).toEqual(['b']);
      expect((error as MissingHandlerError).code).toBe('MISSING_HANDLER');
    }
  });

  it('fails for handlers of routes the contract lacks, naming them', () => {
    const extra = (() => {
      try {
        implement(contract, { a: () => {}, b: () => {}, c: () => {} } as never);
      } catch (error) {
        return error;
      }
    })();
    expect(extra).toBeInstanceOf(ExtraHandlerError);
    expect((extra as ExtraHandlerError).code).toBe('EXTRA_HANDLER');
    expect((extra as ExtraHandlerError).routes).toEqual(['c']);
  });

  it('adds contract routes to an existing router', async () => {
    const router = createRouter({ heartbeat: false });
    router.sse('/raw', (s) => s.send({ data: 'raw' }));
    implement(contract, { a: (s) => s.send('message', 'A'), b: (s) => s.send('message', 'B') }, { router });
    const { sink } = await open(router, '/b');
    await tick();
    expect(sink.text).toBe('data: B\n\n');
  });
});
