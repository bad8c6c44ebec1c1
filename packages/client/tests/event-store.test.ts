import { effect, shallowRef } from '@vue/reactivity';
import { derived, get } from 'svelte/store';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { createClient } from '../../../contracts/generated/client.ts';
import { createEventStore, type EventStoreSnapshot, type SsekitError } from '../src/index.ts';
import { type Responder, startSseServer, type TestSseServer, waitFor } from './helpers/sse-server.ts';

let server: TestSseServer | undefined;
afterEach(async () => {
  vi.unstubAllGlobals();
  await server?.close();
  server = undefined;
});

async function serve(responder?: Responder): Promise<TestSseServer> {
  server = await startSseServer(responder);
  return server;
}

const greeting = (n: number, id = String(n)) =>
  `event: greeting\nid: ${id}\ndata: ${JSON.stringify({ text: `hi ${n}`, n })}\n\n`;
const tick = () => new Promise((resolve) => setImmediate(resolve));
const timeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('createEventStore over a generated route', () => {
  it('opens on the first subscriber, reports status and the last event per name, typed', async () => {
    const s = await serve();
    const client = createClient({ baseUrl: s.url });
    const store = createEventStore(client.greetings, { params: { name: 'ada' }, query: { count: 5 } });
    await tick();
    expect(s.requests).toHaveLength(0); // nothing opens before someone subscribes
    const seen: EventStoreSnapshot['status'][] = [];
    const stop = store.subscribe((snapshot) => seen.push(snapshot.status));
    expect(seen).toEqual(['connecting']); // called at once, as Svelte's contract wants
    const connection = await s.nextConnection();
    expect(connection.request.url).toBe('/greetings/ada?count=5');
    await waitFor(() => store.getSnapshot().status === 'open', 5000, 'open');
    await connection.write(greeting(1) + greeting(2));
    await waitFor(() => store.getSnapshot().lastEventId === '2', 5000, 'two events');
    const snapshot = store.getSnapshot();
    expect(snapshot.events.greeting).toEqual({ event: 'greeting', data: { text: 'hi 2', n: 2 }, id: '2' });
    expect(snapshot.lastEvent).toBe(snapshot.events.greeting);
    expect(snapshot.sharing).toBe('off');
    expectTypeOf(snapshot.events.greeting?.data).toEqualTypeOf<{ text: string; n: number } | undefined>();
    expectTypeOf(snapshot.events.error?.data).toEqualTypeOf<{ code: string; message: string } | undefined>();
    // the snapshot is the same object until something changes
    expect(store.getSnapshot()).toBe(snapshot);
    stop();
  });

  it('skips an event that fails validation or is undeclared, keeps it as the last error, and goes on', async () => {
    const s = await serve();
    const errors: string[] = [];
    const events: number[] = [];
    const store = createEventStore(
      createClient({ baseUrl: s.url }).greetings,
      { params: { name: 'ada' } },
      { onError: (e) => errors.push(e.code), onEvent: (e) => e.event === 'greeting' && events.push(e.data.n) },
    );
    const stop = store.subscribe(() => {});
    const connection = await s.nextConnection();
    await connection.write(`event: greeting\nid: 1\ndata: {"text":1}\n\nevent: nope\ndata: x\n\n${greeting(2)}`);
    await waitFor(() => events.length === 1, 5000, 'the valid event');
    expect(errors).toEqual(['VALIDATION', 'UNKNOWN_EVENT']);
    expect(store.getSnapshot().error?.code).toBe('UNKNOWN_EVENT');
    expect(store.getSnapshot().events.greeting?.data.n).toBe(2);
    stop();
  });

  it('keeps one connection through unsubscribe + subscribe in one turn (StrictMode), closes after the last leaves', async () => {
    const s = await serve();
    const store = createEventStore(createClient({ baseUrl: s.url }).greetings, { params: { name: 'ada' } });
    const first = store.subscribe(() => {});
    first();
    const second = store.subscribe(() => {});
    const connection = await s.nextConnection();
    await waitFor(() => store.getSnapshot().status === 'open', 5000, 'open');
    await tick();
    expect(s.requests).toHaveLength(1);
    const closed = new Promise<void>((resolve) => connection.response.once('close', () => resolve()));
    second();
    expect(store.getSnapshot().status).toBe('open'); // closing waits for a microtask
    await closed;
    expect(store.getSnapshot().status).toBe('closed');
  });

  it('reconnects with Last-Event-ID when a subscriber comes back, and reports retrying while it waits', async () => {
    const s = await serve();
    const client = createClient({ baseUrl: s.url, reconnect: { initialDelayMs: 1 } });
    const store = createEventStore(client.greetings, { params: { name: 'ada' } });
    const statuses: string[] = [];
    const stop = store.subscribe((snapshot) => statuses.push(snapshot.status));
    const first = await s.nextConnection();
    await first.write(greeting(7));
    await waitFor(() => store.getSnapshot().lastEventId === '7', 5000, 'event 7');
    first.destroy();
    const second = await s.nextConnection();
    expect(second.request.headers['last-event-id']).toBe('7');
    await waitFor(() => store.getSnapshot().status === 'open', 5000, 'open again');
    expect(statuses.filter((status, i) => status !== statuses[i - 1])).toEqual([
      'connecting',
      'open',
      'retrying',
      'open',
    ]);
    expect(store.getSnapshot().error?.code).toBe('NETWORK');
    stop();
    await tick();
    const again = store.subscribe(() => {});
    const third = await s.nextConnection();
    expect(third.request.headers['last-event-id']).toBe('7');
    again();
  });

  it('leaves no timer behind when the last subscriber leaves during a backoff wait', async () => {
    const s = await serve();
    const client = createClient({ baseUrl: s.url, reconnect: { initialDelayMs: 600_000, maxDelayMs: 600_000 } });
    const store = createEventStore(client.greetings, { params: { name: 'ada' } });
    const before = timeouts();
    const stop = store.subscribe(() => {});
    const connection = await s.nextConnection();
    connection.destroy();
    await waitFor(() => store.getSnapshot().status === 'retrying', 5000, 'retrying');
    await tick();
    stop();
    await tick();
    expect(store.getSnapshot().status).toBe('closed');
    expect(timeouts()).toBeLessThanOrEqual(before);
  });

  it('ends for good on 204 or close(): closed, and a later subscriber does not reconnect', async () => {
    const s = await serve((_req, res, index) => {
      if (index > 0) return undefined;
      res.writeHead(204).end();
      return true;
    });
    const store = createEventStore(createClient({ baseUrl: s.url }).greetings, { params: { name: 'ada' } });
    const stop = store.subscribe(() => {});
    await waitFor(() => store.getSnapshot().status === 'closed', 5000, 'closed');
    stop();
    const again = store.subscribe(() => {});
    await tick();
    expect(s.requests).toHaveLength(1);
    again();

    const other = createEventStore(createClient({ baseUrl: s.url }).greetings, { params: { name: 'bo' } });
    const stopOther = other.subscribe(() => {});
    await s.nextConnection();
    other.close();
    expect(other.getSnapshot().status).toBe('closed');
    stopOther();
    other.subscribe(() => {})();
    await tick();
    expect(s.requests).toHaveLength(2);
  });

  it("share: 'tabs' without Web Locks falls back to a stream of its own", async () => {
    vi.stubGlobal('navigator', {});
    const s = await serve();
    const store = createEventStore(
      createClient({ baseUrl: s.url }).greetings,
      { params: { name: 'ada' } },
      { share: 'tabs' },
    );
    const stop = store.subscribe(() => {});
    const connection = await s.nextConnection();
    await connection.write(greeting(1));
    await waitFor(() => store.getSnapshot().lastEventId === '1', 5000, 'event 1');
    expect(store.getSnapshot().sharing).toBe('off');
    stop();
  });

  it('routes without a request take none', async () => {
    const s = await serve();
    const store = createEventStore(createClient({ baseUrl: s.url }).json);
    const stop = store.subscribe(() => {});
    const connection = await s.nextConnection();
    expect(connection.request.url).toBe('/json');
    await connection.write('event: product\ndata: {"id":1,"prices":[1,2]}\n\n');
    await waitFor(() => store.getSnapshot().events.product !== undefined, 5000, 'product');
    expectTypeOf(store.getSnapshot().events.product?.data.prices).toEqualTypeOf<number[] | undefined>();
    stop();
  });
});

