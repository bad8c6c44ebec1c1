import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallbackError, connectEventStream, IdleTimeoutError } from '../src/index.ts';
import { createRecorder } from './helpers/recorder.ts';
import { startSseServer, waitFor } from './helpers/sse-server.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** Lets pending promise callbacks run without moving fake time. */
async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Moves fake time in small steps (flushing promises between) until `predicate` holds; bounded. */
async function advanceUntil(predicate: () => boolean, stepMs = 50, maxSteps = 200): Promise<void> {
  for (let i = 0; i < maxSteps && !predicate(); i++) {
    await vi.advanceTimersByTimeAsync(stepMs);
    await flush();
  }
  expect(predicate()).toBe(true);
}

/** A fetch whose responses the test drives: each call opens a stream the test can push text into. */
function controllableFetch() {
  const encoder = new TextEncoder();
  const streams: Array<{ push(text: string): void; end(): void; init: RequestInit | undefined }> = [];
  const fetchImpl: typeof fetch = async (_input, init) => {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
    });
    init?.signal?.addEventListener('abort', () => controller.error(init.signal?.reason));
    streams.push({ push: (t) => controller.enqueue(encoder.encode(t)), end: () => controller.close(), init });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetchImpl, streams };
}

describe('close() and AbortSignal stop everything at once', () => {
  it('close() during a backoff wait leaves no timer and makes no further request', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const fetchImpl: typeof fetch = async () => {
      calls++;
      return new Response(null, { status: 503 });
    };
    const r = createRecorder();
    const connection = connectEventStream({
      url: 'http://x.test/',
      fetch: fetchImpl,
      reconnect: { initialDelayMs: 10_000 },
      ...r.handlers,
    });
    await flush();
    expect(r.retries).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1);
    connection.close();
    await connection.done;
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(1);
    expect(r.closes).toEqual([{ reason: 'aborted' }]);
  });

  it('aborting the signal mid-stream ends the read, clears the idle watchdog, resolves done', async () => {
    vi.useFakeTimers();
    const { fetchImpl, streams } = controllableFetch();
    const controller = new AbortController();
    const r = createRecorder();
    const connection = connectEventStream({
      url: 'http://x.test/',
      fetch: fetchImpl,
      signal: controller.signal,
      idleTimeoutMs: 5000,
      ...r.handlers,
    });
    await flush();
    streams[0]?.push('data: a\n\n');
    await flush();
    expect(r.events).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(1); // the idle watchdog
    controller.abort();
    await connection.done;
    expect(vi.getTimerCount()).toBe(0);
    expect(streams[0]?.init?.signal?.aborted).toBe(true);
    expect(streams).toHaveLength(1);
    expect(r.closes).toEqual([{ reason: 'aborted' }]);
  });

  it('an already aborted signal makes no request at all', async () => {
    let calls = 0;
    const r = createRecorder();
    const connection = connectEventStream({
      url: 'http://x.test/',
      fetch: async () => {
        calls++;
        return new Response(null, { status: 204 });
      },
      signal: AbortSignal.abort(),
      ...r.handlers,
    });
    await connection.done;
    expect(calls).toBe(0);
    expect(r.closes).toEqual([{ reason: 'aborted' }]);
  });

  it('close() while a fetch that ignores the signal is pending still resolves done and cancels the late body', async () => {
    let respond!: (r: Response) => void;
    let cancelled = false;
    const connection = connectEventStream({
      url: 'http://x.test/',
      fetch: () => new Promise<Response>((resolve) => (respond = resolve)),
      onEvent() {},
    });
    await flush();
    connection.close();
    await connection.done;
    const body = new ReadableStream({
      cancel() {
        cancelled = true;
      },
    });
    respond(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    await waitFor(() => cancelled);
    expect(cancelled).toBe(true);
  });

  it('close() and restart() while a read of a body that ignores the signal is pending end that read at once', async () => {
    const encoder = new TextEncoder();
    const bodies: Array<{ controller: ReadableStreamDefaultController<Uint8Array>; cancelled: boolean }> = [];
    const seen: string[] = [];
    const connection = connectEventStream({
      url: 'http://x.test/',
      // a body that never looks at init.signal: only cancelling the reader can end its pending read
      fetch: async () => {
        const entry = {
          controller: undefined as unknown as ReadableStreamDefaultController<Uint8Array>,
          cancelled: false,
        };
        bodies.push(entry);
        const body = new ReadableStream<Uint8Array>({
          start(c) {
            entry.controller = c;
          },
          cancel() {
            entry.cancelled = true;
          },
        });
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
      },
      reconnect: { initialDelayMs: 1 },
      onEvent: (e) => seen.push(e.data),
    });
    await waitFor(() => bodies.length === 1);
    bodies[0]?.controller.enqueue(encoder.encode('data: a\n\n'));
    await waitFor(() => seen.length === 1);
    connection.restart(); // the read now pending on body 0 ends, and a second request goes out
    await waitFor(() => bodies.length === 2);
    expect(bodies[0]?.cancelled).toBe(true);
    bodies[1]?.controller.enqueue(encoder.encode('data: b\n\n'));
    await waitFor(() => seen.length === 2);
    connection.close();
    await connection.done;
    expect(bodies[1]?.cancelled).toBe(true);
    expect(seen).toEqual(['a', 'b']);
  });

  it('close() inside onEvent stops delivery of the rest of the chunk', async () => {
    const { fetchImpl, streams } = controllableFetch();
    const seen: string[] = [];
    const connection = connectEventStream({
      url: 'http://x.test/',
      fetch: fetchImpl,
      onEvent(e) {
        seen.push(e.data);
        if (e.data === '2') connection.close();
      },
    });
    await waitFor(() => streams.length === 1);
    streams[0]?.push('id: 1\ndata: 1\n\nid: 2\ndata: 2\n\nid: 3\ndata: 3\n\n');
    await connection.done;
    expect(seen).toEqual(['1', '2']);
    expect(connection.lastEventId).toBe('2');
  });

  it('releases every handle over real HTTP (process.getActiveResourcesInfo)', async () => {
    const server = await startSseServer();
    const timeoutsBefore = process.getActiveResourcesInfo().filter((x) => x === 'Timeout').length;
    const connection = connectEventStream({
      url: server.url,
      idleTimeoutMs: 60_000,
      reconnect: { initialDelayMs: 0 },
      onEvent() {},
    });
    const stream = await server.nextConnection();
    await stream.write(':hi\n');
    connection.close();
    await connection.done;
    const timeoutsAfter = process.getActiveResourcesInfo().filter((x) => x === 'Timeout').length;
    expect(timeoutsAfter).toBeLessThanOrEqual(timeoutsBefore);
    expect(server.requests).toHaveLength(1);
    await server.close();
  });
});

