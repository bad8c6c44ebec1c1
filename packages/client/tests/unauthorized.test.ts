import { afterEach, describe, expect, it } from 'vitest';
import {
  CallbackError,
  type CloseInfo,
  connectEventStream,
  type EventStreamOptions,
  HttpStatusError,
  type RawSseEvent,
  type SsekitError,
} from '../src/index.ts';
import { type Responder, startSseServer, type TestSseServer, waitFor } from './helpers/sse-server.ts';

let server: TestSseServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Answers 401 to every request whose `authorization` is not in `valid`. */
const requireToken =
  (valid: Set<string>): Responder =>
  (request, response) => {
    if (valid.has(String(request.headers.authorization))) return undefined;
    response.writeHead(401, { 'content-type': 'application/problem+json' }).end('{"status":401}');
    return true;
  };

function connect(s: TestSseServer, options: Partial<EventStreamOptions>) {
  const events: RawSseEvent[] = [];
  const errors: SsekitError[] = [];
  const retries: number[] = [];
  let closed: CloseInfo | undefined;
  const connection = connectEventStream({
    url: s.url,
    reconnect: { initialDelayMs: 10 },
    onEvent: (e) => events.push(e),
    onError: (e) => errors.push(e),
    onRetry: (info) => retries.push(info.attempt),
    onClose: (info) => {
      closed = info;
    },
    ...options,
  });
  return {
    connection,
    events,
    errors,
    retries,
    get closed() {
      return closed;
    },
  };
}

describe('connectEventStream onUnauthorized', () => {
  it('awaits the refresh on a 401 and reconnects at once with the new headers and the same Last-Event-ID', async () => {
    const valid = new Set<string>();
    server = await startSseServer(requireToken(valid));
    let token = 'old';
    const c = connect(server, {
      lastEventId: '41',
      headers: () => ({ authorization: token }),
      onUnauthorized: async (error) => {
        expect(error).toBeInstanceOf(HttpStatusError);
        await new Promise((resolve) => setTimeout(resolve, 20));
        token = 'new';
        valid.add('new');
      },
    });
    const stream = await server.nextConnection();
    await stream.write('id: 42\ndata: hi\n\n');
    await waitFor(() => c.events.length === 1);
    expect(server.requests.map((r) => [r.headers.authorization, r.headers['last-event-id']])).toEqual([
      ['old', '41'],
      ['new', '41'],
    ]);
    expect(c.errors).toEqual([]);
    expect(c.retries).toEqual([]); // no backoff wait
    c.connection.close();
    await c.connection.done;
  });

  it('refreshes again after events arrived; a 401 right after a refresh is terminal', async () => {
    const valid = new Set(['t1']);
    server = await startSseServer(requireToken(valid));
    let token = 't1';
    let refreshes = 0;
    const c = connect(server, {
      headers: () => ({ authorization: token }),
      onUnauthorized: () => {
        refreshes++;
        token = `t${refreshes + 1}`;
        if (refreshes === 1) valid.add(token); // the first refresh works, the second does not
      },
    });
    const first = await server.nextConnection();
    await first.write('id: 1\ndata: a\n\n');
    await waitFor(() => c.events.length === 1);
    valid.delete('t1');
    await first.end();
    const second = await server.nextConnection(); // after one 401 and a refresh to t2
    await second.write('id: 2\ndata: b\n\n');
    await waitFor(() => c.events.length === 2);
    valid.delete('t2');
    await second.end();
    await waitFor(() => c.closed !== undefined, 5000, 'the close');
    expect(refreshes).toBe(2);
    expect(c.closed?.reason).toBe('terminal-error');
    expect(c.closed?.error).toMatchObject({ code: 'HTTP_STATUS', status: 401 });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['t1', 't1', 't2', 't2', 't3']);
  });

  it('an onUnauthorized that throws is reported as a CallbackError and the 401 is terminal', async () => {
    server = await startSseServer(requireToken(new Set()));
    const c = connect(server, {
      onUnauthorized: () => {
        throw new Error('refresh endpoint down');
      },
    });
    await waitFor(() => c.closed !== undefined, 5000, 'the close');
    expect(c.errors[0]).toBeInstanceOf(CallbackError);
    expect(c.errors[0]).toMatchObject({ callback: 'onUnauthorized' });
    expect(c.closed?.error).toMatchObject({ code: 'HTTP_STATUS', status: 401 });
    expect(server.requests).toHaveLength(1);
  });

  it('without onUnauthorized a 401 is terminal at once; close() during a refresh stops everything', async () => {
    server = await startSseServer(requireToken(new Set()));
    const plain = connect(server, {});
    await waitFor(() => plain.closed !== undefined, 5000, 'the close');
    expect(plain.closed?.reason).toBe('terminal-error');
    expect(server.requests).toHaveLength(1);

    let release = () => {};
    const pending = connect(server, {
      onUnauthorized: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    });
    await waitFor(() => server?.requests.length === 2, 5000, 'the second request');
    await new Promise((resolve) => setTimeout(resolve, 20));
    pending.connection.close();
    await pending.connection.done;
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pending.closed?.reason).toBe('aborted');
    expect(server.requests).toHaveLength(2);
  });
});
