import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  AbortedError,
  CallbackError,
  type ClientConfig,
  createEventDecoder,
  EventValidationError,
  HttpStatusError,
  ParseError,
  type RouteClientSpec,
  type SsekitError,
  streamRoute,
  subscribeRoute,
  type TypedEvent,
  UnknownEventError,
} from '../src/index.ts';
import { type Responder, startSseServer, type TestSseServer, waitFor } from './helpers/sse-server.ts';

let server: TestSseServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

async function serve(responder?: Responder): Promise<TestSseServer> {
  server = await startSseServer(responder);
  return server;
}

const chat: RouteClientSpec = {
  key: 'chat',
  path: '/rooms/:roomId/events',
  method: 'GET',
  decoders: {
    message: createEventDecoder({ schema: z.object({ text: z.string() }), route: 'chat' }),
    presence: createEventDecoder({ encoding: 'text', schema: z.enum(['join', 'leave']), route: 'chat' }),
  },
};

describe('subscribeRoute', () => {
  it('builds the request, decodes events and calls the handler per event name', async () => {
    const s = await serve();
    let token = 0;
    const config: ClientConfig = {
      baseUrl: `${s.url}/api/`,
      headers: () => ({ authorization: `t${++token}`, 'x-shared': 'config' }),
      reconnect: { initialDelayMs: 0 },
    };
    const received: Array<[string, unknown, string | undefined]> = [];
    const sub = subscribeRoute(
      config,
      chat,
      { params: { roomId: 'r 1' }, query: { tag: ['a', 'b'], skip: undefined }, headers: { 'x-shared': 'request' } },
      {
        message: (data: { text: string }, e) => received.push(['message', data, e.id]),
        presence: (data: string, e) => received.push(['presence', data, e.id]),
        onError: (e) => received.push(['error', e.code, undefined]),
      },
      { lastEventId: '10' },
    );
    const stream = await s.nextConnection();
    expect(stream.request.url).toBe('/api/rooms/r%201/events?tag=a&tag=b');
    expect(stream.request.headers).toMatchObject({ authorization: 't1', 'x-shared': 'request', 'last-event-id': '10' });
    await stream.write('id: 11\nevent: message\ndata: {"text":"hi"}\n\nevent: presence\ndata: join\n\n');
    await waitFor(() => received.length === 2);
    expect(received).toEqual([
      ['message', { text: 'hi' }, '11'],
      ['presence', 'join', '11'],
    ]);
    expect(sub.lastEventId).toBe('11');
    await stream.end();
    const again = await s.nextConnection();
    expect(again.request.headers).toMatchObject({ authorization: 't2', 'last-event-id': '11' });
    sub.close();
    await sub.done;
  });

  it('reports unknown events, bad JSON, invalid data and throwing handlers, and keeps streaming', async () => {
    const s = await serve();
    const errors: SsekitError[] = [];
    const texts: string[] = [];
    const sub = subscribeRoute(
      { baseUrl: s.url },
      chat,
      { params: { roomId: 'x' } },
      {
        message: (data: { text: string }) => {
          if (data.text === 'throw') throw new Error('handler bug');
          texts.push(data.text);
        },
        onError: (e) => errors.push(e),
      },
    );
    const stream = await s.nextConnection();
    await stream.write(
      [
        'event: typing\ndata: {}\n\n',
        'event: message\ndata: {oops\n\n',
        'event: message\ndata: {"text":5}\n\n',
        'event: message\ndata: {"text":"throw"}\n\n',
        'event: message\ndata: {"text":"still here"}\n\n',
      ].join(''),
    );
    await waitFor(() => texts.length === 1);
    expect(texts).toEqual(['still here']);
    expect(errors.map((e) => e.constructor)).toEqual([
      UnknownEventError,
      ParseError,
      EventValidationError,
      CallbackError,
    ]);
    expect((errors[0] as UnknownEventError).raw).toEqual({ event: 'typing', data: '{}', id: undefined });
    expect(errors[0]?.message).toMatch(/route "chat", event "typing" is not declared.*message, presence/);
    expect((errors[2] as EventValidationError).raw.data).toBe('{"text":5}');
    expect((errors[2] as EventValidationError).issues[0]?.path).toEqual(['text']);
    sub.close();
    await sub.done;
  });

  it('decodes each event with its own decoder as the names switch, unknown ones included', async () => {
    const s = await serve();
    const received: Array<[string, unknown]> = [];
    const errors: string[] = [];
    const sub = subscribeRoute(
      { baseUrl: s.url },
      chat,
      { params: { roomId: 'x' } },
      {
        message: (data: { text: string }, e) => received.push([e.event, data]),
        presence: (data: string, e) => received.push([e.event, data]),
        onError: (e) => errors.push(`${e.code} ${(e as UnknownEventError).raw.event}`),
      },
    );
    const stream = await s.nextConnection();
    await stream.write(
      [
        'event: message\ndata: {"text":"a"}\n\n',
        'event: message\ndata: {"text":"b"}\n\n',
        'event: presence\ndata: join\n\n',
        'event: typing\ndata: {}\n\n',
        'event: message\ndata: {"text":"c"}\n\n',
        'event: typing\ndata: {}\n\n',
        'event: presence\ndata: leave\n\n',
        'event: presence\ndata: {"text":"d"}\n\n',
      ].join(''),
    );
    await waitFor(() => received.length === 5 && errors.length === 3);
    expect(received).toEqual([
      ['message', { text: 'a' }],
      ['message', { text: 'b' }],
      ['presence', 'join'],
      ['message', { text: 'c' }],
      ['presence', 'leave'],
    ]);
    expect(errors).toEqual(['UNKNOWN_EVENT typing', 'UNKNOWN_EVENT typing', 'VALIDATION presence']);
    sub.close();
    await sub.done;
  });

  it('reads the event handlers once, at subscribe (`on` before top level, own properties only, later assignments ignored), lifecycle callbacks when called', async () => {
    const s = await serve();
    const received: string[] = [];
    const spec: RouteClientSpec = {
      key: 'named',
      path: '/named',
      method: 'GET',
      decoders: {
        message: createEventDecoder({ encoding: 'text' }),
        toString: createEventDecoder({ encoding: 'text' }),
        onError: createEventDecoder({ encoding: 'text' }),
      },
    };
    const handlers: { message: (data: string) => void } & Record<string, unknown> = {
      message: (data: string) => received.push(`top ${data}`),
      on: { onError: (data: string) => received.push(`on.onError ${data}`) },
      onError: (e: SsekitError) => received.push(`error ${e.code}`),
    };
    const sub = subscribeRoute({ baseUrl: s.url }, spec, {}, handlers as Parameters<typeof subscribeRoute>[3]);
    // replaced after subscribe: not seen; a lifecycle callback added after subscribe is read when called
    handlers.message = (data: string) => received.push(`replaced ${data}`);
    handlers.onClose = (info: { reason: string }) => received.push(`close ${info.reason}`);
    const stream = await s.nextConnection();
    await stream.write(
      'event: message\ndata: a\n\nevent: toString\ndata: b\n\nevent: onError\ndata: c\n\nevent: message\ndata: d\n\n',
    );
    await waitFor(() => received.length === 3);
    // toString has no own handler (Object.prototype's is never called); onError as an event goes to the `on` map only
    expect(received).toEqual(['top a', 'on.onError c', 'top d']);
    sub.close();
    await sub.done;
    expect(received).toEqual(['top a', 'on.onError c', 'top d', 'close aborted']);
  });

  it('POST routes send the JSON body with application/json', async () => {
    const s = await serve();
    const spec: RouteClientSpec = { key: 'search', path: '/search', method: 'POST', decoders: {} };
    const sub = subscribeRoute({ baseUrl: s.url }, spec, { body: { q: 'sse', n: [1, 2] } }, { onError() {} });
    const stream = await s.nextConnection();
    expect(stream.request.method).toBe('POST');
    expect(stream.request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(stream.request.body)).toEqual({ q: 'sse', n: [1, 2] });
    sub.close();
    await sub.done;
  });

  it('logs errors with console.warn when no onError is given', async () => {
    const s = await serve();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const sub = subscribeRoute({ baseUrl: s.url }, chat, { params: { roomId: 'x' } }, {});
    const stream = await s.nextConnection();
    await stream.write('event: nope\ndata: x\n\n');
    await waitFor(() => warn.mock.calls.length === 1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/UNKNOWN_EVENT/);
    sub.close();
    await sub.done;
  });

  it('passes lifecycle callbacks through', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(404);
      res.end();
      return true;
    });
    const log: string[] = [];
    const sub = subscribeRoute(
      { baseUrl: s.url },
      chat,
      { params: { roomId: 'x' } },
      { onError: (e) => log.push(`error:${e.code}`), onClose: (i) => log.push(`close:${i.reason}`) },
    );
    await sub.done;
    expect(log).toEqual(['error:HTTP_STATUS', 'close:terminal-error']);
  });
});

