import { defineContract } from '@ssekit/contract';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { implement } from './implement.js';
import { MemorySink } from './memory-sink.js';
import {
  jitteredRetryMs,
  lifetimeMs,
  lifetimePlan,
  retryFrame,
  shutdownRetryAfterSeconds,
  uniformInteger,
} from './reconnect-hint.js';
import type { CoreRequest } from './request.js';
import { createRouter, type DispatchResult, type SseRouter } from './router.js';

function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: () => Promise<string> } = {},
) {
  const headers = Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const core: CoreRequest = {
    method: init.method ?? 'GET',
    url,
    header: (name) => headers[name],
    headers: () => headers,
    readBody: init.body ?? (async () => ''),
    raw: undefined,
  };
  return core;
}

async function open(router: SseRouter, url: string) {
  const result = await router.dispatch(request(url));
  if (result.kind !== 'stream') throw new Error(`expected a stream, got ${result.status}: ${result.body}`);
  const sink = new MemorySink();
  return { sink, session: result.start(sink) };
}

function asResponse(result: DispatchResult) {
  if (result.kind !== 'response') throw new Error('expected a plain response');
  return { ...result, problem: JSON.parse(result.body) as { code?: string; status: number } };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

const contract = defineContract({
  post: { method: 'POST', path: '/post', body: z.object({ n: z.number() }), events: { message: z.string() } },
});

const retryOf = (text: string) => Number(/(?:^|\n)retry: (\d+)\n\n$/.exec(text)?.[1]);

describe('retry hints', () => {
  it('encodes a retry-only block (sets the delay, dispatches no event)', () => {
    expect(retryFrame(1234)).toBe('retry: 1234\n\n');
  });

  it('draws whole numbers uniformly over [0, window], both ends included', () => {
    expect(jitteredRetryMs(1000, () => 0)).toBe(0);
    expect(jitteredRetryMs(1000, () => 0.999_999_9)).toBe(1000);
    expect(jitteredRetryMs(1000, () => 0.5)).toBe(500);
    expect(jitteredRetryMs(0, () => 0.7)).toBe(0);
    expect([
      uniformInteger(5, 10, () => 0),
      uniformInteger(5, 10, () => 0.999_999),
      uniformInteger(5, 10, () => 0.5),
    ]).toEqual([5, 10, 8]);
  });

  it('spreads the Retry-After of a 503 during shutdown over [1, ⌈window in s⌉]', () => {
    expect(shutdownRetryAfterSeconds(2500, () => 0)).toBe(1);
    expect(shutdownRetryAfterSeconds(2500, () => 0.999_999)).toBe(3);
    expect(shutdownRetryAfterSeconds(0, () => 0.999_999)).toBe(1);
  });

  it('spreads lifetimes over [ms * (1 - jitterRatio), ms] and checks its options', () => {
    const plan = lifetimePlan({ ms: 10_000, jitterRatio: 0.2 });
    if (!plan) throw new Error('expected a plan');
    expect(lifetimeMs(plan, () => 0)).toBe(10_000);
    expect(lifetimeMs(plan, () => 1)).toBe(8_000);
    expect(plan.reconnectWindowMs).toBe(1000);
    expect(lifetimePlan(false)).toBeUndefined();
    expect(() => lifetimePlan({ ms: 0 })).toThrow(/maxLifetime.ms/);
    expect(() => lifetimePlan({ ms: 10, jitterRatio: 2 })).toThrow(/jitterRatio/);
    expect(() => lifetimePlan({ ms: 10, reconnectWindowMs: -1 })).toThrow(/reconnectWindowMs/);
  });
});

describe('router.close(): graceful shutdown', () => {
  it('gives 1,000 open streams retry hints spread uniformly over the window, then ends them', async () => {
    const router = createRouter({ heartbeat: false });
    router.sse('/hold', async (session) => {
      await session.send({ data: 'open' });
      await session.done;
    });
    const streams = await Promise.all(Array.from({ length: 1000 }, () => open(router, '/hold')));
    expect(router.sessionCount).toBe(1000);
    const result = await router.close({ reconnectWindowMs: 4000 });
    expect(result).toEqual({ streams: 1000, unanswered: 0 });
    expect(router.sessionCount).toBe(0);
    const hints = streams.map(({ sink }) => {
      expect(sink.ended).toBe(true);
      expect(sink.destroyed).toBe(false);
      expect(sink.text.startsWith('data: open\n\n')).toBe(true);
      return retryOf(sink.text);
    });
    const sorted = [...hints].sort((a, b) => a - b);
    expect(sorted.every(Number.isInteger)).toBe(true);
    expect(quantile(sorted, 0)).toBeGreaterThanOrEqual(0);
    expect(quantile(sorted, 1)).toBeLessThanOrEqual(4000);
    // Uniform over [0, 4000]: deciles near 400·k. The bounds leave > 10 standard deviations of room at n = 1000.
    expect(quantile(sorted, 0.1)).toBeLessThan(900);
    expect(quantile(sorted, 0.5)).toBeGreaterThan(1500);
    expect(quantile(sorted, 0.5)).toBeLessThan(2500);
    expect(quantile(sorted, 0.9)).toBeGreaterThan(3100);
    expect(new Set(hints).size).toBeGreaterThan(500);
  });

  it('answers new streams 503 with Retry-After (spread over the window, in seconds) and SHUTTING_DOWN, before the handler', async () => {
    const handler = vi.fn();
    const router = createRouter({ heartbeat: false });
    router.sse('/x', handler);
    const closing = router.close({ reconnectWindowMs: 2500 });
    expect(router.closing).toBe(true);
    const seen = new Set<string | undefined>();
    for (let i = 0; i < 200; i++) {
      const refused = asResponse(await router.dispatch(request('/x')));
      expect([refused.status, refused.problem.code]).toEqual([503, 'SHUTTING_DOWN']);
      seen.add(refused.headers['retry-after']);
    }
    // Spread over the window's whole seconds, so refused clients do not all come back together either.
    expect([...seen].sort()).toEqual(['1', '2', '3']);
    expect(handler).not.toHaveBeenCalled();
    // Calling close() again is the same shutdown.
    expect(router.close()).toBe(closing);
    await closing;
  });

  it('waits for requests in flight (a POST body still arriving) and answers them 503 rather than dropping them', async () => {
    const handler = vi.fn();
    const typed = implement(contract, { post: handler }, { heartbeat: false });
    let sendBody: (text: string) => void = () => {};
    const body = new Promise<string>((resolve) => {
      sendBody = resolve;
    });
    const pending = typed.dispatch(
      request('/post', { method: 'POST', headers: { 'content-type': 'application/json' }, body: () => body }),
    );
    let closed = false;
    const closing = typed.close({ drainMs: 5000 }).then((r) => {
      closed = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false);
    sendBody('{"n":1}');
    const answer = asResponse(await pending);
    expect([answer.status, answer.problem.code]).toEqual([503, 'SHUTTING_DOWN']);
    expect(await closing).toEqual({ streams: 0, unanswered: 0 });
    expect(handler).not.toHaveBeenCalled();
  });

  it('gives up on requests still in flight after drainMs, and says how many', async () => {
    const typed = implement(contract, { post: () => {} }, { heartbeat: false });
    void typed.dispatch(
      request('/post', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: () => new Promise<string>(() => {}),
      }),
    );
    expect(await typed.close({ drainMs: 30 })).toEqual({ streams: 0, unanswered: 1 });
  });

  it('closes resources in order after the streams ended, reporting one that fails', async () => {
    const errors: unknown[] = [];
    const router = createRouter({ heartbeat: false, onError: (e) => errors.push(e) });
    router.sse('/hold', (session) => session.done);
    const { session } = await open(router, '/hold');
    const order: string[] = [];
    await router.close({
      resources: [
        { close: async () => order.push(`hub (stream closed: ${session.closed})`) },
        {
          close: () => {
            throw new Error('store failed');
          },
        },
        { close: () => order.push('store') },
      ],
    });
    expect(order).toEqual(['hub (stream closed: true)', 'store']);
    expect(errors).toHaveLength(1);
  });

  it('a stream dispatched before close() but started after it is ended at once with a hint', async () => {
    const router = createRouter({ heartbeat: false });
    const handler = vi.fn(async (session: { done: Promise<void> }) => session.done);
    router.sse('/hold', handler);
    const result = await router.dispatch(request('/hold'));
    if (result.kind !== 'stream') throw new Error('expected a stream');
    await router.close({ reconnectWindowMs: 100 });
    const sink = new MemorySink();
    result.start(sink);
    expect(sink.ended).toBe(true);
    expect(retryOf(sink.text)).toBeLessThanOrEqual(100);
    expect(router.sessionCount).toBe(0);
  });
});

describe('maxLifetime', () => {
  it('ends a stream within [ms·(1−jitter), ms] with a retry hint inside reconnectWindowMs', async () => {
    vi.useFakeTimers();
    try {
      const router = createRouter({
        heartbeat: false,
        maxLifetime: { ms: 10_000, jitterRatio: 0.5, reconnectWindowMs: 300 },
      });
      router.sse('/hold', async (session) => {
        await session.send({ data: 'open', id: '7' });
        await session.done;
      });
      const streams = await Promise.all(Array.from({ length: 200 }, () => open(router, '/hold')));
      vi.advanceTimersByTime(4_999);
      expect(streams.filter(({ sink }) => sink.ended)).toHaveLength(0);
      vi.advanceTimersByTime(2_500);
      const early = streams.filter(({ sink }) => sink.ended).length;
      // Jittered: some ended in the first half of the jitter range, not all.
      expect(early).toBeGreaterThan(20);
      expect(early).toBeLessThan(180);
      vi.advanceTimersByTime(2_501);
      for (const { sink } of streams) {
        expect(sink.ended).toBe(true);
        expect(sink.text).toMatch(/^id: 7\ndata: open\n\nretry: \d+\n\n$/);
        expect(retryOf(sink.text)).toBeLessThanOrEqual(300);
      }
      expect(router.sessionCount).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('per route: a route option overrides the router default, and `false` turns it off', async () => {
    vi.useFakeTimers();
    try {
      const router = createRouter({ heartbeat: false, maxLifetime: { ms: 1000, jitterRatio: 0 } });
      router.sse('/short', (s) => s.done);
      router.sse('/forever', { maxLifetime: false }, (s) => s.done);
      const short = await open(router, '/short');
      const forever = await open(router, '/forever');
      vi.advanceTimersByTime(1001);
      expect(short.sink.ended).toBe(true);
      expect(forever.sink.ended).toBe(false);
      forever.session.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('clears the timer when the stream ends first', async () => {
    vi.useFakeTimers();
    try {
      const router = createRouter({ heartbeat: false, maxLifetime: { ms: 60_000 } });
      router.sse('/quick', async (s) => {
        await s.send({ data: 'bye' });
      });
      await open(router, '/quick');
      await vi.advanceTimersByTimeAsync(0);
      expect(router.sessionCount).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
