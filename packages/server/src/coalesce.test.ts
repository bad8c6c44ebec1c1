import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemorySink } from './memory-sink.js';
import type { CoreRequest } from './request.js';
import { createRouter, type SseRouter } from './router.js';
import type { RawSession } from './session.js';

const request = (url: string): CoreRequest => ({
  method: 'GET',
  url,
  header: () => undefined,
  headers: () => ({}),
  readBody: async () => '',
  raw: undefined,
});

async function open(router: SseRouter) {
  let session!: RawSession;
  router.sse('/c', (s) => {
    session = s;
    return s.done;
  });
  const result = await router.dispatch(request('/c'));
  if (result.kind !== 'stream') throw new Error('expected a stream');
  const sink = new MemorySink();
  result.start(sink);
  return { sink, session };
}

describe('coalesceMs', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the first frame at once and the rest of the window in one write', async () => {
    const { sink, session } = await open(createRouter({ heartbeat: false, coalesceMs: 10 }));
    await session.send({ data: 'a' });
    expect(sink.chunks).toEqual(['data: a\n\n']);
    await session.send({ data: 'b' });
    await session.send({ data: 'c' });
    expect(sink.chunks).toHaveLength(1);
    vi.advanceTimersByTime(10);
    expect(sink.chunks).toEqual(['data: a\n\n', 'data: b\n\ndata: c\n\n']);
    // The window stays open while events flow, and closes after a quiet one.
    vi.advanceTimersByTime(10);
    expect(vi.getTimerCount()).toBe(0);
    await session.send({ data: 'd' });
    expect(sink.chunks.at(-1)).toBe('data: d\n\n');
    session.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps batching a steady one-event-per-turn flow instead of reopening the window each time', async () => {
    const { sink, session } = await open(createRouter({ heartbeat: false, coalesceMs: 10 }));
    await session.send({ data: 'a' });
    vi.advanceTimersByTime(10);
    await session.send({ data: 'b' });
    expect(sink.chunks).toEqual(['data: a\n\n']);
    vi.advanceTimersByTime(10);
    await session.send({ data: 'c' });
    await session.send({ data: 'd' });
    vi.advanceTimersByTime(10);
    expect(sink.chunks).toEqual(['data: a\n\n', 'data: b\n\n', 'data: c\n\ndata: d\n\n']);
    vi.advanceTimersByTime(20);
    expect(vi.getTimerCount()).toBe(0);
    session.close();
  });

  it('never delays heartbeats, keeps order, and flushes on close', async () => {
    const { sink, session } = await open(createRouter({ heartbeat: { periodMs: 1000 }, coalesceMs: 5000 }));
    await session.send({ data: 'first' });
    await session.send({ data: 'held' });
    vi.advanceTimersByTime(1250);
    expect(sink.chunks).toEqual(['data: first\n\n', 'data: held\n\n', ': heartbeat\n\n']);
    await session.send({ data: 'last' });
    session.close();
    expect(sink.text.endsWith('data: last\n\n')).toBe(true);
    expect(sink.ended).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts held frames against the queue bound', async () => {
    const errors: unknown[] = [];
    const { sink, session } = await open(
      createRouter({ heartbeat: false, coalesceMs: 10, maxQueueBytes: 50, onError: (e) => errors.push(e) }),
    );
    await session.send({ data: 'x' });
    for (let i = 0; i < 10 && !session.closed; i++) await session.send({ data: 'y'.repeat(10) });
    expect(session.closed).toBe(true);
    expect(sink.destroyed).toBe(true);
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(['SLOW_CONSUMER']);
  });
});
