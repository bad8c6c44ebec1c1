import type { EventStreamStatus, SsekitError, TypedEvent } from '@ssekit/client';
import { useQuery } from '@tanstack/react-query';
import { describe, expectTypeOf, it } from 'vitest';
import { createClient, type GreetingsEvent, type JsonEvent } from '../../../contracts/generated/client.ts';
import { type EventStreamState, useEventStream } from './index.js';
import { eventStreamQuery } from './query.js';

const client = createClient({ baseUrl: 'http://127.0.0.1:1' });
type Greeting = { text: string; n: number };

describe('useEventStream', () => {
  it('types the last event of each name from the generated route', () => {
    const state = useEventStream(client.greetings, { params: { name: 'ada' }, query: { count: 2 } });
    expectTypeOf(state).toEqualTypeOf<EventStreamState<GreetingsEvent>>();
    expectTypeOf(state.status).toEqualTypeOf<EventStreamStatus>();
    expectTypeOf(state.events.greeting).toEqualTypeOf<TypedEvent<'greeting', Greeting> | undefined>();
    expectTypeOf(state.events.error?.data).toEqualTypeOf<{ code: string; message: string } | undefined>();
    expectTypeOf(state.lastEvent).toEqualTypeOf<GreetingsEvent | undefined>();
    expectTypeOf(state.error).toEqualTypeOf<SsekitError | undefined>();
    expectTypeOf(state.close).toEqualTypeOf<() => void>();
    // @ts-expect-error the route declares no such event
    void state.events.product;
  });

  it('narrows onEvent by event name', () => {
    useEventStream(
      client.greetings,
      { params: { name: 'ada' } },
      {
        enabled: true,
        share: 'tabs',
        onEvent(event) {
          expectTypeOf(event).toEqualTypeOf<GreetingsEvent>();
          if (event.event === 'greeting') expectTypeOf(event.data).toEqualTypeOf<Greeting>();
        },
        onError: (error) => expectTypeOf(error).toEqualTypeOf<SsekitError>(),
      },
    );
  });

  it('checks the request against the route', () => {
    // @ts-expect-error params are required by /greetings/:name
    useEventStream(client.greetings, { query: { count: 1 } });
    // @ts-expect-error the request is required
    useEventStream(client.greetings);
    // @ts-expect-error name is a string
    useEventStream(client.greetings, { params: { name: 1 } });
    // @ts-expect-error no such option
    useEventStream(client.greetings, { params: { name: 'ada' } }, { shared: true });
  });

  it('takes no request for a route without one', () => {
    const state = useEventStream(client.json);
    expectTypeOf(state.events.product?.data.prices).toEqualTypeOf<number[] | undefined>();
    useEventStream(client.json, undefined, { onEvent: (e) => expectTypeOf(e).toEqualTypeOf<JsonEvent>() });
  });
});

describe('eventStreamQuery', () => {
  it('appends every event by default: data is the list of typed events', () => {
    const query = useQuery(eventStreamQuery(client.greetings, { params: { name: 'ada' } }));
    expectTypeOf(query.data).toEqualTypeOf<GreetingsEvent[] | undefined>();
  });

  it('folds events with a reducer into the type of its initial value', () => {
    const query = useQuery(
      eventStreamQuery(
        client.greetings,
        { params: { name: 'ada' } },
        {
          queryKey: ['latest'],
          reducer: (latest: Greeting | null, event) => (event.event === 'greeting' ? event.data : latest),
          initialValue: null,
        },
      ),
    );
    expectTypeOf(query.data).toEqualTypeOf<Greeting | null | undefined>();
    // @ts-expect-error a reducer needs its initial value
    eventStreamQuery(client.greetings, { params: { name: 'ada' } }, { reducer: (n: number) => n + 1 });
  });
});