describe('idle timeout watchdog', () => {
  it('reconnects when nothing arrives for idleTimeoutMs; any bytes (a comment) reset it', async () => {
    vi.useFakeTimers();
    const { fetchImpl, streams } = controllableFetch();
    const r = createRecorder();
    const connection = connectEventStream({
      url: 'http://x.test/',
      fetch: fetchImpl,
      idleTimeoutMs: 1000,
      reconnect: { initialDelayMs: 0 },
      ...r.handlers,
    });
    await flush();
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(900);
      streams[0]?.push(':');
      await flush();
    }
    expect(r.errors).toEqual([]);
    expect(streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    await flush();
    expect(r.errors[0]).toBeInstanceOf(IdleTimeoutError);
    expect(r.errors[0]?.code).toBe('IDLE_TIMEOUT');
    await advanceUntil(() => streams.length === 2, 1);
    expect(streams[0]?.init?.signal?.aborted).toBe(true);
    connection.close();
    await connection.done;
  });

  it('also covers a server that never answers', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const r = createRecorder();
    const connection = connectEventStream({
      url: 'http://x.test/',
      fetch: (_i, init) =>
        new Promise((_resolve, reject) => {
          calls++;
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
      idleTimeoutMs: 500,
      reconnect: { initialDelayMs: 0, maxAttempts: 1 },
      ...r.handlers,
    });
    let closed = false;
    void connection.done.then(() => (closed = true));
    await advanceUntil(() => closed);
    expect(calls).toBe(2);
    expect(r.log).toEqual([
      'error:IDLE_TIMEOUT',
      'retry:1',
      'error:IDLE_TIMEOUT',
      'error:RETRIES_EXHAUSTED',
      'close:retries-exhausted',
    ]);
  });
});

describe('callbacks that throw', () => {
  it('a throwing onEvent is reported as CallbackError and the stream continues', async () => {
    const { fetchImpl, streams } = controllableFetch();
    const seen: string[] = [];
    const errors: unknown[] = [];
    const connection = connectEventStream({
      url: 'http://x.test/',
      fetch: fetchImpl,
      onEvent(e) {
        seen.push(e.data);
        if (e.data === 'bad') throw new Error('boom');
      },
      onError: (e) => errors.push(e),
    });
    await waitFor(() => streams.length === 1);
    streams[0]?.push('data: bad\n\ndata: good\n\n');
    await waitFor(() => seen.length === 2);
    expect(seen).toEqual(['bad', 'good']);
    expect(errors[0]).toBeInstanceOf(CallbackError);
    expect((errors[0] as CallbackError).callback).toBe('onEvent');
    expect((errors[0] as CallbackError).code).toBe('CALLBACK');
    connection.close();
    await connection.done;
  });

  it('a throwing headers function counts as a failed attempt and is retried', async () => {
    let n = 0;
    const { fetchImpl, streams } = controllableFetch();
    const r = createRecorder();
    const connection = connectEventStream({
      url: 'http://x.test/',
      fetch: fetchImpl,
      headers: () => {
        n++;
        if (n === 1) throw new Error('token service down');
        return { authorization: 'ok' };
      },
      reconnect: { initialDelayMs: 0 },
      ...r.handlers,
    });
    await waitFor(() => streams.length === 1);
    expect(r.errors[0]).toBeInstanceOf(CallbackError);
    expect(new Headers(streams[0]?.init?.headers).get('authorization')).toBe('ok');
    connection.close();
    await connection.done;
  });

  it('rejects misuse with helpful messages', () => {
    expect(() => connectEventStream({ url: 'http://x.test/' } as never)).toThrow(/`onEvent` must be a function/);
    expect(() => connectEventStream({ url: 5, onEvent() {} } as never)).toThrow(/`url` must be a string or a URL/);
    expect(() => connectEventStream({ url: 'http://x.test/', idleTimeoutMs: -1, onEvent() {} })).toThrow(
      /`idleTimeoutMs` must be a non-negative number/,
    );
    expect(() =>
      connectEventStream({ url: 'http://x.test/', reconnect: { initialDelayMs: Number.NaN }, onEvent() {} }),
    ).toThrow(/`reconnect.initialDelayMs`/);
  });
});
