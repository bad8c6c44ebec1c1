import { defineContract } from '@ssekit/contract';
import { createHub, type PreparedEvent, type PublishReceipt } from '@ssekit/server/broadcast';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';

const contract = defineContract({
  room: {
    path: '/rooms/:roomId/events',
    replay: true,
    resetEvent: 'reset',
    events: {
      message: z.object({ user: z.string(), text: z.string() }),
      count: z.coerce.number(),
      reset: z.object({ reason: z.string() }),
    },
  },
});
const hub = createHub(contract.room);

describe('hub.publish types', () => {
  it('accepts a declared event with its zod input, and returns a receipt', () => {
    expectTypeOf(hub.publish({ roomId: 'r' }, 'message', { user: 'a', text: 'b' })).toEqualTypeOf<
      Promise<PublishReceipt>
    >();
    // z.coerce.number() accepts unknown input, as session.send does.
    void hub.publish({ roomId: 'r' }, 'count', '3');
  });

  it('prepare takes what publish takes and returns a PreparedEvent', () => {
    expectTypeOf(hub.prepare({ roomId: 'r' }, 'message', { user: 'a', text: 'b' })).toEqualTypeOf<
      Promise<PreparedEvent>
    >();
    // @ts-expect-error 'text' is missing
    void hub.prepare({ roomId: 'r' }, 'message', { user: 'a' });
  });

  it('rejects an undeclared event name', () => {
    // @ts-expect-error 'mesage' is not an event of the route
    void hub.publish({ roomId: 'r' }, 'mesage', { user: 'a', text: 'b' });
  });

  it('rejects a payload that does not match the event schema', () => {
    // @ts-expect-error text must be a string
    void hub.publish({ roomId: 'r' }, 'message', { user: 'a', text: 1 });
    // @ts-expect-error user is missing
    void hub.publish({ roomId: 'r' }, 'message', { text: 'b' });
    // @ts-expect-error the reset event's data is an object
    void hub.publish({ roomId: 'r' }, 'reset', 'oops');
  });

  it('rejects missing or unknown params', () => {
    // @ts-expect-error roomId is required
    void hub.publish({}, 'message', { user: 'a', text: 'b' });
    // @ts-expect-error no such param
    void hub.publish({ room: 'r' }, 'message', { user: 'a', text: 'b' });
  });

  it('types resetData by the declared reset event', () => {
    createHub(contract.room, { resetData: ({ reason }) => ({ reason }) });
    // @ts-expect-error the reset event needs { reason: string }
    createHub(contract.room, { resetData: () => ({ why: 1 }) });
  });
});
