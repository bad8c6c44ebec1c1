import { AssertionError } from 'node:assert';
import { EventValidationError, ParseError, UnknownEventError } from '@ssekit/client';
import { defineContract } from '@ssekit/contract';
import {
  ContractValidationError,
  createRouter,
  HandlerError,
  HttpError,
  InvalidLastEventIdError,
  implement,
  StreamClosedError,
} from '@ssekit/server';
import { createFetchHandler } from '@ssekit/server/fetch';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { TestStreamError } from './errors.js';
import { expectEvents } from './expect.js';
import { testRoute } from './test-route.js';

const StreamError = z.object({ code: z.string(), message: z.string() });

const contract = defineContract({
  greetings: {
    path: '/greetings/:name',
    params: z.object({ name: z.string().min(1).max(8) }),
    query: z.object({ count: z.coerce.number().int().min(1).max(10).default(2) }),
    events: { greeting: z.object({ text: z.string(), n: z.number().int() }), error: StreamError },
    errorEvent: 'error',
  },
  ticks: {
    path: '/ticks',
    events: { tick: z.number().int(), note: z.string() },
  },
  posts: {
    path: '/posts',
    method: 'POST',
    headers: z.object({ authorization: z.string().startsWith('Bearer ') }),
    body: z.object({ text: z.string().min(1) }),
    events: { echo: z.object({ text: z.string(), auth: z.string(), lastEventId: z.string().optional() }) },
  },
  dates: {
    path: '/dates',
    events: { at: z.iso.datetime().transform((s) => new Date(s)) },
  },
});

type Hooks = { onClosed?: (reason: unknown) => void; release?: Promise<void> };

function createApp(hooks: Hooks = {}, reported: unknown[] = []) {
  const router = implement(
    contract,
    {
      greetings: {
        beforeStream: ({ params }) => {
          if (params.name === 'Mallory') throw new HttpError(403);
        },
        handler: async (session) => {
          const { name } = session.params;
          if (name === 'Boom') throw new Error('database down');
          if (name === 'Bad') {
            // A payload the schema rejects: send throws, the router reports it and sends the error event.
            await session.send('greeting', { text: 'x', n: 1.5 });
          }
          for (let n = 1; n <= session.query.count; n++) {
            await session.send('greeting', { text: `Hello, ${name}!`, n }, { id: String(n) });
          }
        },
      },
      ticks: async (session) => {
        session.signal.addEventListener('abort', () => hooks.onClosed?.(session.signal.reason));
        await session.send({ event: 'tick', data: 1, retry: 2500 });
        await session.comment('hello');
        await session.send('note', 'second line\nthird line');
        await hooks.release;
        for (let i = 2; i < 1000 && !session.closed; i++) await session.send('tick', i);
      },
      posts: async (session) => {
        await session.send('echo', {
          text: session.body.text,
          auth: session.headers.authorization,
          ...(session.lastEventId === undefined ? {} : { lastEventId: session.lastEventId }),
        });
      },
      dates: async (session) => {
        await session.send('at', '2026-01-02T03:04:05.000Z');
      },
    },
    { heartbeat: false, onError: (error) => reported.push(error) },
  );
  router.sse('/raw', async (session) => {
    await session.send({ event: 'hello', data: 'Hello from a raw route', id: '1' });
  });
  return router;
}

