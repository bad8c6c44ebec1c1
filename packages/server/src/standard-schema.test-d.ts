import type { InferEventData, InferEventInput, InferQuery } from '@ssekit/contract';
import { defineContract } from '@ssekit/contract';
import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { implement } from './index.js';

const contract = defineContract({
  valibot: {
    path: '/v/:shelf',
    params: v.object({ shelf: v.string() }),
    query: v.object({ limit: v.pipe(v.string(), v.transform(Number)) }),
    events: { item: v.object({ id: v.string(), n: v.number() }), note: v.string() },
  },
  arktype: {
    path: '/a',
    method: 'POST',
    headers: type({ 'x-tenant': 'string' }),
    body: type({ sku: 'string', qty: 'number' }),
    events: { 'item.created': type({ id: 'string' }), at: type('string.date.parse') },
  },
  zod: {
    path: '/z',
    events: { at: z.iso.datetime().transform((s) => new Date(s)) },
  },
});

describe('Standard Schema type inference', () => {
  it('infers event data (output) and send input for each validator', () => {
    expectTypeOf<InferEventData<typeof contract.valibot, 'item'>>().toEqualTypeOf<{ id: string; n: number }>();
    expectTypeOf<InferEventData<typeof contract.arktype, 'item.created'>>().toEqualTypeOf<{ id: string }>();
    // arktype's parse: the input is a string, the output a Date; zod keeps z.input for send.
    expectTypeOf<InferEventInput<typeof contract.arktype, 'at'>>().toEqualTypeOf<string>();
    expectTypeOf<InferEventData<typeof contract.arktype, 'at'>>().toEqualTypeOf<Date>();
    expectTypeOf<InferEventInput<typeof contract.zod, 'at'>>().toEqualTypeOf<string>();
    expectTypeOf<InferQuery<typeof contract.valibot>>().toEqualTypeOf<{ limit: number }>();
  });

  it('types the session of each route: request parts and send', () => {
    implement(contract, {
      valibot: async (session) => {
        expectTypeOf(session.params.shelf).toEqualTypeOf<string>();
        expectTypeOf(session.query.limit).toEqualTypeOf<number>();
        await session.send('item', { id: 'a', n: 1 });
        await session.send('note', 'text');
        // @ts-expect-error: n must be a number
        await session.send('item', { id: 'a', n: '1' });
      },
      arktype: async (session) => {
        expectTypeOf(session.headers['x-tenant']).toEqualTypeOf<string>();
        expectTypeOf(session.body).toEqualTypeOf<{ sku: string; qty: number }>();
        await session.send('item.created', { id: session.body.sku });
        await session.send('at', '2026-11-30');
        // @ts-expect-error: `at` takes the parser's input, a string
        await session.send('at', new Date());
      },
      zod: async (session) => {
        await session.send('at', '2026-11-30T00:00:00Z');
      },
    });
  });
});
