import { describe, expect, it } from 'vitest';
import { coreRequest } from '../tests/core-request.js';
import { SlowConsumerError } from './errors.js';
import { MemorySink } from './memory-sink.js';
import { createRouter } from './router.js';
import type { SseSession } from './session.js';

const request = (url: string) => coreRequest(url);

async function open(policy: 'disconnect' | 'drop') {
  const errors: unknown[] = [];
  const router = createRouter({
    heartbeat: false,
    maxQueueBytes: 1000,
    slowConsumer: policy,
    onError: (e) => errors.push(e),
  });
  router.sse('/s', (session) => session.done);
  const result = await router.dispatch(request('/s'));
  if (result.kind !== 'stream') throw new Error('expected a stream');
  // A transport that never drains: everything written stays buffered.
  const sink = new MemorySink(100);
  const session = result.start(sink) as SseSession;
  return { session, sink, errors };
}

describe('bytes held for a stream count toward its queue bound', () => {
  it('disconnect: holding past the bound cuts the client off and reports SLOW_CONSUMER; writes see held bytes too', async () => {
    const { session, sink, errors } = await open('disconnect');
    expect(session.holdBytes(600)).toBe(true);
    expect(session.queuedBytes).toBe(600);
    void session.writeEncoded('x'.repeat(300));
    expect(session.queuedBytes).toBe(900);
    expect(session.closed).toBe(false);
    // 600 held + 300 buffered + 200 more > 1000.
    expect(session.holdBytes(200)).toBe(false);
    expect(session.closed).toBe(true);
    expect(sink.destroyed).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SlowConsumerError);
    expect(errors[0]).toMatchObject({ policy: 'disconnect', queuedBytes: 1100 });
  });

  it('disconnect: a write that takes buffered + held bytes past the bound cuts the client off', async () => {
    const { session, errors } = await open('disconnect');
    expect(session.holdBytes(800)).toBe(true);
    void session.writeEncoded('x'.repeat(300));
    expect(session.closed).toBe(true);
    expect(errors).toEqual([expect.objectContaining({ code: 'SLOW_CONSUMER', queuedBytes: 1100 })]);
  });

  it('release gives the bytes back: what was held is no longer counted', async () => {
    const { session, errors } = await open('disconnect');
    expect(session.holdBytes(900)).toBe(true);
    session.releaseBytes(900);
    expect(session.queuedBytes).toBe(0);
    expect(session.holdBytes(900)).toBe(true);
    expect(session.closed).toBe(false);
    expect(errors).toEqual([]);
  });

  it('drop: past the bound the bytes are refused (the stream stays open), reported once per episode', async () => {
    const { session, errors } = await open('drop');
    expect(session.holdBytes(900)).toBe(true);
    expect(session.holdBytes(200)).toBe(false);
    expect(session.holdBytes(200)).toBe(false);
    expect(session.closed).toBe(false);
    expect(errors).toEqual([expect.objectContaining({ code: 'SLOW_CONSUMER', policy: 'drop' })]);
    // Back under half the bound, holding works again.
    session.releaseBytes(900);
    expect(session.holdBytes(200)).toBe(true);
  });
});

describe('the bound is never below twice the transport high-water mark', () => {
  it('a transport that takes 4,000 bytes before backpressure raises a 1,000-byte bound to 8,000', async () => {
    const errors: unknown[] = [];
    const router = createRouter({ heartbeat: false, maxQueueBytes: 1000, onError: (e) => errors.push(e) });
    router.sse('/s', (session) => session.done);
    const result = await router.dispatch(request('/s'));
    if (result.kind !== 'stream') throw new Error('expected a stream');
    // Like node:http on Node 22 (64 KiB): writes are paced only past the mark, so a smaller bound would cut a client
    // before any backpressure could slow the writer.
    const sink = Object.assign(new MemorySink(4000), { writableHighWaterMark: 4000 });
    const session = result.start(sink) as SseSession;
    for (let i = 0; i < 26; i++) void session.writeEncoded('x'.repeat(300));
    expect(session.closed).toBe(false);
    expect(errors).toEqual([]);
    void session.writeEncoded('x'.repeat(300));
    expect(session.closed).toBe(true);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'SLOW_CONSUMER',
        queuedBytes: 8100,
        message: expect.stringContaining('8000-byte bound'),
      }),
    ]);
  });
});
