import { defineContract } from '@ssekit/contract';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { coreRequest } from '../tests/core-request.js';
import { HttpError, StreamLimitError } from './errors.js';
import { implement } from './implement.js';
import { MemorySink } from './memory-sink.js';
import { createRouter, type DispatchResult } from './router.js';
import { DEFAULT_MAX_STREAMS, RELEASED, StreamLimiter } from './stream-limits.js';

const request = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
  coreRequest(url, { headers, method });

function problem(result: DispatchResult) {
  if (result.kind !== 'response') throw new Error('expected a plain response');
  return { status: result.status, retryAfter: result.headers['retry-after'], code: JSON.parse(result.body).code };
}

describe('StreamLimiter', () => {
  it('counts per key and in total, releases each slot once, and forgets keys at zero', () => {
    const limiter = new StreamLimiter({ maxStreams: 3, maxStreamsPerKey: 2, streamKey: (r) => r.header('x-user') });
    const a1 = limiter.acquire(request('/', { 'x-user': 'a' }));
    const a2 = limiter.acquire(request('/', { 'x-user': 'a' }));
    const a3 = limiter.acquire(request('/', { 'x-user': 'a' }));
    expect(a3).toBeInstanceOf(StreamLimitError);
    expect((a3 as StreamLimitError).scope).toBe('key');
    expect((a3 as StreamLimitError).key).toBe('a');
    const b1 = limiter.acquire(request('/', { 'x-user': 'b' }));
    const c1 = limiter.acquire(request('/', { 'x-user': 'c' }));
    expect((c1 as StreamLimitError).scope).toBe('global');
    expect(limiter.active).toBe(3);
    if (a1 instanceof StreamLimitError || a2 instanceof StreamLimitError || b1 instanceof StreamLimitError) {
      throw new Error('expected slots');
    }
    a1.release();
    a1.release();
    expect([limiter.active, limiter.activeFor('a')]).toEqual([2, 1]);
    a2.release();
    b1.release();
    expect([limiter.active, limiter.activeFor('a'), limiter.activeFor('b')]).toEqual([0, 0, 0]);
  });

  it('a detached slot hands over its key once; the hold is freed once, by its owner', () => {
    const limiter = new StreamLimiter({ maxStreamsPerKey: 2, streamKey: (r) => r.header('x-user') });
    const slot = limiter.acquire(request('/', { 'x-user': 'a' }));
    const keyless = new StreamLimiter().acquire(request('/'));
    if (slot instanceof StreamLimitError || keyless instanceof StreamLimitError) throw new Error('expected slots');
    const hold = slot.detach();
    expect(hold).toBe('a');
    expect(slot.detach()).toBe(RELEASED);
    slot.release();
    expect([limiter.active, limiter.activeFor('a')]).toEqual([1, 1]);
    limiter.freeHold(hold);
    expect([limiter.active, limiter.activeFor('a')]).toEqual([0, 0]);
    limiter.freeHold(RELEASED);
    expect(limiter.active).toBe(0);
    expect(keyless.detach()).toBeUndefined();
    keyless.release();
    expect(keyless.detach()).toBe(RELEASED);
  });

  it('defaults: 10,000 streams in total, no per-key limit, Retry-After 5; checks its options', () => {
    const limiter = new StreamLimiter();
    expect([limiter.maxStreams, limiter.maxStreamsPerKey, limiter.retryAfterSeconds]).toEqual([
      DEFAULT_MAX_STREAMS,
      Number.POSITIVE_INFINITY,
      5,
    ]);
    expect(DEFAULT_MAX_STREAMS).toBe(10_000);
    expect(() => new StreamLimiter({ maxStreams: -1 })).toThrow(/maxStreams/);
    expect(() => new StreamLimiter({ maxStreamsPerKey: 1.5 })).toThrow(/maxStreamsPerKey/);
    expect(() => new StreamLimiter({ retryAfterSeconds: -2 })).toThrow(/retryAfterSeconds/);
  });

  it('keys node requests by remote address by default', () => {
    const limiter = new StreamLimiter({ maxStreamsPerKey: 1 });
    const from = (ip: string) => ({ ...request('/'), raw: { socket: { remoteAddress: ip } } });
    expect(limiter.acquire(from('10.0.0.1'))).not.toBeInstanceOf(StreamLimitError);
    expect(limiter.acquire(from('10.0.0.1'))).toBeInstanceOf(StreamLimitError);
    expect(limiter.acquire(from('10.0.0.2'))).not.toBeInstanceOf(StreamLimitError);
  });
});

