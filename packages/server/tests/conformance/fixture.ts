import { defineContract } from '@ssekit/contract';
import { z } from 'zod';
import { createHub, createMemoryReplayStore, type Hub } from '../../src/broadcast/index.ts';
import { ContractValidationError, FieldInjectionError, HttpError, implement, type SseRouter } from '../../src/index.ts';

export const Customer = z.object({ id: z.number().int(), firstName: z.string(), lastName: z.string() });
export const Product = z.object({ id: z.number().int(), prices: z.array(z.number()) });

/** The contract every adapter is checked against. */
export const conformanceContract = defineContract({
  events: { path: '/events', events: { message: z.string() } },
  json: { path: '/json', events: { customer: Customer, product: Product } },
  greet: {
    path: '/greet/:name',
    params: z.object({ name: z.string().min(2) }),
    query: z.object({ count: z.coerce.number().int().min(1).max(5) }),
    headers: z.object({ 'x-tenant': z.string().regex(/^t-\d+$/) }),
    events: { greeting: z.object({ text: z.string(), n: z.number() }) },
  },
  order: {
    path: '/orders',
    method: 'POST',
    body: z.object({ item: z.string(), qty: z.number().int().positive() }),
    events: { accepted: z.object({ item: z.string(), qty: z.number() }) },
  },
  // A POST route whose answer is small whatever the body's size: for the maxBodyBytes bound.
  upload: {
    path: '/uploads',
    method: 'POST',
    body: z.object({ blob: z.string() }),
    events: { stored: z.object({ length: z.number().int() }) },
  },
  gate: {
    path: '/gate/:status',
    events: { message: z.string() },
  },
  hostile: {
    path: '/hostile',
    events: { message: z.string(), note: z.object({ text: z.string() }) },
  },
  invalid: {
    path: '/invalid',
    events: { customer: Customer },
  },
  heartbeat: { path: '/heartbeat', events: { message: z.string() } },
  fails: {
    path: '/fails',
    events: { message: z.string(), error: z.object({ code: z.string(), message: z.string() }) },
    errorEvent: 'error',
  },
  hold: { path: '/hold', events: { message: z.string() } },
  // The same with a short heartbeat, for hosts that notice a disconnect only when they next write (workerd).
  holdBeating: { path: '/hold-beating', events: { message: z.string() } },
  flood: { path: '/flood', events: { chunk: z.string() } },
  paced: { path: '/paced', events: { chunk: z.string() } },
  echoId: { path: '/echo-id', events: { message: z.string() } },
  transform: {
    path: '/transform',
    events: { stamp: z.object({ at: z.string().transform((s) => s.toUpperCase()) }) },
  },
  // The hub with the memory store: a replayable feed per `:feed`, and a POST route that publishes to it.
  feed: {
    path: '/feeds/:feed',
    replay: true,
    resetEvent: 'reset',
    events: { tick: z.object({ n: z.number().int() }), reset: z.object({ reason: z.string() }) },
  },
  publish: {
    path: '/feeds/:feed/publish',
    method: 'POST',
    body: z.object({ from: z.number().int(), count: z.number().int().min(1).max(100) }),
    events: { published: z.object({ ids: z.array(z.string()) }) },
  },
});

/** What the fixture's handlers observed, for assertions. */
export interface Observations {
  errors: unknown[];
  caught: unknown[];
  aborted: number;
  holdOpened: number;
  pacedMaxBuffered: number;
  floodSent: number;
  pacedSent: number;
}

export const FLOOD_CHUNK = 'x'.repeat(64 * 1024);
export const FLOOD_MAX_EVENTS = 4000;
export const QUEUE_LIMIT = 256 * 1024;

/** Yields to the event loop: `setImmediate` where the runtime has it (Node, Bun, Deno), else a zero timeout (workerd). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}

/** The router under test, the hub behind its feed route, and what the handlers observed. */
export interface ConformanceFixture {
  router: SseRouter;
  hub: Hub<typeof conformanceContract.feed>;
  seen: Observations;
}