describe('streamRoute', () => {
  it('yields typed events and break closes the connection', async () => {
    const s = await serve();
    const iterator = streamRoute({ baseUrl: s.url }, chat, { params: { roomId: 'x' } });
    expect(s.requests).toHaveLength(0); // lazy: nothing until the first next()
    const seen: TypedEvent[] = [];
    const writer = (async () => {
      const stream = await s.nextConnection();
      await stream.write('event: message\ndata: {"text":"a"}\n\nevent: presence\ndata: leave\n\n');
      return stream;
    })();
    for await (const event of iterator) {
      seen.push(event);
      if (seen.length === 2) break;
    }
    const stream = await writer;
    expect(seen).toEqual([
      { event: 'message', data: { text: 'a' }, id: undefined },
      { event: 'presence', data: 'leave', id: undefined },
    ]);
    await waitFor(
      () => stream.response.destroyed || stream.response.socket === null || stream.response.socket.destroyed,
    );
    expect(s.requests).toHaveLength(1);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('delivers the events received before a terminal error, then throws it', async () => {
    const s = await serve((_req, res, i) => {
      if (i === 0) return undefined;
      res.writeHead(403);
      res.end();
      return true;
    });
    const errors: SsekitError[] = [];
    const iterator = streamRoute(
      { baseUrl: s.url, reconnect: { initialDelayMs: 0 } },
      chat,
      { params: { roomId: 'x' } },
      { onError: (e) => errors.push(e) },
    );
    const first = iterator.next();
    const stream = await s.nextConnection();
    await stream.write('event: message\ndata: {"text":"1"}\n\nevent: message\ndata: {"text":"2"}\n\n');
    await stream.end();
    expect((await first).value).toMatchObject({ data: { text: '1' } });
    expect((await iterator.next()).value).toMatchObject({ data: { text: '2' } });
    const failure = await iterator.next().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HttpStatusError);
    expect((failure as HttpStatusError).status).toBe(403);
    expect(errors).toEqual([]); // thrown, not also reported
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('with reconnect: false throws a broken connection once, without also reporting it', async () => {
    const s = await serve();
    const errors: SsekitError[] = [];
    const iterator = streamRoute(
      { baseUrl: s.url, reconnect: false },
      chat,
      { params: { roomId: 'x' } },
      { onError: (e) => errors.push(e) },
    );
    const first = iterator.next();
    const stream = await s.nextConnection();
    await stream.write('event: message\ndata: {"text":"1"}\n\n');
    expect((await first).value).toMatchObject({ data: { text: '1' } });
    stream.destroy();
    const failure = await iterator.next().catch((e: unknown) => e);
    expect((failure as SsekitError).code).toBe('NETWORK');
    expect(errors).toEqual([]);
    expect(s.requests).toHaveLength(1);
  });

  it('throws AbortedError when the signal aborts', async () => {
    const s = await serve();
    const controller = new AbortController();
    const iterator = streamRoute({ baseUrl: s.url }, chat, { params: { roomId: 'x' } }, { signal: controller.signal });
    const pending = iterator.next();
    await s.nextConnection();
    controller.abort(new Error('user left'));
    const failure = await pending.catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AbortedError);
    expect((failure as AbortedError).cause).toEqual(new Error('user left'));
  });

  it('ends on 204', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
      return true;
    });
    const seen: TypedEvent[] = [];
    for await (const event of streamRoute({ baseUrl: s.url }, chat, { params: { roomId: 'x' } })) seen.push(event);
    expect(seen).toEqual([]);
    expect(s.requests).toHaveLength(1);
  });

  it('reports decode errors to onError and goes on', async () => {
    const s = await serve();
    const errors: SsekitError[] = [];
    const iterator = streamRoute(
      { baseUrl: s.url },
      chat,
      { params: { roomId: 'x' } },
      { onError: (e) => errors.push(e) },
    );
    const next = iterator.next();
    const stream = await s.nextConnection();
    await stream.write('event: presence\ndata: dance\n\nevent: presence\ndata: join\n\n');
    expect((await next).value).toEqual({ event: 'presence', data: 'join', id: undefined });
    expect(errors.map((e) => e.code)).toEqual(['VALIDATION']);
    await iterator.return?.();
  });
});
