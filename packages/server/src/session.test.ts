import { type AnyContract, defineContract, InvalidArgumentError, type StandardSchemaV1 } from '@ssekit/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { coreRequest } from '../tests/core-request.js';
import { SlowConsumerError, StreamClosedError } from './errors.js';
import { implement } from './implement.js';
import { MemorySink } from './memory-sink.js';
import { createRouter, type SseRouter } from './router.js';
import type { SseSession } from './session.js';
import type { SseSink } from './sink.js';

// The session's write path, bound and lifecycle on an in-memory sink (fast enough to run under every mutant of
// session.ts and write-queue.ts); the conformance suite checks the same behaviour over real sockets.

const request = (url: string, headers: Record<string, string> = {}) => coreRequest(url, { headers });

/** Dispatches `url` and starts the stream on `sink`; the handler keeps the stream open until it is closed. */
async function start(router: SseRouter, url: string, sink = new MemorySink(), headers?: Record<string, string>) {
  const result = await router.dispatch(request(url, headers));
  if (result.kind !== 'stream') throw new Error(`expected a stream, got ${result.status}: ${result.body}`);
  const session = result.start(sink) as SseSession;
  return { sink, session };
}

function rawRouter(options: Parameters<typeof createRouter>[0] = {}) {
  const errors: unknown[] = [];
  const router = createRouter({ heartbeat: false, onError: (e) => errors.push(e), ...options });
  router.sse('/s', (session) => session.done);
  return { router, errors };
}