/** Builds the router under test and the observations its handlers record. Uses only web APIs (any runtime). */
export function createConformanceRouter(): ConformanceFixture {
  const seen: Observations = {
    errors: [],
    caught: [],
    aborted: 0,
    holdOpened: 0,
    pacedMaxBuffered: 0,
    floodSent: 0,
    pacedSent: 0,
  };
  const hub = createHub(conformanceContract.feed, {
    store: createMemoryReplayStore(),
    onError: (error) => seen.errors.push(error),
  });
  const router = implement(
    conformanceContract,
    {
      events: async (s) => {
        for (let i = 0; i < 100; i++) await s.send('message', `event ${i}`);
      },
      json: {
        serialize: (value, info) => `${info.event === 'customer' ? '' : ''}${JSON.stringify(value)}`,
        handler: async (s) => {
          await s.send('customer', { id: 0, firstName: 'Jet', lastName: 'Brains' });
          await s.send('product', { id: 0, prices: [100, 200] });
        },
      },
      greet: async (s) => {
        for (let n = 1; n <= s.query.count; n++) {
          await s.send('greeting', { text: `hi ${s.params.name} from ${s.headers['x-tenant']}`, n });
        }
      },
      order: async (s) => {
        await s.send('accepted', s.body);
      },
      upload: async (s) => {
        await s.send('stored', { length: s.body.blob.length });
      },
      gate: {
        beforeStream: ({ params }) => {
          const status = Number(params.status);
          if (status !== 200) throw new HttpError(status, { detail: `gate says ${status}` });
        },
        handler: async (s) => {
          await s.send('message', 'through');
        },
      },
      hostile: async (s) => {
        for (const attempt of [
          () => s.send('message', 'x', { id: 'a\nevent: pwned' }),
          () => s.send('message', 'x', { id: 'a\rb' }),
          () => s.send('message', 'x', { id: 'a\0b' }),
          () => s.send({ event: 'message', data: 'x', retry: -1 }),
          () => s.send({ event: 'message', data: 'x', retry: 1.5 }),
        ]) {
          try {
            await attempt();
          } catch (error) {
            seen.caught.push(error);
          }
        }
        await s.send('message', 'line1\nevent: pwned\r\ndata: more\rid: 666\n\nlast');
        await s.send('note', { text: 'a\nb\r\nc' }, { id: 'ok-1' });
        await s.send({ comments: 'two\nlines', retry: 2500 });
      },
      invalid: async (s) => {
        try {
          await s.send('customer', { id: 'zero', firstName: 'Jet' } as never);
        } catch (error) {
          seen.caught.push(error);
        }
        try {
          await s.send('nope' as never, 'x' as never);
        } catch (error) {
          seen.caught.push(error);
        }
        await s.send('customer', { id: 1, firstName: 'Ada', lastName: 'Lovelace' });
      },
      heartbeat: {
        heartbeat: { periodMs: 40, comment: 'still here' },
        handler: async (s) => {
          // Ten periods of silence: the suite asks for at least two heartbeats, which holds with margin even when a
          // loaded machine delays the heartbeat timer by a few periods.
          await new Promise((r) => setTimeout(r, 400));
          await s.send('message', 'after silence');
        },
      },
      fails: async (s) => {
        await s.send('message', 'before');
        throw new Error('secret internal detail');
      },
      hold: (s) => {
        seen.holdOpened++;
        s.signal.addEventListener('abort', () => seen.aborted++, { once: true });
        return s.done;
      },
      holdBeating: {
        heartbeat: { periodMs: 100 },
        handler: (s) => {
          seen.holdOpened++;
          s.signal.addEventListener('abort', () => seen.aborted++, { once: true });
          return s.done;
        },
      },
      flood: {
        maxQueueBytes: QUEUE_LIMIT,
        heartbeat: false,
        handler: async (s) => {
          // Open the stream first (Bun sends the response head only with the first body bytes), so the client is
          // reading, and then stops, before the flood begins.
          await s.comment('flood');
          await new Promise((resolve) => setTimeout(resolve, 50));
          // A handler that ignores backpressure: the queue bound must cut the client off.
          for (let i = 0; i < FLOOD_MAX_EVENTS && !s.closed; i++) {
            void s.send('chunk', FLOOD_CHUNK);
            seen.floodSent++;
            if (i % 16 === 15) await nextTurn();
          }
        },
      },
      paced: {
        maxQueueBytes: QUEUE_LIMIT,
        heartbeat: false,
        handler: async (s) => {
          // A handler that awaits send: it is paced by drain and never reaches the bound.
          for (let i = 0; i < 200 && !s.closed; i++) {
            await s.send('chunk', FLOOD_CHUNK);
            seen.pacedSent++;
          }
        },
      },
      echoId: async (s) => {
        await s.send('message', s.lastEventId ?? 'none');
      },
      transform: async (s) => {
        await s.send('stamp', { at: 'lower' });
      },
      // A short heartbeat: on hosts that notice a disconnect only when they write, the suite's wait stays short.
      feed: { ...hub.implementation(), heartbeat: { periodMs: 200 } },
      publish: async (s) => {
        const ids: string[] = [];
        for (let n = s.body.from; n < s.body.from + s.body.count; n++) {
          ids.push((await hub.publish({ feed: s.params.feed }, 'tick', { n })).id);
        }
        await s.send('published', { ids });
      },
    },
    { onError: (error) => seen.errors.push(error) },
  );
  // A raw route (no contract): the event name and id come from the handler as they are, so the encoder checks both.
  router.sse('/raw-hostile', async (s) => {
    for (const attempt of [
      () => s.send({ event: 'x\ndata: injected', data: 'a' }),
      () => s.send({ event: 'x\rdata: injected', data: 'b' }),
      () => s.send({ event: 'x\r\nid: 666', data: 'c' }),
      () => s.send({ event: 'x\0y', data: 'd' }),
      () => s.send({ event: 'ok', data: 'e', id: 'a\ndata: injected' }),
    ]) {
      try {
        await attempt();
      } catch (error) {
        seen.caught.push(error);
      }
    }
    await s.send({ event: 'ok', data: 'after', id: 'raw-1' });
  });
  return { router, hub, seen };
}

export { ContractValidationError, FieldInjectionError };
