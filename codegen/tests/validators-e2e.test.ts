import type { RawSseEvent } from '@ssekit/client';
import { implement } from '@ssekit/server';
import { type RunningServer, serve } from '@ssekit/server/node';
import { arktypeContract, valibotContract, zodContract } from '@ssekit-examples/contracts/validators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as arktypeStandalone from './__generated__/arktype-standalone/client.ts';
import * as arktypeZod from './__generated__/arktype-zod/client.ts';
import * as valibotStandalone from './__generated__/valibot-standalone/client.ts';
import * as valibotZod from './__generated__/valibot-zod/client.ts';

let server: RunningServer;
beforeAll(async () => {
  // One real ssekit server (zod contract); the valibot and arktype contracts describe the same routes.
  const router = implement(zodContract, {
    search: async (session) => {
      await session.send('item', { id: session.query.q, n: 1 });
      await session.send('note', `shelf ${session.params.shelf}`);
    },
    orders: async (session) => {
      await session.send('item', { id: session.body.sku, n: session.body.qty });
    },
  });
  server = await serve(router, { port: 0, host: '127.0.0.1' });
});
afterAll(() => server?.close());

const raw: RawSseEvent = { event: 'item', data: '', id: undefined };

// The same accept/reject verdicts on event data, whichever validator the contract uses and whichever client mode.
const VERDICTS: [string, boolean][] = [
  ['{"id":"a","n":1}', true],
  ['{"id":"","n":1}', false],
  ['{"id":"a","n":1.5}', false],
  ['{"id":"a"}', false],
  ['{"n":1}', false],
  ['[]', false],
];

describe.each([
  ['valibot', 'zod', valibotZod.createClient, valibotContract],
  ['valibot', 'standalone', valibotStandalone.createClient, valibotContract],
  ['arktype', 'zod', arktypeZod.createClient, arktypeContract],
  ['arktype', 'standalone', arktypeStandalone.createClient, arktypeContract],
] as const)('generated client of a %s contract, %s mode', (_library, _mode, createClient, contract) => {
  const client = () => createClient({ baseUrl: server.url, reconnect: false });

  it('receives typed events from a real server (GET with params, query, headers; POST with a body)', async () => {
    const got: unknown[] = [];
    for await (const ev of client().search.stream({
      params: { shelf: 'ab' },
      query: { q: 'lamp' },
      headers: { 'x-tenant': 'acme' },
    })) {
      if (ev.event === 'item') got.push({ id: ev.data.id, n: ev.data.n });
      else got.push(ev.data.toUpperCase());
    }
    expect(got).toEqual([{ id: 'lamp', n: 1 }, 'SHELF AB']);
    const posted: number[] = [];
    const sub = client().orders.subscribe({ body: { sku: 'lamp', qty: 3 } }, { item: (item) => posted.push(item.n) });
    await sub.done;
    expect(posted).toEqual([3]);
  });

  it.each(VERDICTS)('decodes %s: valid %s, like the contract schema itself', (data, valid) => {
    const decode = client().search['~ssekit'].spec.decoders.item;
    expect(decode(data, raw).ok).toBe(valid);
    const verdict = contract.search.events.item['~standard'].validate(JSON.parse(data)) as { issues?: unknown };
    expect(verdict.issues === undefined).toBe(valid);
  });
});
