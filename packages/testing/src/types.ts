import type {
  InferBodyInput,
  InferEventName,
  InferParamsInput,
  InferQueryInput,
  RouteDefinition,
} from '@ssekit/contract';
import type { output } from 'zod/v4/core';

/**
 * One event a test stream received, decoded and validated with the route's schema: a union discriminated by `event`.
 * `id` and `retry` are there only when the event's own block carried them (a `retry:` in a data-less block before it
 * counts too).
 *
 * @example
 * ```ts
 * const event: TestEvent<typeof seedContract.greetings> = await stream.next();
 * if (event.event === 'greeting') event.data.text; // string
 * ```
 */
export type TestEvent<R extends RouteDefinition> = {
  [K in InferEventName<R>]: { event: K; data: output<R['events'][K]>; id?: string; retry?: number };
}[InferEventName<R>];

/**
 * An event of a raw route (`router.sse(path, …)`): its data as the text on the wire.
 *
 * @example
 * ```ts
 * const event: RawTestEvent = { event: 'hello', data: 'Hello from the enclosing route', id: '1' };
 * ```
 */
export interface RawTestEvent {
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

/**
 * What `expectEvents` compares an event with: `event`, plus whichever of `data`, `id` and `retry` you give. Fields you
 * leave out are not compared; `data` is compared in full (deep, strict).
 *
 * @example
 * ```ts
 * const expected: ExpectedEvent<typeof seedContract.greetings> = { event: 'greeting', data: { text: 'Hello, Ada!', n: 1 } };
 * ```
 */
export type ExpectedEvent<E extends { event: string; data: unknown }> = E extends unknown
  ? { event: E['event']; data?: E['data']; id?: string | undefined; retry?: number | undefined }
  : never;

/**
 * The request a test sends: params, query and body as a client passes them (the contract's input types), headers,
 * and a `Last-Event-ID`.
 *
 * @example
 * ```ts
 * const request: TestRequest<typeof seedContract.greetings> = { params: { name: 'Ada' }, query: { count: 2 } };
 * ```
 */
export interface TestRequest<R extends RouteDefinition> {
  params?: InferParamsInput<R>;
  query?: InferQueryInput<R>;
  /** Request headers (`accept: text/event-stream` is added unless given). */
  headers?: Record<string, string>;
  /** The JSON body of a POST route. */
  body?: InferBodyInput<R>;
  /** Sent as the `Last-Event-ID` header, as a reconnecting client does. */
  lastEventId?: string;
  /**
   * How long `next`, `take`, `expectEvents` and `expectEnd` wait, in real milliseconds (fake timers do not move it).
   * Default 5000.
   */
  timeoutMs?: number;
}

type HasRequired<T> = {} extends T ? false : true;

/**
 * `[request]` when the route needs params (a path with `:params`), else `[request?]`.
 *
 * @example
 * ```ts
 * const args: RequestArgs<typeof seedContract.greetings> = [{ params: { name: 'Ada' } }];
 * ```
 */
export type RequestArgs<R extends RouteDefinition> =
  HasRequired<InferParamsInput<R>> extends true
    ? [request: TestRequest<R> & { params: InferParamsInput<R> }]
    : [request?: TestRequest<R>];
