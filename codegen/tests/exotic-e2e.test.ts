import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as standalone from './__generated__/exotic-standalone/client.ts';
import * as zod from './__generated__/exotic-zod/client.ts';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  tenant: string | undefined;
  contentType: string | undefined;
  body: string;
}

// A hand-written loopback server, so the test controls every byte the generated clients decode.
const STREAMS: Record<string, string[]> = {
  '/trees/t%201': [
    'event: node\ndata: {"name":"root","children":[{"name":"leaf","children":[]}]}',
    'event: node\ndata: {"name":"root","children":[{"name":"","children":[]}]}',
    'event: deleted\ndata: {"at":"2026-11-28T07:00:00Z","by-user":null}',
  ],
  '/orders?verbose=true': [
    'event: accepted\ndata: {"orderId":"o-1","at":"2026-11-28T07:00:00.000Z"}',
    'event: shape\ndata: {"kind":"rect","w":2,"h":3}',
    'event: shape\ndata: {"kind":"hexagon"}',
    'event: error\ndata: {"code":"OUT_OF_STOCK","message":"no more widgets"}',
  ],
  '/csv': ['event: row\ndata: 1,2,3', 'event: row\ndata: 4,x'],
  '/tagged': ['event: status\ndata: up', 'event: count\ndata: 4', 'event: count\ndata: 3'],
};

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push({
      method: req.method,
      url: req.url,
      tenant: req.headers['x-tenant'] as string | undefined,
      contentType: req.headers['content-type'],
      body,
    });
    const frames = STREAMS[req.url ?? ''];
    if (!frames) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const [i, frame] of frames.entries()) res.write(`id: ${i + 1}\n${frame}\n\n`);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The first `count` events of a stream, plus the errors reported meanwhile. */
async function take<T>(
  stream: (onError: (e: { code: string; message: string }) => void) => AsyncIterable<T>,
  count: number,
) {
  const events: T[] = [];
  const errors: { code: string; message: string }[] = [];
  for await (const event of stream((e) => errors.push({ code: e.code, message: e.message }))) {
    events.push(event);
    if (events.length === count) break;
  }
  return { events, errors };
}

describe.each([
  ['zod', zod.createClient],
  ['standalone', standalone.createClient],
] as const)('generated %s client for the exotic contract', (mode, createClient) => {
  const client = () => createClient({ baseUrl, reconnect: false });

  it('path params and a recursive schema; a bad nested node goes to onError', async () => {
    const { events, errors } = await take(
      (onError) => client().tree.stream({ params: { treeId: 't 1' } }, { onError }),
      2,
    );
    expect(events.map((e) => e.event)).toEqual(['node', 'deleted']);
    const [node, deleted] = events;
    if (node?.event !== 'node' || deleted?.event !== 'deleted') throw new Error('wrong order');
    expect(node.data.children[0]?.name).toBe('leaf');
    expect(deleted.data['by-user']).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('VALIDATION');
    expect(errors[0]?.message).toContain('children.0.name');
  });

  it('POST with a JSON body, headers and query; tagged unions; the error event is typed', async () => {
    const request = { body: { item: 'widget', qty: 2 }, headers: { 'x-tenant': 'acme' }, query: { verbose: true } };
    const { events, errors } = await take((onError) => client().orders.stream(request, { onError }), 3);
    const last = seen.findLast((s) => s.url?.startsWith('/orders'));
    expect(last).toMatchObject({ method: 'POST', tenant: 'acme', body: '{"item":"widget","qty":2}' });
    const [accepted, shape, error] = events;
    if (accepted?.event !== 'accepted' || shape?.event !== 'shape' || error?.event !== 'error')
      throw new Error('order');
    // zod runs the contract's transform; standalone passes the wire value through (documented).
    if (mode === 'zod') expect(accepted.data.at).toEqual(new Date('2026-11-28T07:00:00.000Z'));
    else expect(accepted.data.at).toBe('2026-11-28T07:00:00.000Z');
    expect(shape.data.kind === 'rect' && shape.data.w * shape.data.h).toBe(6);
    expect(error.data).toEqual({ code: 'OUT_OF_STOCK', message: 'no more widgets' });
    expect(errors.map((e) => e.code)).toEqual(['VALIDATION']);
  });

  it("uses the route's own deserializer; what it yields is still validated", async () => {
    const rows: number[][] = [];
    const errors: { code: string; message: string }[] = [];
    const sub = client().csv.subscribe({ row: (row) => rows.push(row), onError: (e) => errors.push(e) });
    await sub.done; // reconnect: false, so the stream's end is the end
    expect(rows).toEqual([[1, 2, 3]]);
    // "4,x" deserializes to [4, NaN], which the contract's z.number() rejects.
    expect(errors.map((e) => e.code)).toEqual(['VALIDATION']);
    expect(errors[0]?.message).toContain('csv');
  });

  it('text events and refinements: zod checks them, standalone checks the JSON Schema part', async () => {
    const received: unknown[] = [];
    const errors: string[] = [];
    const sub = client().tagged.subscribe({
      status: (s) => received.push(s),
      count: (n) => received.push(n),
      onError: (e) => errors.push(e.code),
    });
    await sub.done;
    if (mode === 'zod') {
      expect(received).toEqual(['up', 4]);
      expect(errors).toEqual(['VALIDATION']);
    } else {
      expect(received).toEqual(['up', 4, 3]);
      expect(errors).toEqual([]);
    }
  });
});
