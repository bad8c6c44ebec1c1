import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  defineContract,
  type InferEventData,
  type InferEventInputs,
  type InferEventUnion,
  type InferParams,
  type InferParamsInput,
  type InferQuery,
  type RequestExampleOf,
} from './index.js';

const contract = defineContract({
  json: {
    path: '/json',
    events: {
      customer: z.object({ id: z.number(), firstName: z.string() }),
      product: z.object({ id: z.number(), at: z.string().transform((s) => new Date(s)) }),
    },
  },
  room: {
    path: '/rooms/:roomId/users/:userId',
    query: z.object({ since: z.coerce.number().optional() }),
    events: { message: z.string() },
  },
  typedParams: {
    path: '/n/:n',
    params: z.object({ n: z.coerce.number() }),
    events: { tick: z.number() },
  },
});

describe('contract type helpers', () => {
  it('infers event data and inputs', () => {
    expectTypeOf<InferEventData<typeof contract.json, 'customer'>>().toEqualTypeOf<{ id: number; firstName: string }>();
    expectTypeOf<InferEventData<typeof contract.json, 'product'>>().toEqualTypeOf<{ id: number; at: Date }>();
    expectTypeOf<InferEventInputs<typeof contract.json>['product']>().toEqualTypeOf<{ id: number; at: string }>();
    // @ts-expect-error unknown event name
    type _Unknown = InferEventData<typeof contract.json, 'order'>;
  });

  it('infers params from the path when no schema is given', () => {
    expectTypeOf<InferParams<typeof contract.room>>().toEqualTypeOf<{ roomId: string; userId: string }>();
    expectTypeOf<InferParams<typeof contract.typedParams>>().toEqualTypeOf<{ n: number }>();
    expectTypeOf<InferParamsInput<typeof contract.typedParams>>().toEqualTypeOf<{ n: unknown }>();
    expectTypeOf<InferQuery<typeof contract.room>>().toEqualTypeOf<{ since?: number | undefined }>();
  });

  it('builds a discriminated union of received events', () => {
    const handle = (e: InferEventUnion<typeof contract.json>) => {
      if (e.event === 'customer') expectTypeOf(e.data.firstName).toBeString();
      else expectTypeOf(e.data.at).toEqualTypeOf<Date>();
    };
    expectTypeOf(handle).toBeFunction();
  });

  it('keeps route metadata literal', () => {
    expectTypeOf(contract.room.path).toEqualTypeOf<'/rooms/:roomId/users/:userId'>();
    expectTypeOf(contract.json.method).toEqualTypeOf<'GET'>();
  });

  it('rejects an errorEvent that is not one of the events', () => {
    defineContract({
      // @ts-expect-error 'oops' is not an event of this route
      r: { path: '/r', events: { a: z.string() }, errorEvent: 'oops' },
    });
  });
});

describe('requestExamples', () => {
  it('types each part by the route schemas', () => {
    defineContract({
      greet: {
        path: '/greet/:name',
        query: z.object({ count: z.coerce.number().int() }),
        events: { greeting: z.string() },
        requestExamples: [{ params: { name: 'Ada' }, query: { count: 2 } }],
      },
    });
    defineContract({
      greet: {
        path: '/greet/:name',
        events: { greeting: z.string() },
        // @ts-expect-error a param the path does not have
        requestExamples: [{ params: { nom: 'Ada' } }],
      },
    });
    defineContract({
      greet: {
        path: '/greet',
        query: z.object({ count: z.number() }),
        events: { greeting: z.string() },
        // @ts-expect-error count must be a number
        requestExamples: [{ query: { count: 'two' } }],
      },
    });
    expectTypeOf<RequestExampleOf<typeof contract.room>['params']>().toEqualTypeOf<
      { roomId: string | number; userId: string | number } | undefined
    >();
  });
});
