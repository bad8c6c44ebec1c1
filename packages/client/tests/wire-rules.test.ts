import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectEventStream, type EventStreamConnection, EventTooLargeError } from '../src/index.ts';
import { createRecorder } from './helpers/recorder.ts';
import { startSseServer, type TestSseServer, waitFor } from './helpers/sse-server.ts';

let server: TestSseServer;
let connection: EventStreamConnection | undefined;

beforeEach(async () => {
  server = await startSseServer();
});
afterEach(async () => {
  connection?.close();
  await connection?.done;
  connection = undefined;
  await server.close();
});

const msg = (data: string, id?: string, event = 'message') => ({ event, data, id });
const pause = () => new Promise((resolve) => setTimeout(resolve, 2));

describe('SSE wire rules over real HTTP', () => {
  it('parses events, types, ids, multi-line data and comments', async () => {
    const r = createRecorder();
    connection = connectEventStream({ url: `${server.url}/e`, ...r.handlers });
    const stream = await server.nextConnection();
    await stream.write(': hi\nevent: greeting\nid: 1\ndata: Hello\ndata: World\n\ndata: €豆腐\n\n');
    await waitFor(() => r.events.length === 2);
    expect(r.events).toEqual([msg('Hello\nWorld', '1', 'greeting'), msg('€豆腐', '1')]);
    expect(r.comments).toEqual(['hi']);
    expect(r.opens).toBe(1);
    expect(connection.lastEventId).toBe('1');
  });

  it('dispatches on a lone CR that is the last byte received so far', async () => {
    const r = createRecorder();
    connection = connectEventStream({ url: server.url, ...r.handlers });
    const stream = await server.nextConnection();
    await stream.write('data: a\r\r');
    // nothing else is written until the event arrived: it must not wait for the next byte
    await waitFor(() => r.events.length === 1, 5000, 'the CR-terminated event');
    await stream.write('\ndata: b\r\n\r\n');
    await waitFor(() => r.events.length === 2);
    expect(r.events).toEqual([msg('a'), msg('b')]);
  });

  it('shows a comment ending in a lone CR at once', async () => {
    const r = createRecorder();
    connection = connectEventStream({ url: server.url, ...r.handlers });
    const stream = await server.nextConnection();
    await stream.write(':ping\r');
    await waitFor(() => r.comments.length === 1);
    expect(r.comments).toEqual(['ping']);
  });

  it('strips one BOM split over three writes, and keeps a second one', async () => {
    const r = createRecorder();
    connection = connectEventStream({ url: server.url, ...r.handlers });
    const stream = await server.nextConnection();
    for (const byte of [0xef, 0xbb, 0xbf]) {
      await stream.write(Uint8Array.of(byte));
      await pause();
    }
    await stream.write(Uint8Array.of(0xef, 0xbb, 0xbf));
    await stream.write('data: lost\n\ndata: kept\n\n');
    await waitFor(() => r.events.length === 1);
    expect(r.events).toEqual([msg('kept')]);
  });

  it('ignores ids with NUL, keeps ids across events and from data-less blocks, honours only digit retry', async () => {
    const r = createRecorder();
    connection = connectEventStream({ url: server.url, ...r.handlers });
    const stream = await server.nextConnection();
    await stream.write('id: a\ndata: 1\n\nid: b\0c\ndata: 2\n\nid: z\n\ndata: 3\n\nretry: 1e3\n\nretry: 15\n\n');
    await waitFor(() => r.events.length === 3);
    expect(r.events).toEqual([msg('1', 'a'), msg('2', 'a'), msg('3', 'z')]);
    expect(connection.lastEventId).toBe('z');
  });

  it('discards an unterminated event when the stream ends, and an empty data buffer dispatches nothing', async () => {
    const r = createRecorder();
    connection = connectEventStream({ url: server.url, reconnect: false, ...r.handlers });
    const stream = await server.nextConnection();
    await stream.write('event: x\n\nid: 5\n\ndata: done\n\ndata: partial');
    await stream.end();
    await connection.done;
    expect(r.events).toEqual([msg('done', '5')]);
    expect(r.closes).toEqual([{ reason: 'closed' }]);
  });

  it('sends GET with Accept: text/event-stream and no Last-Event-ID by default', async () => {
    connection = connectEventStream({ url: server.url, onEvent() {} });
    const stream = await server.nextConnection();
    expect(stream.request.method).toBe('GET');
    expect(stream.request.headers.accept).toBe('text/event-stream');
    expect(stream.request.headers['last-event-id']).toBeUndefined();
  });

  it('sends POST and REPORT bodies, text/plain unless a content type is given', async () => {
    connection = connectEventStream({ url: server.url, method: 'POST', body: 'hello', onEvent() {} });
    const post = await server.nextConnection();
    expect([post.request.method, post.request.body, post.request.headers['content-type']]).toEqual([
      'POST',
      'hello',
      'text/plain;charset=UTF-8',
    ]);
    connection.close();
    await connection.done;
    connection = connectEventStream({
      url: server.url,
      method: 'REPORT',
      body: () => '{"a":1}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      onEvent() {},
    });
    const report = await server.nextConnection();
    expect([report.request.method, report.request.body, report.request.headers['content-type']]).toEqual([
      'REPORT',
      '{"a":1}',
      'application/json; charset=utf-8',
    ]);
  });

  it('drops a connection whose event grows past maxEventSize, reports it, and reconnects with the last id', async () => {
    const r = createRecorder();
    connection = connectEventStream({
      url: server.url,
      maxEventSize: 1000,
      reconnect: { initialDelayMs: 1, maxDelayMs: 5 },
      ...r.handlers,
    });
    const first = await server.nextConnection();
    await first.write('id: 7\ndata: small\n\n');
    await waitFor(() => r.events.length === 1);
    // An endless line: it never completes, and must not be buffered past the limit.
    for (let i = 0; i < 5; i++) await first.write(`data: ${'x'.repeat(400)}`);
    const second = await server.nextConnection();
    expect(second.request.headers['last-event-id']).toBe('7');
    const tooLarge = r.errors.find((e) => e instanceof EventTooLargeError) as EventTooLargeError;
    expect(tooLarge.code).toBe('EVENT_TOO_LARGE');
    expect(tooLarge.limit).toBe(1000);
    await second.write('data: after\n\n');
    await waitFor(() => r.events.length === 2);
    expect(r.events.map((e) => e.data)).toEqual(['small', 'after']);
  });
});
