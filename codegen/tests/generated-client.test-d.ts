import { describe, expectTypeOf, it } from 'vitest';
import * as standalone from './__generated__/standalone/client.ts';
import * as zod from './__generated__/zod/client.ts';

const clients = {
  zod: zod.createClient({ baseUrl: 'http://localhost' }),
  standalone: standalone.createClient({ baseUrl: 'http://localhost' }),
};

describe('generated client types (both modes)', () => {
  it('types handler data per event and rejects unknown event names', () => {
    for (const client of [clients.zod, clients.standalone]) {
      client.json.subscribe({
        customer(c, event) {
          expectTypeOf(c).toEqualTypeOf<{ id: number; firstName: string; lastName: string }>();
          expectTypeOf(event.event).toEqualTypeOf<'customer'>();
          expectTypeOf(event.id).toEqualTypeOf<string | undefined>();
        },
        product(p) {
          expectTypeOf(p.prices).toEqualTypeOf<number[]>();
        },
      });
      // @ts-expect-error `order` is not an event of /json
      client.json.subscribe({ order() {} });
      // @ts-expect-error a customer is not a string
      client.json.subscribe({ customer: (c: string) => c });
    }
  });

  it('streams a union discriminated by `event`', async () => {
    for await (const ev of clients.standalone.json.stream()) {
      if (ev.event === 'customer') expectTypeOf(ev.data.firstName).toBeString();
      else {
        expectTypeOf(ev.event).toEqualTypeOf<'product'>();
        expectTypeOf(ev.data.prices).toEqualTypeOf<number[]>();
      }
    }
  });

  it('takes a request only where the route declares parts, with its params required', () => {
    clients.zod.greetings.subscribe({ params: { name: 'Ada' }, query: { count: 2 } }, { greeting: (g) => g.text });
    clients.standalone.greetings.stream({ params: { name: 'Ada' } });
    // @ts-expect-error greetings needs its :name param
    clients.standalone.greetings.stream({ query: { count: 1 } });
    // @ts-expect-error /events takes no request argument
    clients.zod.events.stream({ params: {} }, {});
    expectTypeOf(clients.zod.events.subscribe({ message: (text) => text.toUpperCase() }).close).toBeFunction();
  });
});
