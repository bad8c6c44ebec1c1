import { buildRouteUrl, createEventDecoder, type EventDecoder, UnknownEventError } from '@ssekit/client';
import {
  type Contract,
  defineContract,
  InvalidArgumentError,
  type RouteDefinition,
  type RouteInternals,
} from '@ssekit/contract';
import { implement, type ProblemBody, type RouteImplementation, type SseRouter } from '@ssekit/server';
import { createFetchHandler } from '@ssekit/server/fetch';
import { DEFAULT_TIMEOUT_MS, TestStream, type WireDecoder, type WireEvent } from './test-stream.js';
import type { RawTestEvent, RequestArgs, TestEvent, TestRequest } from './types.js';

/** The origin of the requests a test sends; no socket is opened, the fetch handler is called directly. */
const ORIGIN = 'http://ssekit.test';

/**
 * Any route of a contract, GET or POST (`AnyContractRoute` narrows `method` to GET).
 *
 * @example
 * ```ts
 * const route: TestableRoute = seedContract.greetings;
 * ```
 */
export type TestableRoute = RouteDefinition & { readonly '~ssekit': RouteInternals };

/**
 * Anything with a web-standard `fetch(request)` handler: a Hono app, `{ fetch: createFetchHandler(router) }`, a
 * worker's default export. The request goes through the app's own middleware before it reaches ssekit.
 *
 * @example
 * ```ts
 * const app: FetchApp = createHonoApp(createKtorParityRouter());
 * ```
 */
export interface FetchApp {
  fetch(request: Request): Response | Promise<Response>;
}

/**
 * What a test drives: a router (from `implement`), a fetch app (a Hono app…), or the implementation of one route
 * (a handler, or `{ handler, … }`) run on a router of its own.
 *
 * @example
 * ```ts
 * const target: RouteTarget<typeof seedContract.greetings> = async (session) => session.send('greeting', { text: 'hi', n: 1 });
 * ```
 */
export type RouteTarget<R extends TestableRoute> = SseRouter | FetchApp | RouteImplementation<R>;

function isRouter(value: unknown): value is SseRouter {
  return typeof (value as { dispatch?: unknown } | null)?.dispatch === 'function';
}

function isFetchApp(value: unknown): value is FetchApp {
  return typeof value === 'object' && value !== null && typeof (value as FetchApp).fetch === 'function';
}

function isContractRoute(value: unknown): value is TestableRoute {
  return (value as { '~ssekit'?: { kind?: unknown } } | null)?.['~ssekit']?.kind === 'route';
}

/**
 * A router serving only `route`, implemented by `implementation`; its reported errors go to the test stream only.
 *
 * @example
 * ```ts
 * const router = routerFor(seedContract.greetings, async (session) => { await session.send('greeting', { text: 'hi', n: 1 }); });
 * ```
 */
export function routerFor<R extends TestableRoute>(route: R, implementation: RouteImplementation<R>): SseRouter {
  const key = route['~ssekit'].key;
  const contract = defineContract({ [key]: route } as Record<string, RouteDefinition>) as Contract;
  return implement(contract, { [key]: implementation } as never, { onError: () => {} });
}

/** The decoders a generated client would build for `route`, in `zod` validation mode. */
function contractDecoder<R extends TestableRoute>(route: R): WireDecoder<TestEvent<R>> {
  const internals = route['~ssekit'];
  // A Map: an event may be called `constructor`, and an undeclared `toString` must not find Object's.
  const decoders = new Map<string, EventDecoder>();
  for (const name of internals.eventNames) {
    const info = {
      route: internals.key,
      path: route.path,
      event: name,
      schema: route.events[name],
      encoding: internals.encodings[name] ?? 'json',
    };
    const deserialize = route.deserialize;
    decoders.set(
      name,
      createEventDecoder({
        schema: route.events[name] as never,
        encoding: info.encoding,
        route: internals.key,
        ...(deserialize ? { deserialize: (text: string) => deserialize(text, info) } : {}),
      }),
    );
  }
  return (wire) => {
    const raw = { event: wire.event, data: wire.data, id: wire.id };
    const decoder = decoders.get(wire.event);
    if (!decoder) {
      return { ok: false, error: new UnknownEventError(raw, { route: internals.key, known: internals.eventNames }) };
    }
    const result = decoder(wire.data, raw);
    if (!result.ok) return result;
    return { ok: true, value: withFields({ event: wire.event, data: result.value }, wire) as TestEvent<R> };
  };
}

function withFields<T extends object>(event: T, wire: WireEvent): T & { id?: string; retry?: number } {
  return {
    ...event,
    ...(wire.id === undefined ? {} : { id: wire.id }),
    ...(wire.retry === undefined ? {} : { retry: wire.retry }),
  };
}

const rawDecoder: WireDecoder<RawTestEvent> = (wire) => ({
  ok: true,
  value: withFields({ event: wire.event, data: wire.data }, wire),
});