describe('the store in other frameworks, without adapters', () => {
  it("is a Svelte store: get() and derived() from 'svelte/store' read it", async () => {
    const s = await serve();
    const store = createEventStore(createClient({ baseUrl: s.url }).greetings, { params: { name: 'ada' } });
    const text = derived(store, ($store) => $store.events.greeting?.data.text ?? '…');
    const seen: string[] = [];
    const stop = text.subscribe((value) => seen.push(value));
    const connection = await s.nextConnection();
    await connection.write(greeting(1));
    await waitFor(() => seen.includes('hi 1'), 5000, 'derived value');
    expect(get(store).status).toBe('open');
    expect(seen[0]).toBe('…');
    stop();
  });

  it("feeds a Vue shallowRef (Vue's own reactivity re-runs on every snapshot)", async () => {
    const s = await serve();
    const store = createEventStore(createClient({ baseUrl: s.url }).greetings, { params: { name: 'ada' } });
    const state = shallowRef(store.getSnapshot());
    const stop = store.subscribe((snapshot) => {
      state.value = snapshot;
    });
    const rendered: string[] = [];
    const runner = effect(() => {
      rendered.push(`${state.value.status}:${state.value.events.greeting?.data.n ?? '-'}`);
    });
    const connection = await s.nextConnection();
    await connection.write(greeting(3));
    await waitFor(() => rendered.includes('open:3'), 5000, 'open:3');
    expect(rendered[0]).toBe('connecting:-');
    runner.effect.stop();
    stop();
  });
});

describe('errors', () => {
  it('keep the client error classes in the snapshot', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(404).end();
      return true;
    });
    const store = createEventStore(createClient({ baseUrl: s.url }).greetings, { params: { name: 'ada' } });
    const stop = store.subscribe(() => {});
    await waitFor(() => store.getSnapshot().status === 'closed', 5000, 'closed');
    const error: SsekitError | undefined = store.getSnapshot().error;
    expect(error?.code).toBe('HTTP_STATUS');
    stop();
  });
});