describe('testRoute on a router', () => {
  it('builds the request a client sends and reads typed, validated events with their ids', async () => {
    const stream = await testRoute(createApp(), contract.greetings, { params: { name: 'Ada' }, query: { count: 2 } });
    expect(stream.ok).toBe(true);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const first = await stream.next();
    expect(first).toEqual({ event: 'greeting', data: { text: 'Hello, Ada!', n: 1 }, id: '1' });
    await stream.expectEvents([{ event: 'greeting', data: { text: 'Hello, Ada!', n: 2 }, id: '2' }]);
    expect(stream.lastEventId).toBe('2');
    await stream.expectEnd();
    expect(stream.ended).toBe(true);
    expect(stream.errors).toEqual([]);
  });

  it('fills and percent-encodes path params like the generated client', async () => {
    const stream = await testRoute(createApp(), contract.greetings, { params: { name: 'a b/é' }, query: { count: 1 } });
    await stream.expectEvents([{ event: 'greeting', data: { text: 'Hello, a b/é!', n: 1 } }]);
  });

  it('decodes data with the schema output (transforms apply), keeps text events verbatim, reports retry', async () => {
    const dates = await testRoute(createApp(), contract.dates);
    const at = await dates.next();
    expect(at.event).toBe('at');
    expect(at.data).toEqual(new Date('2026-01-02T03:04:05.000Z'));

    const ticks = await testRoute(createApp({ release: new Promise(() => {}) }), contract.ticks);
    expect(await ticks.take(2)).toEqual([
      { event: 'tick', data: 1, retry: 2500 },
      { event: 'note', data: 'second line\nthird line' },
    ]);
    expect(ticks.comments).toEqual(['hello']);
    await ticks.close();
  });

  it('sends the JSON body, headers and Last-Event-ID of a POST route', async () => {
    const stream = await testRoute(createApp(), contract.posts, {
      body: { text: 'hi' },
      headers: { authorization: 'Bearer t0ken' },
      lastEventId: '41',
    });
    await stream.expectEvents([{ event: 'echo', data: { text: 'hi', auth: 'Bearer t0ken', lastEventId: '41' } }]);
  });

  it('drives a fetch app (middleware first), e.g. a Hono app', async () => {
    const sse = createFetchHandler(createApp());
    const app = {
      fetch: (request: Request) =>
        request.headers.get('authorization') === 'Bearer ok' ? sse(request) : new Response('no', { status: 401 }),
    };
    const refused = await testRoute(app, contract.greetings, { params: { name: 'Ada' } });
    expect(refused.status).toBe(401);
    expect(refused.problem).toBe('no');
    const stream = await testRoute(app, contract.greetings, {
      params: { name: 'Ada' },
      query: { count: 1 },
      headers: { authorization: 'Bearer ok' },
    });
    await stream.expectEvents([{ event: 'greeting', data: { text: 'Hello, Ada!', n: 1 }, id: '1' }]);
    // The app's router reports to its own onError only.
    expect(stream.errors).toEqual([]);
    expect(await (await testRoute(app, '/raw', { headers: { authorization: 'Bearer ok' } })).rest()).toHaveLength(1);
  });

  it('reads a raw route by path, its data as text', async () => {
    const stream = await testRoute(createApp(), '/raw');
    expect(await stream.rest()).toEqual([{ event: 'hello', data: 'Hello from a raw route', id: '1' }]);
  });
});

