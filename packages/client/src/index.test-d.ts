import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createClient, type GreetingsEvent, type GreetingsRequest } from '../../../contracts/generated/client.ts';
import {
  AbortedError,
  type CloseInfo,
  ContentTypeError,
  connectEventStream,
  createEventStore,
  createZodFastPathDecoder,
  type DecodeResult,
  type EventDecoder,
  EventValidationError,
  fail,
  HttpStatusError,
  IdleTimeoutError,
  NetworkError,
  ok,
  ParseError,
  type RawSseEvent,
  RetriesExhaustedError,
  type RouteEventOf,
  type RouteHandlers,
  type RouteRequestOf,
  SharedStreamError,
  type SsekitError,
  type SubscribeHandlers,
  streamRoute,
  type TypedEvent,
  UnknownEventError,
  zodFastPathSignature,
} from './index.js';

const raw: RawSseEvent = { event: 'message', data: '', id: undefined };

describe('public types', () => {
  it('errors carry literal codes', () => {
    expectTypeOf(new HttpStatusError({ status: 500, url: '', method: 'GET' }).code).toEqualTypeOf<'HTTP_STATUS'>();
    expectTypeOf(
      new ContentTypeError({ contentType: null, url: '', method: 'GET' }).code,
    ).toEqualTypeOf<'CONTENT_TYPE'>();
    expectTypeOf(new NetworkError({ url: '', method: 'GET', phase: 'read', cause: 0 }).code).toEqualTypeOf<'NETWORK'>();
    expectTypeOf(new ParseError(raw, 0).code).toEqualTypeOf<'PARSE'>();
    expectTypeOf(new EventValidationError(raw, []).code).toEqualTypeOf<'VALIDATION'>();
    expectTypeOf(new UnknownEventError(raw).code).toEqualTypeOf<'UNKNOWN_EVENT'>();
    expectTypeOf(new AbortedError().code).toEqualTypeOf<'ABORTED'>();
    expectTypeOf(new IdleTimeoutError(1).code).toEqualTypeOf<'IDLE_TIMEOUT'>();
    expectTypeOf(
      new RetriesExhaustedError({ attempts: 1, elapsedMs: 1, limit: 'maxAttempts', cause: undefined }).code,
    ).toEqualTypeOf<'RETRIES_EXHAUSTED'>();
    expectTypeOf(new SharedStreamError('NETWORK', 'down').code).toEqualTypeOf<'SHARED_STREAM'>();
    expectTypeOf(new ParseError(raw, 0)).toExtend<SsekitError>();
  });

  it('decode results narrow on ok', () => {
    const decode: EventDecoder<number> = (data) => (data ? ok(Number(data)) : fail(new ParseError(raw, 'empty')));
    const result: DecodeResult<number> = decode('1', raw);
    if (result.ok) expectTypeOf(result.value).toEqualTypeOf<number>();
    else expectTypeOf(result.error).toEqualTypeOf<SsekitError>();
  });

  it('connectEventStream requires onEvent and a url', () => {
    // @ts-expect-error onEvent is required
    connectEventStream({ url: 'http://x' });
    // @ts-expect-error url is required
    connectEventStream({ onEvent() {} });
    expectTypeOf<CloseInfo['reason']>().toEqualTypeOf<
      'aborted' | 'closed' | 'no-content' | 'terminal-error' | 'retries-exhausted'
    >();
  });

  it('handlers may narrow their data; the iterator yields TypedEvent', () => {
    const handlers: SubscribeHandlers = {
      tick: (n: number, e) => {
        expectTypeOf(n).toBeNumber();
        expectTypeOf(e).toEqualTypeOf<TypedEvent>();
      },
    };
    expectTypeOf(handlers.onError).toEqualTypeOf<((e: SsekitError) => void) | undefined>();
    expectTypeOf(streamRoute).returns.toEqualTypeOf<AsyncIterableIterator<TypedEvent>>();
  });

  it('createEventStore infers events and request from a generated route', () => {
    const client = createClient({ baseUrl: 'http://127.0.0.1:1' });
    expectTypeOf<RouteEventOf<typeof client.greetings>>().toEqualTypeOf<GreetingsEvent>();
    expectTypeOf<RouteRequestOf<typeof client.greetings>>().toEqualTypeOf<GreetingsRequest>();
    expectTypeOf<RouteRequestOf<typeof client.json>>().toEqualTypeOf<undefined>();
    const store = createEventStore(client.greetings, { params: { name: 'ada' } }, { share: 'tabs' });
    expectTypeOf(store.getSnapshot().events.greeting?.data.n).toEqualTypeOf<number | undefined>();
    expectTypeOf(store.getSnapshot().lastEvent).toEqualTypeOf<GreetingsEvent | undefined>();
    createEventStore(client.json);
    // @ts-expect-error the route's request is required
    createEventStore(client.greetings);
    // @ts-expect-error params.name is a string
    createEventStore(client.greetings, { params: { name: 1 } });
    createEventStore(
      client.greetings,
      { params: { name: 'ada' } },
      { onEvent: (event) => expectTypeOf(event).toEqualTypeOf<GreetingsEvent>() },
    );
  });
});

describe('RouteHandlers with any SSE event name', () => {
  type Events =
    | TypedEvent<'response.output_text.delta', { delta: string }>
    | TypedEvent<'onError', { code: string }>
    | TypedEvent<'constructor', { made: boolean }>;

  it('types each handler of the `on` map by its event, option-named events included', () => {
    const handlers: RouteHandlers<Events> = {
      on: {
        'response.output_text.delta': (data) => expectTypeOf(data.delta).toEqualTypeOf<string>(),
        onError: (data, event) => {
          expectTypeOf(data.code).toEqualTypeOf<string>();
          expectTypeOf(event.event).toEqualTypeOf<'onError'>();
        },
        constructor: (data) => expectTypeOf(data.made).toEqualTypeOf<boolean>(),
      },
      onError: (error) => expectTypeOf(error).toEqualTypeOf<SsekitError>(),
    };
    expectTypeOf(handlers).not.toBeAny();
  });

  it('keeps top-level handlers for other names; `onError` there is the lifecycle callback', () => {
    const handlers: RouteHandlers<Events> = { 'response.output_text.delta': (data) => data.delta.length };
    expectTypeOf(handlers).not.toBeAny();
    // @ts-expect-error: the top-level onError takes an SsekitError, not the onError event's data
    const wrong: RouteHandlers<Events> = { onError: (data: { code: string; extra: number }) => data.extra };
    expectTypeOf(wrong).not.toBeAny();
  });
});

describe('createZodFastPathDecoder', () => {
  it("types the decoder by the schema's output, whatever the fast path returns", () => {
    const schema = z.object({ id: z.number(), at: z.string().transform((s) => new Date(s)) });
    const decoder = createZodFastPathDecoder({
      schema,
      signature: zodFastPathSignature(schema),
      parse: () => undefined,
    });
    expectTypeOf(decoder).toEqualTypeOf<EventDecoder<{ id: number; at: Date }>>();
    // @ts-expect-error: the signature is the fingerprint string
    createZodFastPathDecoder({ schema, signature: 1, parse: () => undefined });
  });
});
