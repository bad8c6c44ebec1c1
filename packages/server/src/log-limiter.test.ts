import { defineContract } from '@ssekit/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { coreRequest } from '../tests/core-request.js';
import { createHub } from './broadcast/hub.js';
import { createMemoryReplayStore } from './broadcast/memory-store.js';
import type { StoreListener } from './broadcast/store.js';
import { HandlerError, InvalidLastEventIdError, SlowConsumerError } from './errors.js';
import { implement } from './implement.js';
import { rateLimitedLog } from './log-limiter.js';
import { MemorySink } from './memory-sink.js';
import { createRouter } from './router.js';

const request = (url: string, headers: Record<string, string> = {}) => coreRequest(url, { headers });

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('rateLimitedLog', () => {
  it('logs a cause once per interval in full, then one counted summary line per interval while it repeats', () => {
    vi.useFakeTimers();
    const full: unknown[] = [];
    const lines: string[] = [];
    const log = rateLimitedLog({ intervalMs: 1000, log: (error) => full.push(error), warn: (l) => lines.push(l) });
    for (let i = 0; i < 500; i++) log(new InvalidLastEventIdError('feed', `bad id ${i}`), 'route "feed"');
    expect(full).toHaveLength(1);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(lines).toEqual([
      '[ssekit] route "feed" INVALID_LAST_EVENT_ID: 499 more in the last 1 s (logged once per 1 s)',
    ]);
    // Still repeating: counted again, summed up at the end of the next interval; nothing logged in full.
    for (let i = 0; i < 20; i++) log(new InvalidLastEventIdError('feed', 'again'), 'route "feed"');
    vi.advanceTimersByTime(1000);
    expect(full).toHaveLength(1);
    expect(lines[1]).toBe('[ssekit] route "feed" INVALID_LAST_EVENT_ID: 20 more in the last 1 s (logged once per 1 s)');
    // A quiet interval ends the cause (no line, no timer); the next occurrence is logged in full again.
    vi.advanceTimersByTime(1000);
    expect(lines).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
    log(new InvalidLastEventIdError('feed', 'later'), 'route "feed"');
    expect(full).toHaveLength(2);
  });

  it('keeps causes apart by code and place; server-side errors also by message', () => {
    vi.useFakeTimers();
    const full: unknown[] = [];
    const log = rateLimitedLog({ intervalMs: 1000, log: (error) => full.push(error), warn: () => {} });
    log(new SlowConsumerError('a', 10, 5, 'disconnect'), 'route "a"');
    log(new SlowConsumerError('a', 20, 5, 'disconnect'), 'route "a"');
    log(new SlowConsumerError('b', 10, 5, 'disconnect'), 'route "b"');
    log(new InvalidLastEventIdError('a', 'x'), 'route "a"');
    log(new HandlerError('a', new Error('db down')), 'route "a"');
    log(new HandlerError('a', new Error('db down')), 'route "a"');
    log(new HandlerError('a', new Error('disk full')), 'route "a"');
    expect(full.map((e) => (e as { code: string }).code)).toEqual([
      'SLOW_CONSUMER',
      'SLOW_CONSUMER',
      'INVALID_LAST_EVENT_ID',
      'HANDLER',
      'HANDLER',
    ]);
  });

  it('where the host dropped its timer, the next error past the interval brings the summary', () => {
    let now = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    // A timer that never fires (as a Worker's, once its request ended).
    vi.spyOn(globalThis, 'setTimeout').mockImplementation((() => ({ unref() {} })) as never);
    vi.spyOn(globalThis, 'clearTimeout').mockImplementation(() => {});
    const full: unknown[] = [];
    const lines: string[] = [];
    const log = rateLimitedLog({ intervalMs: 1000, log: (e) => full.push(e), warn: (l) => lines.push(l) });
    for (let i = 0; i < 5; i++) log(new SlowConsumerError('a', 10, 5, 'drop'), 'route "a"');
    now = 1000;
    log(new SlowConsumerError('a', 10, 5, 'drop'), 'route "a"');
    expect(lines).toEqual(['[ssekit] route "a" SLOW_CONSUMER: 4 more in the last 1 s (logged once per 1 s)']);
    expect(full).toHaveLength(1);
  });

  it('its timer is unref’d: it never keeps a process alive', () => {
    const unref = vi.fn();
    vi.spyOn(globalThis, 'setTimeout').mockImplementation((() => ({ unref })) as never);
    rateLimitedLog({ log: () => {}, warn: () => {} })(new Error('x'));
    expect(unref).toHaveBeenCalledOnce();
  });
});

describe('router default logging', () => {
  const contract = defineContract({ r: { path: '/r', events: { message: z.string() } } });
  const longId = 'x'.repeat(2000);

  it('without onError: 1,000 bad Last-Event-IDs log one line in full, then a counted summary', async () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const router = implement(contract, { r: () => {} }, { heartbeat: false, logRateLimit: { intervalMs: 5000 } });
    for (let i = 0; i < 1000; i++) await router.dispatch(request('/r', { 'last-event-id': longId }));
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toContain('INVALID_LAST_EVENT_ID');
    vi.advanceTimersByTime(5000);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[1]?.[0])).toContain('INVALID_LAST_EVENT_ID: 999 more in the last 5 s');
  });

  it('logRateLimit: false logs every error', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const router = createRouter({ heartbeat: false, logRateLimit: false });
    router.sse('/r', () => {});
    for (let i = 0; i < 10; i++) await router.dispatch(request('/r', { 'last-event-id': longId }));
    expect(warn).toHaveBeenCalledTimes(10);
  });

  it('an onError of yours receives every error, unlimited', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors: unknown[] = [];
    const router = implement(contract, { r: () => {} }, { heartbeat: false, onError: (e) => errors.push(e) });
    for (let i = 0; i < 1000; i++) await router.dispatch(request('/r', { 'last-event-id': longId }));
    expect(errors).toHaveLength(1000);
    expect(errors.every((e) => e instanceof InvalidLastEventIdError)).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('hub default logging', () => {
  it('without onError: an undeclared event delivered 100 times by the store is logged once, then counted', async () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const contract = defineContract({ r: { path: '/r', events: { message: z.string() } } });
    const memory = createMemoryReplayStore();
    let feed: StoreListener | undefined;
    const hub = createHub(contract.r, {
      store: {
        ...memory,
        subscribe: async (_topic, listener) => {
          feed = listener;
          return () => {};
        },
      },
      logRateLimit: { intervalMs: 1000 },
    });
    const router = implement(contract, { r: hub.implementation() }, { heartbeat: false, onError: () => {} });
    const result = await router.dispatch(request('/r'));
    if (result.kind !== 'stream') throw new Error('expected a stream');
    result.start(new MemorySink());
    await vi.waitFor(() => expect(feed).toBeDefined());
    const stored = { topic: 'r', epoch: 'e', position: { ms: 1, seq: 0 }, id: 'x', event: 'nope', data: '1' };
    for (let i = 0; i < 100; i++) feed?.event(stored);
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toContain('STORE_DATA');
    vi.advanceTimersByTime(1000);
    expect(String(warn.mock.calls[1]?.[0])).toContain('STORE_DATA: 99 more in the last 1 s');
    await hub.close();
    await memory.close();
  });
});
