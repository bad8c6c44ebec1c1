import { afterEach, describe, expect, it } from 'vitest';
import {
  ContentTypeError,
  connectEventStream,
  type EventStreamConnection,
  HttpStatusError,
  NetworkError,
  RetriesExhaustedError,
} from '../src/index.ts';
import { createRecorder } from './helpers/recorder.ts';
import { type Responder, startSseServer, type TestSseServer, waitFor } from './helpers/sse-server.ts';

let server: TestSseServer | undefined;
let connection: EventStreamConnection | undefined;

afterEach(async () => {
  connection?.close();
  await connection?.done;
  connection = undefined;
  await server?.close();
  server = undefined;
});

async function serve(responder?: Responder): Promise<TestSseServer> {
  server = await startSseServer(responder);
  return server;
}

const fast = { initialDelayMs: 0 };

function status(code: number, headers: Record<string, string> = {}): Responder {
  return (_req, res) => {
    res.writeHead(code, headers);
    res.end();
    return true;
  };
}

describe('reconnection', () => {
  it('reconnects after a clean end, sending the last event id once', async () => {
    const s = await serve();
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: fast, ...r.handlers });
    const first = await s.nextConnection();
    await first.write('id: 41\ndata: a\n\ndata: b\n\n');
    await waitFor(() => r.events.length === 2);
    await first.end();
    const second = await s.nextConnection();
    expect(second.request.headers['last-event-id']).toBe('41');
    expect(r.retries).toEqual([{ attempt: 1, delayMs: 0, error: undefined }]);
    expect(r.errors).toEqual([]);
    await second.write('data: c\n\n');
    await waitFor(() => r.events.length === 3);
    expect(r.events[2]).toEqual({ event: 'message', data: 'c', id: '41' });
  });

  it('reconnects after a broken connection and reports a NetworkError', async () => {
    const s = await serve();
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: fast, ...r.handlers });
    const first = await s.nextConnection();
    await first.write('id: 1\ndata: a\n\n');
    await waitFor(() => r.events.length === 1);
    first.destroy();
    const second = await s.nextConnection();
    expect(second.request.headers['last-event-id']).toBe('1');
    expect(r.errors[0]).toBeInstanceOf(NetworkError);
    expect(r.retries[0]?.error).toBe(r.errors[0]);
  });

  it('sends exactly one Last-Event-ID: the supplied one first, whatever the caller headers hold', async () => {
    const s = await serve();
    const r = createRecorder();
    connection = connectEventStream({
      url: s.url,
      lastEventId: 'start',
      headers: [
        ['Last-Event-ID', 'stale'],
        ['last-event-id', 'stale2'],
      ],
      reconnect: fast,
      ...r.handlers,
    });
    const first = await s.nextConnection();
    const count = (raw: string[]) =>
      raw.filter((_, i) => i % 2 === 0 && raw[i]?.toLowerCase() === 'last-event-id').length;
    expect(first.request.headers['last-event-id']).toBe('start');
    expect(count(first.request.rawHeaders)).toBe(1);
    await first.write('id: next\ndata: x\n\n');
    await waitFor(() => r.events.length === 1);
    await first.end();
    const second = await s.nextConnection();
    expect(second.request.headers['last-event-id']).toBe('next');
    expect(count(second.request.rawHeaders)).toBe(1);
  });

  it('uses a Last-Event-ID from the caller headers until the server sends an id', async () => {
    const s = await serve();
    const r = createRecorder();
    connection = connectEventStream({
      url: s.url,
      headers: { 'LAST-EVENT-ID': 'mine' },
      reconnect: fast,
      ...r.handlers,
    });
    const first = await s.nextConnection();
    expect(first.request.rawHeaders.filter((h) => h.toLowerCase() === 'last-event-id')).toHaveLength(1);
    expect(first.request.headers['last-event-id']).toBe('mine');
    await first.write('id: 2\n\n');
    await first.end();
    const second = await s.nextConnection();
    expect(second.request.rawHeaders.filter((h) => h.toLowerCase() === 'last-event-id')).toHaveLength(1);
    expect(second.request.headers['last-event-id']).toBe('2');
  });

  it('stops sending Last-Event-ID after the server resets it with an empty id', async () => {
    const s = await serve();
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, lastEventId: 'x', reconnect: fast, ...r.handlers });
    const first = await s.nextConnection();
    await first.write('id\n\n');
    await first.end();
    const second = await s.nextConnection();
    expect(second.request.headers['last-event-id']).toBeUndefined();
    expect(connection.lastEventId).toBeUndefined();
  });

  it('re-evaluates the headers function on every attempt', async () => {
    const s = await serve();
    let n = 0;
    connection = connectEventStream({
      url: s.url,
      headers: async () => ({ authorization: `Bearer t${++n}` }),
      reconnect: fast,
      onEvent() {},
    });
    const first = await s.nextConnection();
    await first.end();
    const second = await s.nextConnection();
    expect([first.request.headers.authorization, second.request.headers.authorization]).toEqual([
      'Bearer t1',
      'Bearer t2',
    ]);
  });

  it('re-sends the body on reconnect', async () => {
    const s = await serve();
    connection = connectEventStream({ url: s.url, method: 'POST', body: '{"q":1}', reconnect: fast, onEvent() {} });
    const first = await s.nextConnection();
    first.destroy();
    const second = await s.nextConnection();
    expect([second.request.method, second.request.body]).toEqual(['POST', '{"q":1}']);
  });

  it('stops for good on 204', async () => {
    const s = await serve(status(204));
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: fast, ...r.handlers });
    await connection.done;
    expect(r.closes).toEqual([{ reason: 'no-content' }]);
    expect(r.errors).toEqual([]);
    expect(s.requests).toHaveLength(1);
  });

  it('retries 5xx, then stops on 204 after a reconnect', async () => {
    const s = await serve((req, res, i) => status(i === 0 ? 503 : 204)(req, res, i));
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: fast, ...r.handlers });
    await connection.done;
    expect(s.requests).toHaveLength(2);
    expect(r.errors).toHaveLength(1);
    const error = r.errors[0] as HttpStatusError;
    expect(error).toBeInstanceOf(HttpStatusError);
    expect([error.code, error.status, error.retryable]).toEqual(['HTTP_STATUS', 503, true]);
    expect(r.closes).toEqual([{ reason: 'no-content' }]);
  });

  it('honours Retry-After seconds on 429 instead of the backoff', async () => {
    const s = await serve((req, res, i) =>
      status(i === 0 ? 429 : 204, i === 0 ? { 'retry-after': '0' } : {})(req, res, i),
    );
    const r = createRecorder();
    // a 60 s backoff base would time the test out if Retry-After were ignored
    connection = connectEventStream({ url: s.url, reconnect: { initialDelayMs: 60_000 }, ...r.handlers });
    await connection.done;
    expect(r.retries).toEqual([{ attempt: 1, delayMs: 0, error: r.errors[0] }]);
    expect((r.errors[0] as HttpStatusError).retryAfterMs).toBe(0);
  });

  it('honours a Retry-After HTTP-date', async () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    const s = await serve((req, res, i) =>
      status(i === 0 ? 503 : 204, i === 0 ? { 'retry-after': past } : {})(req, res, i),
    );
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: { initialDelayMs: 60_000 }, ...r.handlers });
    await connection.done;
    expect(r.retries[0]?.delayMs).toBe(0);
  });

  it.each([400, 401, 403, 404, 410])('treats %i as terminal', async (code) => {
    const s = await serve(status(code));
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: fast, ...r.handlers });
    await connection.done;
    expect(s.requests).toHaveLength(1);
    const error = r.errors[0] as HttpStatusError;
    expect([error.status, error.retryable]).toEqual([code, false]);
    expect(r.closes).toEqual([{ reason: 'terminal-error', error }]);
  });

  it('rejects a non-event-stream content type with a terminal ContentTypeError', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
      return true;
    });
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: fast, ...r.handlers });
    await connection.done;
    expect(r.errors[0]).toBeInstanceOf(ContentTypeError);
    expect((r.errors[0] as ContentTypeError).contentType).toBe('application/json');
    expect(r.closes[0]?.reason).toBe('terminal-error');
    expect(r.opens).toBe(0);
    expect(s.requests).toHaveLength(1);
  });

  it('gives up after maxAttempts with RetriesExhaustedError', async () => {
    const s = await serve(status(503));
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: { initialDelayMs: 0, maxAttempts: 2 }, ...r.handlers });
    await connection.done;
    expect(s.requests).toHaveLength(3);
    expect(r.retries.map((x) => x.attempt)).toEqual([1, 2]);
    const exhausted = r.closes[0]?.error as RetriesExhaustedError;
    expect(r.closes[0]?.reason).toBe('retries-exhausted');
    expect(exhausted).toBeInstanceOf(RetriesExhaustedError);
    expect(exhausted.code).toBe('RETRIES_EXHAUSTED');
    expect(exhausted.attempts).toBe(2);
    expect(exhausted.cause).toBeInstanceOf(HttpStatusError);
    expect(r.errors.at(-1)).toBe(exhausted);
  });

  it('gives up when the next wait would pass maxElapsedMs', async () => {
    const s = await serve(status(503, { 'retry-after': '10' }));
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: { maxElapsedMs: 5000 }, ...r.handlers });
    await connection.done;
    expect(s.requests).toHaveLength(1);
    expect(r.closes[0]?.reason).toBe('retries-exhausted');
  });

  it('lets the server retry: field seed the backoff base', async () => {
    const s = await serve();
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: { initialDelayMs: 60_000 }, ...r.handlers });
    const first = await s.nextConnection();
    await first.write('retry: 0\n\n');
    await first.end();
    await s.nextConnection();
    expect(r.retries).toEqual([{ attempt: 1, delayMs: 0, error: undefined }]);
  });

  it('counts attempts up while failing and starts over after an event arrives', async () => {
    const plan = ['503', '503', 'stream', '503', 'stream'];
    const s = await serve((req, res, i) => (plan[i] === '503' ? status(503)(req, res, i) : undefined));
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: fast, ...r.handlers });
    const ok1 = await s.nextConnection();
    await ok1.write('data: a\n\n');
    await waitFor(() => r.events.length === 1);
    await ok1.end();
    await s.nextConnection();
    expect(r.retries.map((x) => x.attempt)).toEqual([1, 2, 1, 2]);
  });

  it('a comment also counts as progress, even without an onComment handler', async () => {
    const plan = ['503', 'stream', '503', 'stream'];
    const s = await serve((req, res, i) => (plan[i] === '503' ? status(503)(req, res, i) : undefined));
    const retries: number[] = [];
    connection = connectEventStream({
      url: s.url,
      reconnect: fast,
      onEvent() {},
      onRetry: (i) => retries.push(i.attempt),
    });
    const ok1 = await s.nextConnection();
    await ok1.write(':heartbeat\n');
    await ok1.end();
    await s.nextConnection();
    expect(retries).toEqual([1, 1, 2]);
  });

  it('with reconnect: false closes after the first end', async () => {
    const s = await serve();
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: false, ...r.handlers });
    (await s.nextConnection()).destroy();
    await connection.done;
    expect(r.closes[0]?.reason).toBe('closed');
    expect(r.closes[0]?.error).toBeInstanceOf(NetworkError);
    expect(s.requests).toHaveLength(1);
  });

  it('restart() drops the connection and reconnects at once with Last-Event-ID, reporting no error', async () => {
    const s = await serve();
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: { initialDelayMs: 60_000 }, ...r.handlers });
    const first = await s.nextConnection();
    await first.write('id: 9\ndata: a\n\n');
    await waitFor(() => r.events.length === 1);
    connection.restart();
    const second = await s.nextConnection();
    expect(second.request.headers['last-event-id']).toBe('9');
    await second.write('data: b\n\n');
    await waitFor(() => r.events.length === 2);
    expect(r.errors).toEqual([]);
    expect(r.retries).toEqual([]);
    expect(r.log).toEqual(['open', 'event:message:a', 'open', 'event:message:b']);
  });

  it('restart() cuts a backoff wait short', async () => {
    const s = await serve((req, res, i) => (i === 0 ? status(503)(req, res, i) : undefined));
    const r = createRecorder();
    connection = connectEventStream({ url: s.url, reconnect: { initialDelayMs: 60_000 }, ...r.handlers });
    await waitFor(() => r.retries.length === 1);
    connection.restart();
    await s.nextConnection();
    expect(s.requests).toHaveLength(2);
  });
});