describe('failures are results, not unhandled rejections', () => {
  it('a request the contract rejects is a 400 with the problem body; reading it throws TestStreamError(refused)', async () => {
    const stream = await testRoute(createApp(), contract.greetings, { params: { name: 'Ada' }, query: { count: 0 } });
    expect(stream.ok).toBe(false);
    expect(stream.status).toBe(400);
    expect(stream.problem).toMatchObject({ errors: [{ in: 'query', path: 'count' }] });
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TestStreamError);
    expect(error).toMatchObject({ code: 'TEST_STREAM', reason: 'refused' });
    expect(String((error as Error).message)).toMatch(/answered 400/);

    const body = await testRoute(createApp(), contract.posts, {
      body: { text: '' },
      headers: { authorization: 'Basic x' },
    });
    expect(body.status).toBe(400);
    expect(body.problem).toMatchObject({
      errors: expect.arrayContaining([
        expect.objectContaining({ in: 'headers' }),
        expect.objectContaining({ in: 'body' }),
      ]),
    });
  });

  it('a beforeStream HttpError answers with its status', async () => {
    const stream = await testRoute(createApp(), contract.greetings, { params: { name: 'Mallory' } });
    expect(stream.status).toBe(403);
    expect(stream.ok).toBe(false);
  });

  it('a handler that throws: the error event in the stream, the HandlerError in stream.errors', async () => {
    const reported: unknown[] = [];
    const stream = await testRoute(createApp({}, reported), contract.greetings, { params: { name: 'Boom' } });
    await stream.expectEvents([{ event: 'error', data: { code: 'INTERNAL_ERROR', message: 'Internal server error' } }]);
    await stream.expectEnd();
    expect(stream.errors).toHaveLength(1);
    expect(stream.errors[0]).toBeInstanceOf(HandlerError);
    expect((stream.errors[0] as HandlerError).cause).toEqual(new Error('database down'));
    // The router's own onError got it too.
    expect(reported).toEqual(stream.errors);
  });

  it('an event payload the schema rejects: ContractValidationError reported, nothing written, the error event sent', async () => {
    const stream = await testRoute(createApp(), contract.greetings, { params: { name: 'Bad' } });
    expect(await stream.rest()).toEqual([
      { event: 'error', data: { code: 'INTERNAL_ERROR', message: 'Internal server error' } },
    ]);
    expect((stream.errors[0] as HandlerError).cause).toBeInstanceOf(ContractValidationError);
  });

  it('a refused Last-Event-ID is reported in stream.errors and treated as absent', async () => {
    const stream = await testRoute(createApp(), contract.posts, {
      body: { text: 'hi' },
      headers: { authorization: 'Bearer t' },
      lastEventId: 'x'.repeat(2000),
    });
    await stream.expectEvents([{ event: 'echo', data: { text: 'hi', auth: 'Bearer t' } }]);
    expect(stream.errors).toEqual([expect.any(InvalidLastEventIdError)]);
  });

  it('an event a client would reject makes next() reject with the client error, and the stream goes on', async () => {
    // A server whose serializer breaks the contract for some values: what the client sees is what the test sees.
    const router = implement(
      contract,
      {
        greetings: {
          serialize: (value) => ((value as { n?: number }).n === 1 ? '{"text":"x","n":"one"}' : JSON.stringify(value)),
          handler: async (session) => {
            await session.send('greeting', { text: 'x', n: 1 });
            await session.send('greeting', { text: 'y', n: 2 });
          },
        },
        ticks: {
          serialize: () => 'not json',
          handler: async (session) => {
            await session.send('tick', 1);
          },
        },
        posts: () => {},
        dates: () => {},
      },
      { heartbeat: false },
    );
    router.sse('/undeclared', async (session) => {
      await session.send({ event: 'surprise', data: 'x' });
    });
    const stream = await testRoute(router, contract.greetings, { params: { name: 'Ada' } });
    const invalid = await stream.next().catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(EventValidationError);
    await stream.expectEvents([{ event: 'greeting', data: { text: 'y', n: 2 } }]);

    const unparsable = await testRoute(router, contract.ticks);
    expect(await unparsable.next().catch((e: unknown) => e)).toBeInstanceOf(ParseError);
  });

  it('a stream the server cuts (slow consumer) fails reads with TestStreamError(destroyed)', async () => {
    const stream = await testRoute(
      { maxQueueBytes: 64, handler: (session) => session.send('note', 'x'.repeat(1000)) },
      contract.ticks,
    );
    const error = await stream.next().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TEST_STREAM', reason: 'destroyed' });
    expect((error as Error).cause).toMatchObject({ code: 'SINK_DESTROYED' });
  });

  it('an event name the route does not declare is an UnknownEventError', async () => {
    const router = implement(
      defineContract({ ticks: contract.ticks }),
      {
        ticks: async (session) => {
          await session.send({ event: 'tick', data: 1 });
        },
      },
      { heartbeat: false },
    );
    router.sse('/other', () => {});
    // The same route definition with fewer events than the server sends: the client's view of an undeclared event.
    const narrow = defineContract({ ticks: { path: '/ticks', events: { note: z.string() } } });
    const stream = await testRoute(router, narrow.ticks);
    expect(await stream.next().catch((e: unknown) => e)).toBeInstanceOf(UnknownEventError);
  });
});