async function readRefusal(response: Response): Promise<ProblemBody | string | undefined> {
  const text = await response.text();
  if (text === '') return undefined;
  if (/json/i.test(response.headers.get('content-type') ?? '')) {
    try {
      return JSON.parse(text) as ProblemBody;
    } catch {
      return text;
    }
  }
  return text;
}

interface Prepared {
  readonly url: URL;
  readonly method: string;
  readonly name: string;
}

async function open<E extends { event: string; data: unknown }>(
  target: SseRouter | FetchApp,
  prepared: Prepared,
  request: TestRequest<RouteDefinition>,
  decode: WireDecoder<E>,
): Promise<TestStream<E>> {
  const headers = new Headers(request.headers);
  if (!headers.has('accept')) headers.set('accept', 'text/event-stream');
  if (request.lastEventId !== undefined) headers.set('last-event-id', request.lastEventId);
  const hasBody = prepared.method === 'POST' && request.body !== undefined;
  if (hasBody && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const abort = new AbortController();
  const fetchRequest = new Request(prepared.url, {
    method: prepared.method,
    headers,
    signal: abort.signal,
    ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
  });
  const errors: unknown[] = [];
  const response = isRouter(target)
    ? await createFetchHandler(target, { onError: (error) => errors.push(error) })(fetchRequest)
    : await target.fetch(fetchRequest);
  const isStream = /^text\/event-stream\b/i.test(response.headers.get('content-type') ?? '');
  const refusal = response.ok && isStream ? undefined : await readRefusal(response);
  return new TestStream({
    route: prepared.name,
    response,
    refusal,
    decode,
    abort,
    errors,
    timeoutMs: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
}

/**
 * Opens one stream of a contract route in-process, without a socket: builds the request a client would send (path
 * params filled and percent-encoded, query, headers, JSON body, `Last-Event-ID`), hands it to the router through the
 * fetch adapter — so routing, validation and `beforeStream` run as in production — and reads the response as a
 * client would, every event decoded and validated with the route's schemas.
 *
 * `target` is a router (from `implement`), a fetch app (a Hono app: its middleware runs first), or the implementation
 * of this one route (a handler, or `{ handler, … }`). Never rejects for what the server does: a 400/403/… is a stream
 * with `ok: false`, its `status` and `problem`; a handler failure is in `stream.errors` (and the route's error event
 * in the stream). `errors` is filled for a router or an implementation; a fetch app's router reports to its own
 * `onError` only.
 *
 * @example
 * ```ts
 * const stream = await testRoute(router, seedContract.greetings, { params: { name: 'Ada' }, query: { count: 2 } });
 * const first = await stream.next(); // { event: 'greeting', data: { text: 'Hello, Ada!', n: 1 }, id: '1' }
 * const bad = await testRoute(router, seedContract.greetings, { params: { name: 'Ada' }, query: { count: 0 } });
 * bad.status; // 400
 * ```
 */
export async function testRoute<R extends TestableRoute>(
  target: RouteTarget<R>,
  route: R,
  ...args: RequestArgs<R>
): Promise<TestStream<TestEvent<R>>>;
/**
 * Opens one stream of a raw route (`router.sse(path, …)`) at `path` (query included, if any); events keep their data
 * as text.
 *
 * @example
 * ```ts
 * const stream = await testRoute(router, '/ktor/nested');
 * await stream.expectEvents([{ event: 'hello', data: 'Hello from the enclosing route', id: '1' }]);
 * ```
 */
export async function testRoute(
  target: SseRouter | FetchApp,
  path: string,
  request?: Omit<TestRequest<RouteDefinition>, 'params' | 'query' | 'body'>,
): Promise<TestStream<RawTestEvent>>;
export async function testRoute(
  target: unknown,
  route: TestableRoute | string,
  request: TestRequest<RouteDefinition> = {},
): Promise<TestStream<{ event: string; data: unknown }>> {
  if (typeof route === 'string') {
    if (!isRouter(target) && !isFetchApp(target)) {
      throw new InvalidArgumentError('testRoute(router, path): a raw route needs a router or a fetch app');
    }
    const url = new URL(route.startsWith('/') ? route : `/${route}`, ORIGIN);
    return open(target, { url, method: 'GET', name: url.pathname }, request, rawDecoder);
  }
  if (!isContractRoute(route)) {
    throw new InvalidArgumentError(
      'testRoute(router, route): pass a route of a contract made by defineContract (e.g. contract.greetings), or a path',
    );
  }
  const router =
    isRouter(target) || isFetchApp(target) ? target : routerFor(route, target as RouteImplementation<TestableRoute>);
  const url = buildRouteUrl(
    ORIGIN,
    route.path,
    request.params as Record<string, unknown> | undefined,
    request.query as Record<string, unknown> | undefined,
  );
  return open(
    router,
    { url, method: route.method ?? 'GET', name: route['~ssekit'].key },
    request,
    contractDecoder(route),
  );
}
