import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CAPABILITIES, type ConformanceService, startConformanceService } from '../conformance/service.ts';
import { type Responder, startSseServer, type TestSseServer, waitFor } from './helpers/sse-server.ts';

interface Callback {
  path: string;
  body: { kind: string; event?: { type: string; data: string; id?: string }; comment?: string };
}

/** The harness side: records callback POSTs; optionally slows its answers to expose concurrency. */
async function startCallbackServer(delayMs = 0) {
  const received: Callback[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      setTimeout(() => {
        inFlight--;
        res.writeHead(202).end();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/endpoints/7`,
    received,
    maxInFlight: () => maxInFlight,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let service: ConformanceService;
let exits = 0;
let sse: TestSseServer | undefined;
let callbacks: Awaited<ReturnType<typeof startCallbackServer>>;

beforeEach(async () => {
  exits = 0;
  service = await startConformanceService({ port: 0, host: '127.0.0.1', onExit: () => exits++ });
  callbacks = await startCallbackServer();
});
afterEach(async () => {
  await service.close();
  await callbacks.close();
  await sse?.close();
  sse = undefined;
});

async function createStream(params: Record<string, unknown>): Promise<Response> {
  return fetch(service.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
}

async function startStream(extra: Record<string, unknown> = {}, responder?: Responder): Promise<{ location: string }> {
  sse = await startSseServer(responder);
  const response = await createStream({
    streamUrl: `${sse.url}/stream`,
    callbackUrl: callbacks.url,
    tag: 't',
    ...extra,
  });
  expect(response.status).toBe(201);
  const location = response.headers.get('location');
  expect(location).toMatch(/\/streams\/\d+$/);
  return { location: location ?? '' };
}

describe('conformance test service', () => {
  it('GET / lists every capability', async () => {
    const response = await fetch(service.url);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { capabilities: string[] };
    for (const capability of [
      'bom',
      'comments',
      'headers',
      'last-event-id',
      'post',
      'report',
      'read-timeout',
      'restart',
      'server-directed-shutdown-request',
    ]) {
      expect(body.capabilities).toContain(capability);
    }
    expect(body.capabilities).toEqual([...CAPABILITIES]);
  });

  it('rejects bad create requests with 400', async () => {
    const bad: unknown[] = [
      {},
      { streamUrl: 'http://127.0.0.1:1/' },
      { streamUrl: 'not a url', callbackUrl: 'http://127.0.0.1:1/' },
      { streamUrl: 'http://127.0.0.1:1/', callbackUrl: 'http://127.0.0.1:1/', initialDelayMs: 'soon' },
      { streamUrl: 'http://127.0.0.1:1/', callbackUrl: 'http://127.0.0.1:1/', headers: { a: 1 } },
      { streamUrl: 'http://127.0.0.1:1/', callbackUrl: 'http://127.0.0.1:1/', method: 'GET /x' },
      [1, 2],
    ];
    for (const body of bad) expect((await createStream(body as Record<string, unknown>)).status).toBe(400);
    const notJson = await fetch(service.url, { method: 'POST', body: '{nope' });
    expect(notJson.status).toBe(400);
  });

  it('reports events, comments and errors to numbered callbacks, in order', async () => {
    await startStream({ headers: { 'x-custom': 'v1' }, initialDelayMs: 0 });
    const stream = await sse!.nextConnection();
    expect(stream.request.headers).toMatchObject({
      'x-custom': 'v1',
      accept: 'text/event-stream',
      'cache-control': 'no-cache',
    });
    await stream.write(':hello\nevent: greeting\nid: abc\ndata: Hello\n\ndata: second\n\n');
    await waitFor(() => callbacks.received.length === 3);
    stream.destroy();
    await waitFor(() => callbacks.received.length === 4);
    expect(callbacks.received).toEqual([
      { path: '/endpoints/7/1', body: { kind: 'comment', comment: 'hello' } },
      { path: '/endpoints/7/2', body: { kind: 'event', event: { type: 'greeting', data: 'Hello', id: 'abc' } } },
      { path: '/endpoints/7/3', body: { kind: 'event', event: { type: 'message', data: 'second', id: 'abc' } } },
      {
        path: '/endpoints/7/4',
        body: expect.objectContaining({ kind: 'error', comment: expect.stringMatching(/.+/) }),
      },
    ]);
    const again = await sse!.nextConnection();
    expect(again.request.headers['last-event-id']).toBe('abc');
  });

  it('posts one callback at a time even when the harness answers slowly', async () => {
    await callbacks.close();
    callbacks = await startCallbackServer(15);
    await startStream();
    const stream = await sse!.nextConnection();
    await stream.write(Array.from({ length: 10 }, (_, i) => `data: m${i}\n\n`).join(''));
    await waitFor(() => callbacks.received.length === 10);
    expect(callbacks.maxInFlight()).toBe(1);
    expect(callbacks.received.map((c) => c.path)).toEqual(
      Array.from({ length: 10 }, (_, i) => `/endpoints/7/${i + 1}`),
    );
    expect(callbacks.received.map((c) => c.body.event?.data)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  });

  it('sends method, body, content type and initial Last-Event-ID', async () => {
    await startStream({
      method: 'REPORT',
      body: '{"hello": "world"}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      lastEventId: 'start',
    });
    const stream = await sse!.nextConnection();
    expect(stream.request.method).toBe('REPORT');
    expect(stream.request.body).toBe('{"hello": "world"}');
    expect(stream.request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(stream.request.headers['last-event-id']).toBe('start');
  });

  it('defaults a POST body to text/plain', async () => {
    await startStream({ method: 'POST', body: 'hi' });
    const stream = await sse!.nextConnection();
    expect(stream.request.headers['content-type']).toBe('text/plain;charset=UTF-8');
  });

  it('restart reconnects at once with Last-Event-ID and reports no error', async () => {
    const { location } = await startStream({ initialDelayMs: 60_000 });
    const first = await sse!.nextConnection();
    await first.write('id: 5\ndata: Hello\n\n');
    await waitFor(() => callbacks.received.length === 1);
    const response = await fetch(location, { method: 'POST', body: JSON.stringify({ command: 'restart' }) });
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    const second = await sse!.nextConnection();
    expect(second.request.headers['last-event-id']).toBe('5');
    await second.write('data: Thanks\n\n');
    await waitFor(() => callbacks.received.length === 2);
    expect(callbacks.received.map((c) => c.body.kind)).toEqual(['event', 'event']);
  });

  it('reports a read timeout as an error after the event, then reconnects', async () => {
    await startStream({ initialDelayMs: 0, readTimeoutMs: 200 });
    const first = await sse!.nextConnection();
    await first.write('data: Hello\n\n');
    await sse!.nextConnection();
    await waitFor(() => callbacks.received.length >= 2);
    expect(callbacks.received.map((c) => c.body.kind).slice(0, 2)).toEqual(['event', 'error']);
    expect(callbacks.received[1]?.body.comment).toMatch(/no data received for 200 ms/);
  });

  it('a 204 stops reconnection for good', async () => {
    const { location } = await startStream({ initialDelayMs: 0 }, (_req, res) => {
      res.writeHead(204).end();
      return true;
    });
    await service.instance(location)?.connection.done;
    expect(sse!.requests).toHaveLength(1);
  });

  it('answers 400 for an unknown command, 2xx for listen, 404 for an unknown instance, and deletes instances', async () => {
    const { location } = await startStream();
    await sse!.nextConnection();
    const command = (url: string, body: unknown) => fetch(url, { method: 'POST', body: JSON.stringify(body) });
    expect((await command(location, { command: 'dance' })).status).toBe(400);
    expect((await command(location, { command: 'listen', listen: { type: 'greeting' } })).status).toBe(204);
    expect((await command(`${service.url}/streams/999`, { command: 'restart' })).status).toBe(404);
    expect((await fetch(location, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(location, { method: 'DELETE' })).status).toBe(404);
    expect((await command(location, { command: 'restart' })).status).toBe(404);
  });

  it('DELETE / stops the service', async () => {
    const response = await fetch(service.url, { method: 'DELETE' });
    expect(response.status).toBe(204);
    await waitFor(() => exits === 1);
  });
});

describe('conformance service CLI', () => {
  it('starts with --port, answers GET / and exits on DELETE /', async () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
    const child = spawn(tsx, ['--conditions=@ssekit/source', 'packages/client/conformance/service.ts', '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      await waitFor(() => /listening on (http:\S+)/.test(output), 45_000, 'the service to start');
      const url = /listening on (http:\S+)/.exec(output)?.[1] ?? '';
      const status = (await (await fetch(url)).json()) as { capabilities: string[] };
      expect(status.capabilities).toContain('restart');
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      expect((await fetch(url, { method: 'DELETE' })).status).toBe(204);
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill();
    }
  }, 60_000);
});