describe('reading and asserting', () => {
  it('expectEvents compares only the fields given, and throws an AssertionError with a diff on a mismatch', async () => {
    const stream = await testRoute(createApp(), contract.greetings, { params: { name: 'Ada' }, query: { count: 3 } });
    await stream.expectEvents([{ event: 'greeting' }]);
    const error = await stream
      .expectEvents([{ event: 'greeting', data: { text: 'Hello, Bob!', n: 2 }, id: '2' }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssertionError);
    expect((error as Error).message).toMatch(/Hello, Bob!/);
    expect((error as Error).message).toMatch(/Hello, Ada!/);
    // The standalone form reads from any stream.
    await expectEvents(stream, [{ event: 'greeting', data: { text: 'Hello, Ada!', n: 3 }, id: '3' }]);
  });

  it('waits in real time: a silent stream times out with TestStreamError(timeout); an ended one fails with ended', async () => {
    const stream = await testRoute(createApp({ release: new Promise(() => {}) }), contract.ticks);
    await stream.take(2);
    const timeout = await stream.next({ timeoutMs: 30 }).catch((e: unknown) => e);
    expect(timeout).toMatchObject({ code: 'TEST_STREAM', reason: 'timeout' });
    expect(String((timeout as Error).message)).toMatch(/2 event\(s\) received/);
    await stream.close();

    const short = await testRoute(createApp(), contract.greetings, { params: { name: 'Ada' }, query: { count: 1 } });
    const ended = await short.take(2).catch((e: unknown) => e);
    expect(ended).toMatchObject({ code: 'TEST_STREAM', reason: 'ended' });
    const extra = await testRoute(createApp(), contract.greetings, { params: { name: 'Ada' }, query: { count: 1 } });
    expect(await extra.expectEnd().catch((e: unknown) => e)).toMatchObject({ reason: 'ended' });
  });

  it('close() leaves like a client: the session signal aborts and send throws StreamClosedError', async () => {
    let closedWith: unknown;
    const stream = await testRoute(
      createApp({ onClosed: (reason) => (closedWith = reason), release: Promise.resolve() }),
      contract.ticks,
    );
    await stream.take(3);
    await stream.close();
    expect(closedWith).toBeInstanceOf(StreamClosedError);
    expect(stream.ended).toBe(true);
  });

  it('iterates with for await; leaving the loop closes the stream', async () => {
    let closed = false;
    const stream = await testRoute(
      createApp({ onClosed: () => (closed = true), release: Promise.resolve() }),
      contract.ticks,
    );
    const seen: unknown[] = [];
    for await (const event of stream) {
      if (event.event === 'tick') seen.push(event.data);
      if (seen.length === 4) break;
    }
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(closed).toBe(true);
  });

  it('drives one route implementation without a router of your own', async () => {
    const stream = await testRoute(
      async (session) => {
        await session.send('greeting', { text: `Hi ${session.params.name}`, n: session.query.count });
      },
      contract.greetings,
      { params: { name: 'Ada' } },
    );
    await stream.expectEvents([{ event: 'greeting', data: { text: 'Hi Ada', n: 2 } }]);
    await stream.expectEnd();
  });
});

describe('heartbeats under fake timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('vi.useFakeTimers() before testRoute; advancing the clock sends the heartbeat comment', async () => {
    vi.useFakeTimers();
    const router = implement(
      defineContract({ ticks: contract.ticks }),
      { ticks: { heartbeat: { periodMs: 10_000 }, handler: (session) => session.done } },
      { onError: () => {} },
    );
    const stream = await testRoute(router, contract.ticks);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(stream.comments).toEqual([]);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(await stream.nextComment()).toBe('heartbeat');
    await vi.advanceTimersByTimeAsync(12_500);
    expect(stream.comments).toEqual(['heartbeat', 'heartbeat']);
    await stream.close();
  });
});

describe('testRoute with any SSE event name', () => {
  const names = defineContract({
    feed: {
      path: '/feed',
      events: { 'user-created': z.object({ id: z.string() }), constructor: z.object({ made: z.boolean() }) },
    },
  });
  // A raw route at the same path: it writes whatever the test needs, undeclared names included.
  const app = () => {
    const router = createRouter({ heartbeat: false });
    router.sse('/feed', async (session) => {
      await session.send({ event: 'user-created', data: '{"id":"u1"}' });
      await session.send({ event: 'toString', data: '{}' });
      await session.send({ event: 'constructor', data: '{"made":true}' });
    });
    return router;
  };

  it('decodes dashed and Object.prototype names by their own decoders; an undeclared `toString` is unknown', async () => {
    const stream = await testRoute(app(), names.feed);
    expect(await stream.next()).toEqual({ event: 'user-created', data: { id: 'u1' } });
    expect(await stream.next().catch((e: unknown) => e)).toBeInstanceOf(UnknownEventError);
    expect(await stream.next()).toEqual({ event: 'constructor', data: { made: true } });
  });
});
