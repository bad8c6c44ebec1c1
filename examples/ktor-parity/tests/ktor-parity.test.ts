import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKtorParity } from '../src/app.ts';

async function read(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

function events(body: string): EventSourceMessage[] {
  const out: EventSourceMessage[] = [];
  createParser({ onEvent: (e) => out.push(e) }).feed(body);
  return out;
}

describe('examples/ktor-parity', () => {
  let running: Awaited<ReturnType<typeof startKtorParity>>;
  beforeAll(async () => {
    running = await startKtorParity({ port: 0 });
  });
  afterAll(() => running.close());

  it('GET /events sends event 0 … event 99 and ends, byte for byte', async () => {
    const { status, type, body } = await read(`${running.url}/events`);
    expect(status).toBe(200);
    expect(type).toBe('text/event-stream; charset=utf-8');
    expect(body).toBe(Array.from({ length: 100 }, (_, i) => `data: event ${i}\n\n`).join(''));
    expect(events(body).map((e) => e.data)).toEqual(Array.from({ length: 100 }, (_, i) => `event ${i}`));
  });

  it('GET /json sends the customer then the product through the route serializer', async () => {
    const { body } = await read(`${running.url}/json`);
    expect(body).toBe(
      'event: customer\ndata: {"id":0,"firstName":"Jet","lastName":"Brains"}\n\n' +
        'event: product\ndata: {"id":0,"prices":[100,200]}\n\n',
    );
  });

  it('GET /greetings/:name validates params and query', async () => {
    const ok = await read(`${running.url}/greetings/Ada?count=2`);
    expect(events(ok.body)).toEqual([
      { event: 'greeting', id: '1', data: '{"text":"Hello, Ada!","n":1}' },
      { event: 'greeting', id: '2', data: '{"text":"Hello, Ada!","n":2}' },
    ]);
    const bad = await read(`${running.url}/greetings/Ada?count=0`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).errors).toEqual([expect.objectContaining({ in: 'query', path: 'count' })]);
  });

  it('serves the enclosing-route form at /ktor/nested', async () => {
    const { body } = await read(`${running.url}/ktor/nested`);
    expect(body).toBe('event: hello\nid: 1\ndata: Hello from the enclosing route\n\n');
  });
});
