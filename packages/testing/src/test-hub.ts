import { deepStrictEqual, strictEqual } from 'node:assert/strict';
import { type AnyContractRoute, type InferParamsInput, InvalidArgumentError } from '@ssekit/contract';
import type { Hub, StreamOptions } from '@ssekit/server';
import { TestStreamError } from './errors.js';
import { routerFor, testRoute } from './test-route.js';
import { DEFAULT_TIMEOUT_MS, realTimers, type TestStream, type WaitOptions } from './test-stream.js';
import type { TestEvent, TestRequest } from './types.js';

/**
 * Options of {@link testHub}.
 *
 * @example
 * ```ts
 * const options: TestHubOptions = { stream: { heartbeat: { periodMs: 1000 } } };
 * ```
 */
export interface TestHubOptions {
  /** Stream settings of the route the subscriptions run on (heartbeat, queue bound, coalescing). */
  stream?: StreamOptions;
}

/**
 * A hub under test: publish through it, subscribe in-process (each subscription a {@link TestStream}), and check the
 * reset event of a resume that cannot be served. See {@link testHub}.
 *
 * @example
 * ```ts
 * const room: HubTester<typeof contract.room> = testHub(hub, contract.room);
 * ```
 */
export interface HubTester<R extends AnyContractRoute> {
  /** The hub's own `publish`: validated, stored, fanned out; resolves to the receipt (its `id` resumes after it). */
  publish: Hub<R>['publish'];
  /**
   * Subscribes like a client: opens the route for `params` (with the query, headers and `lastEventId` given) and
   * resolves once the subscription is live — any replay written first — so an event published next reaches it. A
   * refused subscription (`authorize` said no: 403, or a 400) resolves at once with `ok: false`.
   */
  subscribe(params: InferParamsInput<R>, request?: Omit<TestRequest<R>, 'params'>): Promise<TestStream<TestEvent<R>>>;
  /**
   * Reads the next event of `stream` and asserts it is the route's reset event (with `data`, when given); returns it.
   * The default reset data is `{ reason }`, `reason` one of `malformed`, `other-epoch`, `expired`, `unknown-position`.
   */
  expectReset(stream: TestStream<TestEvent<R>>, data?: unknown, options?: WaitOptions): Promise<TestEvent<R>>;
}

/**
 * Wraps a broadcast hub (`createHub(route)`) for tests: `publish`, `subscribe` (resolves once live), and
 * `expectReset`. Each subscription runs on a router of its own serving the hub's route through
 * `hub.implementation()`, so `authorize`, replay after `Last-Event-ID` and the reset event all run as in production.
 *
 * @example
 * ```ts
 * const hub = createHub(chatContract.roomEvents);
 * const room = testHub(hub, chatContract.roomEvents);
 * const ada = await room.subscribe({ roomId: 'lobby' });
 * const first = await room.publish({ roomId: 'lobby' }, 'presence', { user: 'ada', status: 'joined' });
 * await ada.expectEvents([{ event: 'presence', data: { user: 'ada', status: 'joined' }, id: first.id }]);
 * const late = await room.subscribe({ roomId: 'lobby' }, { lastEventId: first.id }); // replays what came after
 * await room.expectReset(await room.subscribe({ roomId: 'lobby' }, { lastEventId: 'bogus' }), { reason: 'malformed' });
 * ```
 */
export function testHub<R extends AnyContractRoute>(hub: Hub<R>, route: R, options: TestHubOptions = {}): HubTester<R> {
  if (route?.['~ssekit']?.kind !== 'route' || route['~ssekit'].key !== hub.route) {
    throw new InvalidArgumentError(`testHub(hub, route): pass the route the hub was created for ("${hub.route}")`);
  }
  return {
    publish: (params, event, data) => hub.publish(params, event, data),
    async subscribe(params, request = {}) {
      let live!: () => void;
      const isLive = new Promise<void>((resolve) => {
        live = resolve;
      });
      const router = routerFor(route, { ...options.stream, ...hub.implementation({ onLive: () => live() }) } as never);
      const stream = await testRoute(router, route, { ...request, params } as never);
      if (!stream.ok) return stream;
      await untilLive(stream, isLive, request.timeoutMs);
      return stream;
    },
    async expectReset(stream, data, waitOptions) {
      const resetEvent = route.resetEvent;
      if (resetEvent === undefined) {
        throw new InvalidArgumentError(`route "${hub.route}" declares no resetEvent`);
      }
      const event = await stream.next(waitOptions);
      strictEqual(event.event, resetEvent, `route "${hub.route}": expected the reset event "${resetEvent}"`);
      if (data !== undefined) deepStrictEqual(event.data, data);
      return event;
    },
  };
}

/** Waits for `onLive`, or the end of a stream the hub closed (an `authorize` that refused a direct subscribe). */
async function untilLive(
  stream: TestStream<{ event: string; data: unknown }>,
  live: Promise<void>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = realTimers.setTimeout(
      () => reject(new TestStreamError('timeout', `route "${stream.route}": the subscription did not go live`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([live, stream.done, timeout]);
  } finally {
    realTimers.clearTimeout(timer);
  }
}