/** Whether `promise` settled within a few turns of the event loop. */
async function settles(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

/** Fake timers that leave `setImmediate` real (see {@link settles}); the coalescer reads `performance.now()`. */
function fakeTimers(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('session lifecycle', () => {
  it('a client gone before the stream starts: closed at once, no heartbeat timer, done resolved, signal aborted', async () => {
    fakeTimers();
    const router = createRouter({ heartbeat: { periodMs: 1000 } });
    let ran = false;
    router.sse('/s', (session) => {
      ran = true;
      return session.done;
    });
    const sink = new MemorySink();
    sink.clientGone();
    const { session } = await start(router, '/s', sink);
    expect(session.closed).toBe(true);
    expect(ran).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    expect(router.sessionCount).toBe(0);
    vi.useRealTimers();
    expect(await settles(session.done)).toBe(true);
    expect(session.signal.aborted).toBe(true);
    expect(session.signal.reason).toBeInstanceOf(StreamClosedError);
  });

  it('done stays pending while the stream is open and resolves when it closes, or at once once closed', async () => {
    const { router } = rawRouter();
    const { session } = await start(router, '/s');
    const done = session.done;
    expect(await settles(done)).toBe(false);
    session.close();
    expect(await settles(done)).toBe(true);
    const other = await start(router, '/s');
    other.session.destroy('gone');
    expect(await settles(other.session.done)).toBe(true);
  });

  it.each([
    ['the client leaves', (_: SseSession, sink: MemorySink) => sink.clientGone(), 'client closed the stream'],
    ['the server closes it', (session: SseSession) => session.close(), 'closed by the server'],
    ['it is destroyed', (session: SseSession) => session.destroy('shutting down'), 'shutting down'],
  ] as const)('the signal aborts with a StreamClosedError saying why when %s', async (_, end, why) => {
    const { router } = rawRouter();
    const { session, sink } = await start(router, '/s');
    const signal = session.signal;
    expect(signal.aborted).toBe(false);
    end(session, sink);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(StreamClosedError);
    expect((signal.reason as Error).message).toBe(`route "/s (${why})": the stream is closed`);
    expect(router.sessionCount).toBe(0);
    // Read for the first time after the end: already aborted.
    const late = await start(router, '/s');
    late.session.close();
    expect(late.session.signal.aborted).toBe(true);
    expect((late.session.signal.reason as Error).message).toBe('route "/s": the stream is closed');
  });

  it('a finish hook is told once, before done resolves; one per session, none on a closed one, detachable', async () => {
    const { router } = rawRouter();
    const { session } = await start(router, '/s');
    const told: string[] = [];
    const hook = { sessionFinished: (s: SseSession) => told.push(s === session ? 'hook' : 'other session') };
    expect(session.attachFinishHook(hook)).toBe(true);
    expect(session.attachFinishHook({ sessionFinished: () => told.push('second hook') })).toBe(false);
    void session.done.then(() => told.push('done'));
    session.close();
    session.destroy('again');
    await settles(session.done);
    expect(told).toEqual(['hook', 'done']);
    expect(session.attachFinishHook(hook)).toBe(false);

    const detached = await start(router, '/s');
    expect(detached.session.attachFinishHook(hook)).toBe(true);
    // Only the hook attached is removed: another one does not detach it.
    detached.session.detachFinishHook({ sessionFinished: () => {} });
    expect(detached.session.attachFinishHook({ sessionFinished: () => told.push('not attached') })).toBe(false);
    detached.session.detachFinishHook(hook);
    expect(detached.session.attachFinishHook({ sessionFinished: () => told.push('replacement') })).toBe(true);
    detached.sink.clientGone();
    expect(told).toEqual(['hook', 'done', 'replacement']);
  });

  it("isDone tells the stream's own done from any other promise", async () => {
    const { router } = rawRouter();
    const { session } = await start(router, '/s');
    expect(session.isDone(undefined)).toBe(false);
    expect(session.isDone(session.done)).toBe(true);
    expect(session.isDone(Promise.resolve())).toBe(false);
    expect(session.isDone(undefined)).toBe(false);
    session.close();
  });

  it("a sink of its own (not one of ssekit's) closing finishes the session through onClose", async () => {
    const { router } = rawRouter();
    const inner = new MemorySink();
    const listeners: (() => void)[] = [];
    const own: SseSink = {
      write: (chunk) => inner.write(chunk),
      get bufferedBytes() {
        return inner.bufferedBytes;
      },
      waitForDrain: () => inner.waitForDrain(),
      end: () => inner.end(),
      destroy: () => inner.destroy(),
      get closed() {
        return inner.closed;
      },
      onClose: (listener) => listeners.push(listener),
    };
    const result = await router.dispatch(request('/s'));
    if (result.kind !== 'stream') throw new Error('expected a stream');
    const session = result.start(own) as SseSession;
    expect(listeners).toHaveLength(1);
    expect(session.closed).toBe(false);
    for (const listener of listeners) listener();
    expect(session.closed).toBe(true);
    expect(await settles(session.done)).toBe(true);
    expect(router.sessionCount).toBe(0);
  });

  it('close ends the sink once; destroy after close and close after destroy do nothing more', async () => {
    class CountingSink extends MemorySink {
      ends = 0;
      destroys = 0;
      override end(): void {
        this.ends++;
        super.end();
      }
      override destroy(): void {
        this.destroys++;
        super.destroy();
      }
    }
    const { router } = rawRouter();
    const closed = await start(router, '/s', new CountingSink());
    closed.session.close();
    closed.session.close();
    closed.session.destroy('late');
    const a = closed.sink as CountingSink;
    expect([a.ends, a.destroys]).toEqual([1, 0]);
    const destroyed = await start(router, '/s', new CountingSink());
    destroyed.session.destroy('cut');
    destroyed.session.destroy('again');
    destroyed.session.close();
    const b = destroyed.sink as CountingSink;
    expect([b.ends, b.destroys]).toEqual([0, 1]);
    expect(router.sessionCount).toBe(0);
  });

  it('send, comment and writeEncoded throw STREAM_CLOSED after the end, and nothing is held for a closed stream', async () => {
    const { router } = rawRouter();
    const { session, sink } = await start(router, '/s');
    session.close();
    expect(() => session.send({ data: 'x' })).toThrow(StreamClosedError);
    expect(() => session.send('message', 'x')).toThrow(StreamClosedError);
    expect(() => session.comment('x')).toThrow(expect.objectContaining({ code: 'STREAM_CLOSED' }));
    expect(() => session.writeEncoded('data: x\n\n')).toThrow(StreamClosedError);
    expect(session.holdBytes(10)).toBe(false);
    expect(sink.text).toBe('');
  });

  it('exposes the raw header record on a route without a headers schema, and the Last-Event-ID as sent', async () => {
    const { router } = rawRouter();
    const headers = { accept: 'text/event-stream', 'last-event-id': 'abc-7', 'x-tenant': 'acme' };
    const { session } = await start(router, '/s', new MemorySink(), headers);
    expect(session.headers).toEqual(headers);
    expect(session.lastEventId).toBe('abc-7');
    expect(session.lastEventIdRefused).toBe(false);
    const none = await start(router, '/s');
    expect(none.session.lastEventId).toBeUndefined();
    expect(none.session.lastEventIdRefused).toBe(false);
  });

  it('marks a refused Last-Event-ID (too long) as refused, without passing it on', async () => {
    const { router, errors } = rawRouter();
    const { session } = await start(router, '/s', new MemorySink(), { 'last-event-id': 'x'.repeat(2048) });
    expect(session.lastEventId).toBeUndefined();
    expect(session.lastEventIdRefused).toBe(true);
    expect(errors).toEqual([expect.objectContaining({ code: 'INVALID_LAST_EVENT_ID' })]);
  });

  it('exposes validated headers on a route with a headers schema', async () => {
    const contract = defineContract({
      h: { path: '/h', headers: z.object({ 'x-n': z.coerce.number() }), events: { message: z.string() } },
    });
    let seen: SseSession | undefined;
    const router = implement(
      contract,
      {
        h: (session) => {
          seen = session as unknown as SseSession;
          return session.done;
        },
      },
      { heartbeat: false },
    );
    await start(router, '/h', new MemorySink(), { 'x-n': '42', 'x-other': 'y' });
    expect(seen?.headers).toEqual({ 'x-n': 42 });
  });
});

describe('send on a raw route', () => {
  it('rejects what is neither an event name nor an event object', async () => {
    const { router } = rawRouter();
    const { session, sink } = await start(router, '/s');
    for (const bad of [null, 42, undefined]) {
      expect(() => session.send(bad as never)).toThrow(InvalidArgumentError);
    }
    expect(() => session.send(null as never)).toThrow(
      'send() takes an event name and data, or a ServerSentEvent object',
    );
    expect(sink.text).toBe('');
    expect(session.closed).toBe(false);
  });

  it('writes an id-, retry- or comment-only frame without a data line, and the default event without an event line', async () => {
    const { router } = rawRouter();
    const { session, sink } = await start(router, '/s');
    await session.send({ id: '3' });
    await session.send({ retry: 250 });
    await session.send({ comments: 'c' });
    await session.send({ data: 'plain' });
    await session.send({ event: 'named', data: 'x', id: '4', retry: 10 });
    expect(sink.chunks).toEqual([
      'id: 3\n\n',
      'retry: 250\n\n',
      ': c\n\n',
      'data: plain\n\n',
      'event: named\nid: 4\nretry: 10\ndata: x\n\n',
    ]);
  });

  it('refuses an event name with a line break: nothing written, stream usable', async () => {
    const { router } = rawRouter();
    const { session, sink } = await start(router, '/s');
    expect(() => session.send({ event: 'x\ndata: injected', data: 'y' })).toThrow(
      expect.objectContaining({ code: 'FIELD_INJECTION', field: 'event' }),
    );
    expect(sink.text).toBe('');
    await session.send({ data: 'ok' });
    expect(sink.text).toBe('data: ok\n\n');
  });

  it('passes non-string data through the route serializer with the route, path and event', async () => {
    const serialize = vi.fn((value: unknown) => `<${JSON.stringify(value)}>`);
    const router = createRouter({ heartbeat: false, serialize });
    router.route('/r', (r) => r.sse('/:id', (session) => session.done));
    const { session, sink } = await start(router, '/r/1');
    await session.send({ data: { a: 1 } });
    await session.send({ data: 'verbatim' });
    expect(sink.text).toBe('data: <{"a":1}>\n\ndata: verbatim\n\n');
    expect(serialize).toHaveBeenCalledTimes(1);
    expect(serialize).toHaveBeenCalledWith(
      { a: 1 },
      { route: '/r/:id', path: '/r/:id', event: 'message', schema: undefined, encoding: 'json' },
    );
  });
});

/** A Standard Schema whose `validate` answers asynchronously, once `release` is called. */
function gatedString() {
  const gates: (() => void)[] = [];
  const schema: StandardSchemaV1<string> = {
    '~standard': {
      version: 1,
      vendor: 'async-test',
      validate: (value) =>
        new Promise((resolve) => {
          gates.push(() =>
            resolve(typeof value === 'string' ? { value } : { issues: [{ message: 'not a string', path: [] }] }),
          );
        }),
    },
  };
  const release = (): void => {
    for (const open of gates.splice(0)) open();
  };
  return { schema, release };
}

describe('send on a contract route', () => {
  const contract = defineContract({
    t: { path: '/t', events: { message: z.string(), tick: z.object({ n: z.number() }) } },
  });
  async function open() {
    let seen: SseSession | undefined;
    const router = implement(
      contract,
      {
        t: (session) => {
          seen = session as unknown as SseSession;
          return session.done;
        },
      },
      { heartbeat: false },
    );
    const { sink } = await start(router, '/t');
    if (!seen) throw new Error('no session');
    return { session: seen, sink };
  }

  it('validates and encodes events given by name or as an object; frames without data or event go out as they are', async () => {
    const { session, sink } = await open();
    await session.send('tick', { n: 1 }, { id: '7', retry: 500 });
    await session.send({ event: 'tick', data: { n: 2 }, comments: 'c' });
    await session.send({ data: 'hi' });
    await session.send({ id: '9' });
    // The default event is validated too: a number is not the string it declares.
    expect(() => session.send({ data: 42 })).toThrow(expect.objectContaining({ code: 'CONTRACT_VALIDATION' }));
    expect(sink.chunks).toEqual([
      'event: tick\nid: 7\nretry: 500\ndata: {"n":1}\n\n',
      ': c\nevent: tick\ndata: {"n":2}\n\n',
      'data: hi\n\n',
      'id: 9\n\n',
    ]);
    expect(() => session.send({ event: 'tick', data: { n: 'x' } })).toThrow(
      expect.objectContaining({ code: 'CONTRACT_VALIDATION' }),
    );
    expect(() => session.send({ event: 'tick' })).toThrow(expect.objectContaining({ code: 'CONTRACT_VALIDATION' }));
    expect(sink.chunks).toHaveLength(4);
  });

  it('writes an asynchronously validated event once it settles, and not at all when the stream closed meanwhile', async () => {
    const gated = gatedString();
    const asyncContract = defineContract({ a: { path: '/a', events: { word: gated.schema } } });
    let seen: SseSession | undefined;
    const router = implement(
      asyncContract as AnyContract as typeof asyncContract,
      {
        a: (session) => {
          seen = session as unknown as SseSession;
          return session.done;
        },
      },
      { heartbeat: false },
    );
    const { sink } = await start(router, '/a');
    const session = seen as SseSession;
    const first = session.send('word', 'one');
    expect(sink.text).toBe('');
    gated.release();
    await first;
    expect(sink.text).toBe('event: word\ndata: "one"\n\n');
    const second = session.send({ event: 'word', data: 'two' });
    session.close();
    gated.release();
    await expect(second).rejects.toBeInstanceOf(StreamClosedError);
    expect(sink.text).toBe('event: word\ndata: "one"\n\n');
  });
});

describe('the write queue', () => {
  it('disconnect: a stream may queue exactly the bound; one byte more cuts it off and reports it', async () => {
    const { router, errors } = rawRouter({ maxQueueBytes: 1000 });
    const { session, sink } = await start(router, '/s');
    void session.writeEncoded('x'.repeat(1000));
    expect(session.closed).toBe(false);
    expect(session.queuedBytes).toBe(1000);
    void session.writeEncoded('y');
    expect(session.closed).toBe(true);
    expect(sink.destroyed).toBe(true);
    expect(errors).toEqual([expect.any(SlowConsumerError)]);
    expect(errors[0]).toMatchObject({ policy: 'disconnect', queuedBytes: 1001 });
    expect((errors[0] as Error).message).toBe(
      'route "/s": client queue 1001 bytes passed the 1000-byte bound; policy "disconnect"',
    );
  });

  it('disconnect: bytes held may reach the bound exactly', async () => {
    const { router, errors } = rawRouter({ maxQueueBytes: 1000 });
    const { session } = await start(router, '/s');
    void session.writeEncoded('x'.repeat(400));
    expect(session.holdBytes(600)).toBe(true);
    expect(session.closed).toBe(false);
    expect(session.holdBytes(1)).toBe(false);
    expect(session.closed).toBe(true);
    expect(errors).toEqual([expect.objectContaining({ code: 'SLOW_CONSUMER', queuedBytes: 1001 })]);
  });

  it('release never counts below zero, and closing forgets what was held', async () => {
    const { router, errors } = rawRouter({ maxQueueBytes: 1000 });
    const { session } = await start(router, '/s');
    expect(session.holdBytes(100)).toBe(true);
    session.releaseBytes(300);
    expect(session.queuedBytes).toBe(0);
    expect(session.holdBytes(1000)).toBe(true);
    expect(session.holdBytes(1)).toBe(false);
    expect(errors).toHaveLength(1);
    const other = await start(router, '/s');
    expect(other.session.holdBytes(700)).toBe(true);
    other.session.close();
    expect(other.session.queuedBytes).toBe(0);
  });

  it('drop: frames past the bound are skipped, not written; a new episode starts only at half the bound', async () => {
    const { router, errors } = rawRouter({ maxQueueBytes: 1000, slowConsumer: 'drop' });
    const { session, sink } = await start(router, '/s');
    await session.writeEncoded('a'.repeat(1000));
    await session.writeEncoded('b');
    await session.writeEncoded('c');
    expect(sink.chunks).toEqual(['a'.repeat(1000)]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'SLOW_CONSUMER', policy: 'drop', queuedBytes: 1000 });
    expect((errors[0] as Error).message).toContain('the 1000-byte bound');
    // The client read half: still the same episode (no second report) until it is at or under half the bound.
    sink.buffered = 501;
    await session.writeEncoded('d'.repeat(499));
    await session.writeEncoded('e'.repeat(10));
    expect(errors).toHaveLength(1);
    sink.buffered = 500;
    await session.writeEncoded('f'.repeat(500));
    expect(sink.chunks.at(-1)).toBe('f'.repeat(500));
    await session.writeEncoded('g');
    expect(errors).toHaveLength(2);
    expect(session.closed).toBe(false);
  });

  it('coalescing: a held frame waits for drain while the transport is congested, and resolves at once after', async () => {
    fakeTimers();
    const { router } = rawRouter({ coalesceMs: 10 });
    const { session, sink } = await start(router, '/s', new MemorySink(12));
    await session.send({ data: 'a' });
    expect(await settles(session.send({ data: 'b' }))).toBe(true);
    // The window ends: its one write takes the sink over its high-water mark.
    vi.advanceTimersByTime(10);
    expect(sink.chunks).toEqual(['data: a\n\n', 'data: b\n\n']);
    const held = session.send({ data: 'c' });
    expect(await settles(held)).toBe(false);
    sink.drain();
    expect(await settles(held)).toBe(true);
    expect(await settles(session.send({ data: 'd' }))).toBe(true);
    session.close();
    expect(sink.text).toBe('data: a\n\ndata: b\n\ndata: c\n\ndata: d\n\n');
  });

  it('coalescing: frames held in a window are dropped, not written, when the stream is destroyed', async () => {
    fakeTimers();
    const { router } = rawRouter({ coalesceMs: 10 });
    const { session, sink } = await start(router, '/s');
    await session.send({ data: 'a' });
    await session.send({ data: 'b' });
    session.destroy('shutdown');
    vi.advanceTimersByTime(50);
    expect(sink.chunks).toEqual(['data: a\n\n']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('coalescing with drop: a window whose frames pass the bound is skipped', async () => {
    fakeTimers();
    const { router, errors } = rawRouter({ coalesceMs: 10, maxQueueBytes: 100, slowConsumer: 'drop' });
    const { session, sink } = await start(router, '/s');
    await session.send({ data: 'a'.repeat(60) });
    await session.send({ data: 'b'.repeat(30) });
    await session.send({ data: 'c'.repeat(30) });
    vi.advanceTimersByTime(10);
    expect(sink.chunks).toEqual([`data: ${'a'.repeat(60)}\n\n`]);
    expect(errors).toEqual([expect.objectContaining({ code: 'SLOW_CONSUMER', policy: 'drop' })]);
  });
});

describe('session signal', () => {
  it('is one signal for the whole stream: every place that took it sees the abort', async () => {
    const { router } = rawRouter();
    const { session } = await start(router, '/s');
    const seen: string[] = [];
    session.signal.addEventListener('abort', () => seen.push('first'));
    session.signal.addEventListener('abort', () => seen.push('second'));
    const kept = session.signal;
    session.destroy('shutting down');
    expect(seen).toEqual(['first', 'second']);
    expect(kept.aborted).toBe(true);
  });
});

describe('edges of the write path', () => {
  it('a raw event with a name but no data goes through the serializer, which must give text', async () => {
    const { router } = rawRouter();
    const { session, sink } = await start(router, '/s');
    expect(() => session.send({ event: 'ping' })).toThrow(
      expect.objectContaining({
        code: 'SERIALIZATION',
        message: 'route "/s", event "ping": the serializer returned undefined, not a string',
      }),
    );
    expect(sink.text).toBe('');
    const custom = createRouter({ heartbeat: false, serialize: (value) => `[${typeof value}]` });
    custom.sse('/c', (s) => s.done);
    const named = await start(custom, '/c');
    await named.session.send({ event: 'ping' });
    expect(named.sink.text).toBe('event: ping\ndata: [undefined]\n\n');
  });

  it('a slow consumer cut off: the signal says so', async () => {
    const { router, errors } = rawRouter({ maxQueueBytes: 100 });
    const { session } = await start(router, '/s');
    const signal = session.signal;
    void session.writeEncoded('x'.repeat(101));
    expect(session.closed).toBe(true);
    expect(errors).toEqual([expect.objectContaining({ code: 'SLOW_CONSUMER' })]);
    expect((signal.reason as Error).message).toBe('route "/s (slow consumer)": the stream is closed');
  });

  it('drop never disconnects, even when the transport counts more bytes than the frame has characters', async () => {
    // Like node:http: the sink buffers UTF-8 bytes, while the bound is checked against the frame's length.
    class ByteSink extends MemorySink {
      override write(chunk: string | Uint8Array): boolean {
        const below = super.write(chunk);
        this.buffered += Buffer.byteLength(this.chunks.at(-1) ?? '') - (this.chunks.at(-1)?.length ?? 0);
        return below;
      }
    }
    const { router, errors } = rawRouter({ maxQueueBytes: 1000, slowConsumer: 'drop' });
    const { session, sink } = await start(router, '/s', new ByteSink());
    await session.writeEncoded(`data: ${'é'.repeat(900)}\n\n`);
    expect(sink.buffered).toBeGreaterThan(1000);
    expect(session.closed).toBe(false);
    await session.writeEncoded('data: next\n\n');
    expect(session.closed).toBe(false);
    expect(sink.chunks).toHaveLength(1);
    expect(errors).toEqual([expect.objectContaining({ code: 'SLOW_CONSUMER', policy: 'drop' })]);
  });
});
