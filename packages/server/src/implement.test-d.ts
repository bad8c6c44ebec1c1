import { defineContract } from '@ssekit/contract';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { implement } from './implement.js';
import type { SessionOf, TypedServerSentEvent, TypedSession } from './session.js';

const contract = defineContract({
  json: {
    path: '/json',
    events: {
      customer: z.object({ id: z.number(), firstName: z.string() }),
      product: z.object({ id: z.number(), at: z.string().transform((s) => new Date(s)) }),
    },
  },
  room: {
    path: '/rooms/:roomId',
    query: z.object({ since: z.coerce.number().optional() }),
    events: { message: z.string(), error: z.object({ code: z.string(), message: z.string() }) },
    errorEvent: 'error',
  },
});

describe('typed send', () => {
  it('accepts declared events with their zod input', () => {
    implement(contract, {
      json: async (s) => {
        await s.send('customer', { id: 1, firstName: 'a' });
        await s.send('product', { id: 1, at: '2024-01-01' });
        await s.send({ event: 'customer', data: { id: 1, firstName: 'a' }, id: '1' });
        await s.send({ comments: 'just a comment' });
        // @ts-expect-error unknown event name
        await s.send('order', { id: 1 });
        // @ts-expect-error wrong payload shape
        await s.send('customer', { id: '1', firstName: 'a' });
        // @ts-expect-error missing field
        await s.send('customer', { id: 1 });
        // @ts-expect-error the product's input is a string, not a Date
        await s.send('product', { id: 1, at: new Date() });
        // @ts-expect-error raw event with an undeclared name
        await s.send({ event: 'order', data: 1 });
      },
      room: {
        toErrorEvent: () => ({ code: 'X', message: 'y' }),
        beforeStream: (ctx) => {
          expectTypeOf(ctx.params).toEqualTypeOf<{ roomId: string }>();
        },
        handler: (s) => {
          expectTypeOf(s.params.roomId).toBeString();
          expectTypeOf(s.query.since).toEqualTypeOf<number | undefined>();
          return s.done;
        },
      },
    });
  });

  it('gives handlers a session named by SessionOf: the event inputs and the request parts, nothing of the declaration', () => {
    type CustomerInput = { id: number; firstName: string };
    type ProductInput = { id: number; at: string };
    implement(contract, {
      json: (session) => {
        expectTypeOf(session).toEqualTypeOf<SessionOf<typeof contract.json>>();
        expectTypeOf(session).toEqualTypeOf<TypedSession<{ customer: CustomerInput; product: ProductInput }, {}>>();
      },
      room: (session) => {
        expectTypeOf(session).toEqualTypeOf<
          TypedSession<
            { message: string; error: { code: string; message: string } },
            { params: { roomId: string }; query: { since?: number | undefined } }
          >
        >();
        expectTypeOf(session.body).toEqualTypeOf<undefined>();
      },
    });
  });

  it("types a raw send's data by its event, never as a union of every event's data", () => {
    type Events = { customer: { id: number }; product: { at: string } };
    expectTypeOf<TypedServerSentEvent<Events, 'customer'>['data']>().toEqualTypeOf<{ id: number }>();
    implement(contract, {
      json: async (s) => {
        // @ts-expect-error the product's data under the customer's name
        await s.send({ event: 'customer', data: { id: 1, at: '2024-01-01' } });
        await s.send({ id: '7', retry: 1000 });
      },
      room: (s) => s.done,
    });
  });

  it('requires a handler for every route, and no others', () => {
    // @ts-expect-error `room` is missing
    implement(contract, { json: () => {} });
    implement(contract, {
      json: () => {},
      room: () => {},
      // @ts-expect-error `extra` is not a route
      extra: () => {},
    });
    implement(contract, {
      json: () => {},
      // @ts-expect-error `beforStream` is not an option of a route implementation
      room: { handler: () => {}, beforStream: () => {} },
    });
  });
});
