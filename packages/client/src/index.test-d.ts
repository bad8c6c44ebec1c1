import { describe, expectTypeOf, it } from 'vitest';
import {
  AbortedError,
  type CloseInfo,
  ContentTypeError,
  connectEventStream,
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
  type SsekitError,
  type SubscribeHandlers,
  streamRoute,
  type TypedEvent,
  UnknownEventError,
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
});
