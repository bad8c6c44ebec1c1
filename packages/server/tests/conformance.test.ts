import { isSsekitError } from '@ssekit/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlowConsumerError } from '../src/index.ts';
import { adapters } from './conformance/adapters.ts';
import {
  ContractValidationError,
  createConformanceRouter,
  FieldInjectionError,
  FLOOD_CHUNK,
  type Observations,
  QUEUE_LIMIT,
} from './conformance/fixture.ts';
import { parseEvents, type RawResponse, rawRequest, waitFor } from './conformance/http-client.ts';

const SEED_EVENTS = Array.from({ length: 100 }, (_, i) => `data: event ${i}\n\n`).join('');
const SEED_JSON =
  'event: customer\ndata: {"id":0,"firstName":"Jet","lastName":"Brains"}\n\n' +
  'event: product\ndata: {"id":0,"prices":[100,200]}\n\n';

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe.each(adapters)('adapter conformance: $name', (adapter) => {
  let url: string;
  let close: () => Promise<void>;
  let seen: Observations;
  let router: ReturnType<typeof createConformanceRouter>['router'];
  const get = (path: string, init: Parameters<typeof rawRequest>[1] = {}): Promise<RawResponse> =>
    rawRequest(url + path, { protocol: adapter.protocol, insecure: adapter.tls ?? false, ...init });
  const json = async (res: RawResponse) => JSON.parse(await res.text());

  beforeAll(async () => {
    ({ router, seen } = createConformanceRouter());
    ({ url, close } = await adapter.start(router));
  });
  afterAll(async () => {
    await close();
  });

  it('serves the seed routes byte for byte', async () => {
    const events = await get('/events');
    expect(events.status).toBe(200);
    expect(await events.text()).toBe(SEED_EVENTS);
    const customerAndProduct = await get('/json');
    expect(await customerAndProduct.text()).toBe(SEED_JSON);
  });

  it('sends the SSE headers, and no Connection header on HTTP/2', async () => {
    const res = await get('/events');
    await res.text();
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache, no-transform');
    expect(res.headers['x-accel-buffering']).toBe('no');
    if (adapter.protocol === 'h2') expect(res.headers.connection).toBeUndefined();
  });

  it('flushes the headers before the first event', async () => {
    const res = await get('/hold');
    expect(res.status).toBe(200);
    res.abort();
  });

  it('validates params, query and headers before any byte, naming the fields (400)', async () => {
    const bad = await get('/greet/a?count=9', { headers: { 'x-tenant': 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toBe('application/problem+json');
    const problem = await json(bad);
    expect(problem).toMatchObject({ status: 400, title: 'Bad Request' });
    const fields = problem.errors.map((e: { in: string; path: string }) => `${e.in}:${e.path}`).sort();
    expect(fields).toEqual(['headers:x-tenant', 'params:name', 'query:count']);

    const good = await get('/greet/ada?count=2', { headers: { 'x-tenant': 't-7' } });
    const { events } = parseEvents(await good.text());
    expect(events.map((e) => JSON.parse(e.data))).toEqual([
      { text: 'hi ada from t-7', n: 1 },
      { text: 'hi ada from t-7', n: 2 },
    ]);
  });

  it('decodes percent-encoded params and rejects malformed ones', async () => {
    const ok = await get('/greet/a%20b?count=1', { headers: { 'x-tenant': 't-1' } });
    expect(parseEvents(await ok.text()).events[0]?.data).toContain('hi a b from t-1');
    const bad = await get('/greet/%E0%A4%A?count=1', { headers: { 'x-tenant': 't-1' } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors[0]).toMatchObject({ in: 'params', path: 'name' });
  });

  it('validates POST bodies (400 for bad JSON or shape, 415 for other media types)', async () => {
    const headers = { 'content-type': 'application/json' };
    const ok = await get('/orders', { method: 'POST', headers, body: JSON.stringify({ item: 'tea', qty: 2 }) });
    expect(parseEvents(await ok.text()).events).toEqual([
      { event: 'accepted', data: '{"item":"tea","qty":2}', id: undefined },
    ]);
    const shape = await get('/orders', { method: 'POST', headers, body: JSON.stringify({ item: 'tea', qty: 0 }) });
    expect(shape.status).toBe(400);
    expect((await json(shape)).errors).toEqual([expect.objectContaining({ in: 'body', path: 'qty' })]);
    const broken = await get('/orders', { method: 'POST', headers, body: '{"item":' });
    expect(broken.status).toBe(400);
    expect((await json(broken)).errors[0]).toMatchObject({ in: 'body', message: 'invalid JSON' });
    const text = await get('/orders', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(text.status).toBe(415);
    await text.text();
  });

  it('answers 404 for unknown paths and 405 (with Allow) for wrong methods', async () => {
    const missing = await get('/nowhere');
    expect(missing.status).toBe(404);
    expect((await json(missing)).status).toBe(404);
    const wrong = await get('/events', { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET');
    await wrong.text();
  });

  it('lets a handler reject before the stream: any 4xx, or 204 to stop reconnection', async () => {
    const unauthorized = await get('/gate/401');
    expect(unauthorized.status).toBe(401);
    expect(await json(unauthorized)).toMatchObject({ status: 401, detail: 'gate says 401' });
    const gone = await get('/gate/204');
    expect(gone.status).toBe(204);
    expect(await gone.text()).toBe('');
    const open = await get('/gate/200');
    expect(parseEvents(await open.text()).events[0]?.data).toBe('through');
  });

  it('rejects CR/LF/NUL in id and bad retry values, and splits multi-line data so nothing is injected', async () => {
    const before = seen.caught.length;
    const res = await get('/hostile');
    const body = await res.text();
    const caught = seen.caught.slice(before);
    expect(caught).toHaveLength(5);
    for (const error of caught) {
      expect(error).toBeInstanceOf(FieldInjectionError);
      expect((error as FieldInjectionError).code).toBe('FIELD_INJECTION');
    }
    const { events, comments } = parseEvents(body);
    expect(events).toEqual([
      { event: undefined, data: 'line1\nevent: pwned\ndata: more\nid: 666\n\nlast', id: undefined },
      { event: 'note', data: '{"text":"a\\nb\\r\\nc"}', id: 'ok-1' },
    ]);
    expect(body).not.toMatch(/^event: pwned/m);
    expect(comments).toEqual(['two', 'lines']);
    expect(body).toContain('retry: 2500\n');
  });

  it('throws a typed validation error at send, writes nothing, and keeps the stream usable', async () => {
    const before = seen.caught.length;
    const res = await get('/invalid');
    const { events } = parseEvents(await res.text());
    const [shape, unknown] = seen.caught.slice(before) as ContractValidationError[];
    expect(shape).toBeInstanceOf(ContractValidationError);
    expect(shape?.code).toBe('CONTRACT_VALIDATION');
    expect(shape?.route).toBe('invalid');
    expect(shape?.event).toBe('customer');
    expect(shape?.issues.map((i) => i.path).sort()).toEqual(['id', 'lastName']);
    expect(unknown?.message).toContain('"nope" is not an event of this route');
    expect(events).toEqual([
      { event: 'customer', data: '{"id":1,"firstName":"Ada","lastName":"Lovelace"}', id: undefined },
    ]);
  });

  it('applies schema transforms before serializing', async () => {
    const res = await get('/transform');
    expect(parseEvents(await res.text()).events[0]?.data).toBe('{"at":"LOWER"}');
  });

  it('sends heartbeat comments during silence', async () => {
    const res = await get('/heartbeat');
    const { events, comments } = parseEvents(await res.text());
    expect(comments.length).toBeGreaterThanOrEqual(2);
    expect(new Set(comments)).toEqual(new Set(['still here']));
    expect(events.map((e) => e.data)).toEqual(['after silence']);
  });

  it('reports handler errors, sends the declared error event without internals, and closes cleanly', async () => {
    const before = seen.errors.length;
    const res = await get('/fails');
    const body = await res.text();
    expect(parseEvents(body).events).toEqual([
      { event: undefined, data: 'before', id: undefined },
      { event: 'error', data: '{"code":"INTERNAL_ERROR","message":"Internal server error"}', id: undefined },
    ]);
    expect(body).not.toContain('secret');
    const reported = seen.errors.slice(before);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ code: 'HANDLER', route: 'fails' });
    expect(((reported[0] as Error).cause as Error).message).toBe('secret internal detail');
  });

  it('fires the session signal when the client goes away', async () => {
    const opened = seen.holdOpened;
    const aborted = seen.aborted;
    const res = await get('/hold');
    await waitFor(() => seen.holdOpened === opened + 1, 5000, 'handler start');
    res.abort();
    await waitFor(() => seen.aborted === aborted + 1, 5000, 'abort signal');
  });

  it('cuts off a client that stops reading once its queue passes the bound', async () => {
    const before = seen.errors.length;
    const sentBefore = seen.floodSent;
    const res = await get('/flood');
    res.pause();
    await waitFor(
      () => seen.errors.slice(before).some((e) => e instanceof SlowConsumerError),
      20_000,
      'slow consumer report',
    );
    const report = seen.errors.slice(before).find((e) => e instanceof SlowConsumerError) as SlowConsumerError;
    expect(report.code).toBe('SLOW_CONSUMER');
    expect(report.policy).toBe('disconnect');
    // The queue never grows past the bound plus the one event that crossed it.
    expect(report.queuedBytes).toBeLessThanOrEqual(QUEUE_LIMIT + FLOOD_CHUNK.length + 256);
    // It stopped long before the handler's own cap: the bound, not the loop, ended it.
    expect(seen.floodSent - sentBefore).toBeLessThan(4000);
    res.abort();
  });

  it('paces a handler that awaits send: it waits for drain instead of queueing', async () => {
    const before = seen.errors.length;
    const sentBefore = seen.pacedSent;
    const res = await get('/paced');
    res.pause();
    // Give the handler time to fill the socket; it must then be parked on drain, below the bound.
    await new Promise((r) => setTimeout(r, 300));
    const sentWhilePaused = seen.pacedSent - sentBefore;
    expect(sentWhilePaused).toBeLessThan(200);
    expect(seen.errors.slice(before).some((e) => e instanceof SlowConsumerError)).toBe(false);
    res.abort();
  });

  it('ignores an oversized or malformed Last-Event-ID, reports it, and never echoes it', async () => {
    const before = seen.errors.length;
    const long = 'x'.repeat(2048);
    const res = await get('/echo-id', { headers: { 'last-event-id': long } });
    expect(parseEvents(await res.text()).events[0]?.data).toBe('none');
    const reported = seen.errors.slice(before);
    expect(reported.map((e) => (isSsekitError(e) ? e.code : 'other'))).toEqual(['INVALID_LAST_EVENT_ID']);
    expect((reported[0] as Error).message).not.toContain(long.slice(0, 64));
    const ok = await get('/echo-id', { headers: { 'last-event-id': 'abc-42' } });
    expect(parseEvents(await ok.text()).events[0]?.data).toBe('abc-42');
  });

  it('leaves no session, timer or listener behind after 1,000 connect/abort cycles', async () => {
    await waitFor(() => router.sessionCount === 0, 5000, 'idle router');
    const timersBefore = activeTimers();
    const opened = seen.holdOpened;
    const abortedBefore = seen.aborted;
    for (let i = 0; i < 1000; i++) {
      const res = await get('/hold');
      res.abort();
    }
    await waitFor(() => seen.holdOpened - opened === 1000, 20_000, 'all sessions opened');
    await waitFor(() => seen.aborted - abortedBefore === 1000, 20_000, 'all sessions aborted');
    await waitFor(() => router.sessionCount === 0, 10_000, 'sessions released');
    await waitFor(() => activeTimers() <= timersBefore, 10_000, 'heartbeat timers released');
    expect(router.sessionCount).toBe(0);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  });
});
