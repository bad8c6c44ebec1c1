import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKtorParity } from '../../examples/ktor-parity/src/app.ts';
import * as standalone from './__generated__/standalone/client.ts';
import * as zod from './__generated__/zod/client.ts';

let server: Awaited<ReturnType<typeof startKtorParity>>;
beforeAll(async () => {
  server = await startKtorParity({ port: 0, host: '127.0.0.1' });
});
afterAll(() => server?.close());

/** Resolves when `predicate` turns true, checked after each event; rejects after `ms` (bounded, never a speed assertion). */
function until(predicate: () => boolean, ms = 10_000): { check(): void; done: Promise<void> } {
  let resolve!: () => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    setTimeout(() => rej(new Error('timed out waiting for events')), ms).unref();
  });
  return { check: () => predicate() && resolve(), done };
}

// Both generated clients against the real ssekit server of examples/ktor-parity (Ktor's SSE examples).
describe.each([
  ['zod', zod.createClient],
  ['standalone', standalone.createClient],
] as const)('generated %s client against examples/ktor-parity', (_mode, createClient) => {
  it('subscribe: receives all 100 `message` events of /events, in order, once', async () => {
    const client = createClient({ baseUrl: server.url });
    const received: string[] = [];
    const errors: unknown[] = [];
    const wait = until(() => received.length >= 100);
    const sub = client.events.subscribe({
      message(text, event) {
        expect(event.event).toBe('message');
        received.push(text);
        wait.check();
      },
      onError: (error) => errors.push(error),
    });
    await wait.done;
    sub.close(); // the stream ends cleanly after 100 events and the client would reconnect: stop here
    await sub.done;
    expect(received).toEqual(Array.from({ length: 100 }, (_, i) => `event ${i}`));
    expect(errors).toEqual([]);
  });

  it('stream: iterates the 100 events as a union discriminated by `event`', async () => {
    const client = createClient({ baseUrl: server.url });
    const received: string[] = [];
    for await (const ev of client.events.stream()) {
      if (ev.event === 'message') received.push(ev.data);
      if (received.length === 100) break;
    }
    expect(received[0]).toBe('event 0');
    expect(received[99]).toBe('event 99');
    expect(new Set(received).size).toBe(100);
  });

  it('subscribe: the typed customer and product of /json', async () => {
    const client = createClient({ baseUrl: server.url });
    const got: {
      customer?: { id: number; firstName: string; lastName: string };
      product?: { id: number; prices: number[] };
    } = {};
    const errors: unknown[] = [];
    const wait = until(() => got.customer !== undefined && got.product !== undefined);
    const sub = client.json.subscribe({
      customer(customer) {
        got.customer = customer;
        wait.check();
      },
      product(product) {
        got.product = product;
        wait.check();
      },
      onError: (error) => errors.push(error),
    });
    await wait.done;
    sub.close();
    expect(errors).toEqual([]);
    expect(got.customer).toEqual({ id: 0, firstName: 'Jet', lastName: 'Brains' });
    expect(got.product).toEqual({ id: 0, prices: [100, 200] });
    expect(got.product?.prices.reduce((a, b) => a + b, 0)).toBe(300);
  });

  it('stream: /json events carry typed data and ids', async () => {
    const client = createClient({ baseUrl: server.url });
    const events: { event: string; id: string | undefined; data: unknown }[] = [];
    for await (const ev of client.json.stream()) {
      if (ev.event === 'customer') expect(ev.data.firstName).toBe('Jet');
      else expect(ev.data.prices).toEqual([100, 200]);
      events.push(ev);
      if (events.length === 2) break;
    }
    expect(events.map((e) => e.event)).toEqual(['customer', 'product']);
  });

  it('sends params and query: /greetings/:name?count=3', async () => {
    const client = createClient({ baseUrl: server.url });
    const texts: string[] = [];
    const ids: (string | undefined)[] = [];
    for await (const ev of client.greetings.stream({ params: { name: 'Ada Lovelace' }, query: { count: 3 } })) {
      if (ev.event !== 'greeting') throw new Error(`unexpected ${ev.event}`);
      texts.push(`${ev.data.n}:${ev.data.text}`);
      ids.push(ev.id);
      if (texts.length === 3) break;
    }
    expect(texts).toEqual(['1:Hello, Ada Lovelace!', '2:Hello, Ada Lovelace!', '3:Hello, Ada Lovelace!']);
    expect(ids).toEqual(['1', '2', '3']);
  });
});
