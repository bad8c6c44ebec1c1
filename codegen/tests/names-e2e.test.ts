import type { RunningServer } from '@ssekit/server/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as standalone from './__generated__/names-standalone/client.ts';
import * as zod from './__generated__/names-zod/client.ts';
import { RESPONSE_EVENTS, startNamesServer } from './helpers/names-server.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startNamesServer();
});
afterAll(() => server?.close());

const expected = RESPONSE_EVENTS.map(([event, data]) => ({ event, data }));

// Event names that are not identifiers, one named like a handler option (`onError`) and one like an
// `Object.prototype` member (`constructor`): a real ssekit server over HTTP, both generated clients.
describe.each([
  ['zod', zod.createClient],
  ['standalone', standalone.createClient],
] as const)('generated %s client, any SSE event name', (_mode, createClient) => {
  const client = () => createClient({ baseUrl: server.url, reconnect: false });

  it('subscribe with the `on` map: every event reaches its handler, the option-named one included', async () => {
    const received: { event: string; data: unknown }[] = [];
    const errors: unknown[] = [];
    const push = (data: unknown, e: { event: string }) => received.push({ event: e.event, data });
    const sub = client().responses.subscribe(
      { params: { responseId: 'resp_1' } },
      {
        on: {
          'response.output_text.delta': (data, e) => {
            // typed: `delta` is a string, `index` a number
            expect(typeof data.delta.toUpperCase()).toBe('string');
            push(data, e);
          },
          'user-created': (user, e) => push({ id: user.id, name: user.name }, e),
          'a:b': (text, e) => push(text.slice(0), e),
          'thread.run.step.completed': push,
          constructor: push,
          onError: (data, e) => push({ code: data.code, message: data.message }, e),
        },
        onError: (error) => errors.push(error),
      },
    );
    await sub.done;
    expect(received).toEqual(expected);
    expect(errors).toEqual([]);
  });

  it('subscribe with top-level handlers: identifier-free names work there too; `onError` stays the error callback', async () => {
    const received: string[] = [];
    const errors: unknown[] = [];
    const sub = client().responses.subscribe(
      { params: { responseId: 'resp_2' } },
      {
        'response.output_text.delta': (data) => received.push(data.delta),
        'user-created': (user) => received.push(user.name),
        'a:b': (text) => received.push(text),
        constructor: (data) => received.push(`made ${data.made}`),
        onError: (error) => errors.push(error),
      },
    );
    await sub.done;
    expect(received).toEqual(['Hel', 'lo', 'Ada', 'colon value', 'made true']);
    // The `onError` *event* went to no handler (it is reachable only through `on`), and was not taken for an error.
    expect(errors).toEqual([]);
  });

  it('stream: a union discriminated by the exact event names', async () => {
    const received: { event: string; data: unknown }[] = [];
    for await (const ev of client().responses.stream({ params: { responseId: 'resp_3' } })) {
      if (ev.event === 'response.output_text.delta') received.push({ event: ev.event, data: { ...ev.data } });
      else received.push({ event: ev.event, data: ev.data });
    }
    expect(received).toEqual(expected);
  });

  it('validates each event by its name: bad data of `user-created` goes to onError, the stream goes on', async () => {
    const raw = createClient({ baseUrl: `${server.url}/raw`, reconnect: false });
    const users: string[] = [];
    const errors: { code: string; message: string }[] = [];
    const sub = raw.responses.subscribe(
      { params: { responseId: 'x' } },
      { on: { 'user-created': (user) => users.push(user.id) }, onError: (e) => errors.push(e) },
    );
    await sub.done;
    expect(users).toEqual(['u2']);
    expect(errors.map((e) => e.code)).toEqual(['VALIDATION']);
    expect(errors[0]?.message).toContain('user-created');
  });

  it('a broadcast hub publishes dotted event names to a subscriber', async () => {
    const received: unknown[] = [];
    const errors: unknown[] = [];
    const sub = client().runs.subscribe(
      { params: { threadId: 't1' } },
      {
        on: {
          'thread.run.created': (data) => received.push(data.runId),
          'thread.run.step.completed': (data) => {
            received.push(data.step);
            sub.close();
          },
        },
        onError: (error) => errors.push(error),
      },
    );
    await sub.done;
    expect(received).toEqual(['r1', 1]);
    expect(errors).toEqual([]);
  });
});