describe('router limits', () => {
  it('refuses a stream over the limit with 503 + Retry-After before beforeStream or the handler, and reports it', async () => {
    const errors: unknown[] = [];
    const handler = vi.fn((session: { done: Promise<void> }) => session.done);
    const router = createRouter({
      heartbeat: false,
      limits: { maxStreams: 2, retryAfterSeconds: 7 },
      onError: (e) => errors.push(e),
    });
    router.sse('/hold', handler);
    const sessions = [];
    for (let i = 0; i < 2; i++) {
      const result = await router.dispatch(request('/hold'));
      if (result.kind !== 'stream') throw new Error('expected a stream');
      sessions.push(result.start(new MemorySink()));
    }
    expect(problem(await router.dispatch(request('/hold')))).toMatchObject({ status: 503, code: 'STREAM_LIMIT' });
    // Retry-After is spread over [7, 14] seconds, so refused clients do not all come back at once.
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add(Number(problem(await router.dispatch(request('/hold'))).retryAfter));
    expect([...seen].sort((a, b) => a - b)).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
    expect(handler).toHaveBeenCalledTimes(2);
    expect(errors).toHaveLength(301);
    expect(errors[0]).toBeInstanceOf(StreamLimitError);
    // A slot frees when its stream ends.
    sessions[0]?.close();
    const again = await router.dispatch(request('/hold'));
    expect(again.kind).toBe('stream');
  });

  it('a throwing streamKey is reported and answered 500, never thrown from dispatch, and takes no slot', async () => {
    const errors: unknown[] = [];
    const router = createRouter({
      heartbeat: false,
      limits: {
        maxStreams: 1,
        maxStreamsPerKey: 1,
        streamKey: (request) => {
          if (request.header('x-user') === undefined) throw new Error('no user');
          return request.header('x-user');
        },
      },
      onError: (e) => errors.push(e),
    });
    router.sse('/hold', (s) => s.done);
    expect(problem(await router.dispatch(request('/hold'))).status).toBe(500);
    expect(errors).toHaveLength(1);
    expect((await router.dispatch(request('/hold', { 'x-user': 'a' }))).kind).toBe('stream');
  });

  it('frees the slot of a request answered without a stream (400, beforeStream refusal) and of an abandoned stream', async () => {
    const router = createRouter({ heartbeat: false, limits: { maxStreams: 1 } });
    router.sse('/hold', (s) => s.done);
    for (let i = 0; i < 5; i++) {
      const result = await router.dispatch(request('/hold', {}, 'HEAD'));
      if (result.kind !== 'stream') throw new Error('expected a stream');
      result.abandon();
    }
    const result = await router.dispatch(request('/hold'));
    expect(result.kind).toBe('stream');

    const contract = defineContract({
      feed: { path: '/feed', query: z.object({ n: z.coerce.number() }), events: { message: z.string() } },
    });
    const typed = implement(
      contract,
      {
        feed: {
          beforeStream: ({ query }) => {
            if (query.n < 0) throw new HttpError(401);
          },
          handler: (s) => s.done,
        },
      },
      { heartbeat: false, limits: { maxStreams: 1 } },
    );
    for (let i = 0; i < 5; i++) {
      expect(problem(await typed.dispatch(request('/feed?n=x'))).status).toBe(400);
      expect(problem(await typed.dispatch(request('/feed?n=-1'))).status).toBe(401);
    }
    expect((await typed.dispatch(request('/feed?n=1'))).kind).toBe('stream');
  });
});
