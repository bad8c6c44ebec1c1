// zod/v4/core only, never `zod` (classic): a contract module is bundled into browser clients, and classic zod's
// namespace pulls in every locale. The user's own schemas decide which zod flavour the bundle carries.
import { _string, $ZodObject, $ZodString, type $ZodType, type input, type output, toJSONSchema } from 'zod/v4/core';
import { ContractDefinitionError } from './errors.js';
import { assertEventName, assertRouteKey } from './names.js';
import { type PathParamNames, parsePathParams, routeShape } from './path.js';
import { isStandardSchema, type StandardSchemaV1 } from './standard-schema.js';

/** HTTP methods an SSE route may use. POST routes may declare a `body`. */
export type SseMethod = 'GET' | 'POST';

/**
 * What every schema slot of a contract (events, params, query, headers, body) accepts: a zod schema (the default,
 * first-class) or any other Standard Schema v1 validator (valibot, arktype, …).
 *
 * @example
 * ```ts
 * const schema: ContractSchema = z.object({ id: z.string() }); // or v.object({ id: v.string() }), type({ id: 'string' })
 * ```
 */
export type ContractSchema = $ZodType | StandardSchemaV1;

/** A record of SSE event name → schema of that event's data (zod or any Standard Schema). */
export type EventSchemas = Record<string, ContractSchema>;

/**
 * How an event's data travels as text: `text` for schemas whose output is a string
 * (sent verbatim, as Ktor's `ServerSentEvent("event 1")`), `json` for everything else.
 */
export type EventEncoding = 'text' | 'json';

/**
 * What a serializer learns about the value it is asked to write, the counterpart of
 * Ktor's `typeInfo` in `sse(path, serialize = { typeInfo, it -> … })`.
 */
export interface SerializeInfo {
  /** The contract route key (for raw routes: the path). */
  readonly route: string;
  /** The route path, with `:params`. */
  readonly path: string;
  /** The SSE event name being written. */
  readonly event: string;
  /** The event's schema (zod or another Standard Schema), when the route is typed. */
  readonly schema: ContractSchema | undefined;
  /** `text` when the schema's output is a string, otherwise `json`. */
  readonly encoding: EventEncoding;
}

/**
 * Turns a validated event value into the text of its `data:` field.
 *
 * @example
 * ```ts
 * const serialize: Serializer = (value) => JSON.stringify(value);
 * ```
 */
export type Serializer = (value: unknown, info: SerializeInfo) => string;

/**
 * Turns the text of an event's `data:` field back into a value, before validation.
 *
 * @example
 * ```ts
 * const deserialize: Deserializer = (text) => JSON.parse(text);
 * ```
 */
export type Deserializer = (text: string, info: SerializeInfo) => unknown;

/** What a route declaration may hold; see {@link defineContract}. */
export interface RouteDefinition<
  Path extends string = string,
  Events extends EventSchemas = EventSchemas,
  Method extends SseMethod = SseMethod,
> {
  /** Path with `:params`, e.g. `/rooms/:roomId/events`. */
  readonly path: Path;
  /** `GET` (default) or `POST`. */
  readonly method?: Method;
  /** Schema of the path params; defaults to a string per `:param`. */
  readonly params?: ContractSchema;
  /** Schema of the query string (values arrive as strings, or arrays of strings when repeated). */
  readonly query?: ContractSchema;
  /** Schema of the request headers (names in lower case). */
  readonly headers?: ContractSchema;
  /** Schema of the JSON request body; POST routes only. */
  readonly body?: ContractSchema;
  /** Every SSE event name this route may send, with the zod schema of its data. */
  readonly events: Events;
  /** Route serializer, shared by server and generated client. Default: strings verbatim, else JSON. */
  readonly serialize?: Serializer;
  /** Route deserializer used by the generated client. Default: the inverse of the default serializer. */
  readonly deserialize?: Deserializer;
  /** Media type of serialized data, for the docs. Default `application/json` (`text/plain` for text events). */
  readonly contentType?: string;
  /** Event sent when the handler fails after the stream started; its schema must accept `{ code, message }`. */
  readonly errorEvent?: keyof Events & string;
  /** Event sent when a client's `Last-Event-ID` cannot be resumed (replayable routes). */
  readonly resetEvent?: keyof Events & string;
  /** Whether the route issues resumable ids (see the replay store). */
  readonly replay?: boolean;
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly deprecated?: boolean;
  /** Example payloads per event, used by the docs. */
  readonly examples?: { readonly [K in keyof Events]?: readonly SchemaInput<Events[K]>[] };
  /**
   * Example requests of this route (params, query, headers, body): what `ssekit check` sends to a running server.
   * Inside {@link defineContract} each part is typed by the route's own schemas.
   */
  readonly requestExamples?: readonly RouteRequestExample[];
}

/**
 * One example request of a route, for `ssekit check`: the parts it sends, and what the stream should show.
 *
 * @example
 * ```ts
 * const example: RouteRequestExample = { name: 'Ada, twice', params: { name: 'Ada' }, query: { count: 2 } };
 * ```
 */
export interface RouteRequestExample<
  Params = Readonly<Record<string, unknown>>,
  Query = Readonly<Record<string, unknown>>,
  Headers = Readonly<Record<string, string>>,
  Body = unknown,
> {
  /** Shown in check reports; default `example <n>`. */
  readonly name?: string;
  readonly params?: Params;
  readonly query?: Query;
  readonly headers?: Headers;
  /** JSON body; POST routes only. */
  readonly body?: Body;
  /**
   * `events` (default): a normal stream. `error-event`: this request makes the handler fail, so the route's declared
   * `errorEvent` must arrive.
   */
  readonly expect?: 'events' | 'error-event';
}

/**
 * A request example typed by a route's schemas (their input side), as `requestExamples` takes it in {@link defineContract}.
 *
 * @example
 * ```ts
 * const example: RequestExampleOf<typeof contract.greetings> = { params: { name: 'Ada' }, query: { count: 2 } };
 * ```
 */
export type RequestExampleOf<R extends RouteDefinition> = RouteRequestExample<
  InferParamsInput<R>,
  InferQueryInput<R>,
  InferHeadersInput<R>,
  InferBodyInput<R>
>;

/** Internal data ssekit keeps on each route, under one key (oRPC style). */
export interface RouteInternals {
  readonly kind: 'route';
  readonly key: string;
  readonly paramNames: readonly string[];
  readonly eventNames: readonly string[];
  readonly encodings: Readonly<Record<string, EventEncoding>>;
  /** The params schema actually used: the declared one, or a string per `:param`. */
  readonly params: ContractSchema;
}

/** A route after {@link defineContract}: the declaration plus its normalized internals. */
export type ContractRoute<R extends RouteDefinition = RouteDefinition> = R & {
  readonly method: R['method'] extends SseMethod ? R['method'] : 'GET';
  readonly '~ssekit': RouteInternals;
};

/** Internal data ssekit keeps on a contract. */
export interface ContractInternals {
  readonly kind: 'contract';
  readonly routes: Readonly<Record<string, ContractRoute>>;
}

/** What every contract has: its internals under `'~ssekit'`. Use as a constraint (`C extends AnyContract`). */
export interface AnyContract {
  readonly '~ssekit': ContractInternals;
}

/**
 * A contract: route key → route, plus internals under `'~ssekit'`. Bare `Contract` (no type argument) is any contract.
 */
export type Contract<Routes extends Record<string, RouteDefinition> | undefined = undefined> =
  Routes extends Record<string, RouteDefinition>
    ? { readonly [K in keyof Routes]: ContractRoute<Routes[K]> } & AnyContract
    : AnyContract;

/** Any route of any contract. */
export type AnyContractRoute = ContractRoute<RouteDefinition>;

/** The route keys of a contract. */
export type RouteKeys<C extends AnyContract> = Exclude<keyof C, '~ssekit'> & string;

/**
 * Declares one route with full inference of its path and events; optional inside {@link defineContract}.
 *
 * @example
 * ```ts
 * const room = defineRoute({
 *   path: '/rooms/:roomId/events',
 *   events: { message: z.object({ user: z.string(), text: z.string() }) },
 * });
 * ```
 */
export function defineRoute<
  const Path extends string,
  const Events extends EventSchemas,
  const R extends RouteDefinition<Path, Events>,
>(route: R & RouteDefinition<Path, Events>): R {
  return route;
}

const encodingCache = new WeakMap<object, EventEncoding>();

/**
 * `text` when a schema's output is always a string (sent verbatim), otherwise `json`.
 *
 * @example
 * ```ts
 * eventEncoding(z.string()); // 'text'
 * eventEncoding(z.object({ id: z.number() })); // 'json'
 * ```
 */
export function eventEncoding(schema: ContractSchema): EventEncoding {
  const cached = encodingCache.get(schema);
  if (cached) return cached;
  let encoding: EventEncoding = 'json';
  try {
    // zod: its own converter. Other validators: their Standard JSON Schema, when they offer one (arktype does);
    // valibot: its schema's own `type` (`v.string()`, also inside `v.pipe`). Anything else travels as JSON.
    const json = (
      isZodSchema(schema)
        ? toJSONSchema(schema, { io: 'output', unrepresentable: 'any' })
        : (schema['~standard'].jsonSchema?.output({ target: 'draft-2020-12' }) ??
          (schema['~standard'].vendor === 'valibot' ? { type: (schema as { type?: unknown }).type } : undefined))
    ) as { type?: unknown } | undefined;
    if (json?.type === 'string') encoding = 'text';
  } catch {
    encoding = 'json';
  }
  encodingCache.set(schema, encoding);
  return encoding;
}

/**
 * True for a zod schema (classic or mini: anything built on zod's core).
 *
 * @example
 * ```ts
 * isZodSchema(z.string()); // true
 * ```
 */
export function isZodSchema(value: unknown): value is $ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function isContractSchema(value: unknown): value is ContractSchema {
  return isZodSchema(value) || isStandardSchema(value);
}

function objectShapeKeys(schema: $ZodType): string[] | undefined {
  const def = (schema as $ZodObject)._zod.def as { type: string; shape?: Record<string, unknown> };
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

const isPlainObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkRequestExamples(key: string, route: RouteDefinition): void {
  const examples = route.requestExamples;
  if (examples === undefined) return;
  if (!Array.isArray(examples)) throw new ContractDefinitionError('`requestExamples` must be an array', key);
  examples.forEach((example: unknown, index) => {
    const where = `requestExamples[${index}]`;
    if (!isPlainObject(example)) throw new ContractDefinitionError(`${where} must be an object`, key);
    const { name, params, query, headers, body, expect } = example as RouteRequestExample;
    if (name !== undefined && typeof name !== 'string') {
      throw new ContractDefinitionError(`${where}.name must be a string`, key);
    }
    for (const [part, value] of [
      ['params', params],
      ['query', query],
      ['headers', headers],
    ] as const) {
      if (value !== undefined && !isPlainObject(value)) {
        throw new ContractDefinitionError(`${where}.${part} must be an object`, key);
      }
    }
    if (body !== undefined && (route.method ?? 'GET') !== 'POST') {
      throw new ContractDefinitionError(`${where} has a body but the route is not a POST route`, key);
    }
    if (expect !== undefined && expect !== 'events' && expect !== 'error-event') {
      throw new ContractDefinitionError(`${where}.expect must be "events" or "error-event"`, key);
    }
    if (expect === 'error-event' && route.errorEvent === undefined) {
      throw new ContractDefinitionError(`${where} expects the error event but the route declares no errorEvent`, key);
    }
  });
}

function normalizeRoute(key: string, route: RouteDefinition): ContractRoute {
  assertRouteKey(key);
  if (typeof route !== 'object' || route === null) throw new ContractDefinitionError('is not an object', key);
  if (typeof route.path !== 'string') throw new ContractDefinitionError('has no string `path`', key);
  const paramNames = parsePathParams(route.path, key);
  const method = route.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST') {
    throw new ContractDefinitionError(`method must be GET or POST, got ${JSON.stringify(method)}`, key);
  }
  if (route.body !== undefined && method !== 'POST') {
    throw new ContractDefinitionError('declares a `body` but is not a POST route', key);
  }
  for (const field of ['params', 'query', 'headers', 'body'] as const) {
    if (route[field] !== undefined && !isContractSchema(route[field])) {
      throw new ContractDefinitionError(
        `\`${field}\` must be a zod schema or another Standard Schema v1 validator`,
        key,
      );
    }
  }
  let params: ContractSchema;
  if (route.params) {
    // zod exposes its shape; other validators are checked against the path when requests arrive.
    const keys = isZodSchema(route.params) ? objectShapeKeys(route.params) : undefined;
    if (keys) {
      const missing = paramNames.filter((name) => !keys.includes(name));
      const extra = keys.filter((name) => !paramNames.includes(name));
      if (missing.length || extra.length) {
        throw new ContractDefinitionError(
          `params schema keys [${keys.join(', ')}] do not match the path's :params [${paramNames.join(', ')}]`,
          key,
        );
      }
    }
    params = route.params;
  } else {
    // the equivalent of z.object({ [name]: z.string() }), built from core classes
    params = new $ZodObject({
      type: 'object',
      shape: Object.fromEntries(paramNames.map((name) => [name, _string($ZodString)])),
    });
  }
  if (typeof route.events !== 'object' || route.events === null) {
    throw new ContractDefinitionError('has no `events` record', key);
  }
  const eventNames = Object.keys(route.events);
  if (eventNames.length === 0) throw new ContractDefinitionError('declares no events', key);
  // Null prototype: an event may be called `__proto__` or `constructor`.
  const encodings: Record<string, EventEncoding> = Object.create(null);
  for (const name of eventNames) {
    assertEventName(name, key);
    const schema = route.events[name];
    if (!isContractSchema(schema)) {
      throw new ContractDefinitionError(
        `event "${name}" needs a zod schema or another Standard Schema v1 validator`,
        key,
      );
    }
    encodings[name] = eventEncoding(schema);
  }
  for (const field of ['errorEvent', 'resetEvent'] as const) {
    const name = route[field];
    if (name !== undefined && !eventNames.includes(name)) {
      throw new ContractDefinitionError(`${field} "${name}" is not one of its events`, key);
    }
  }
  checkRequestExamples(key, route);
  if ((route.serialize === undefined) !== (route.deserialize === undefined)) {
    throw new ContractDefinitionError('declares only one of `serialize` / `deserialize`; give both or neither', key);
  }
  const internals: RouteInternals = { kind: 'route', key, paramNames, eventNames, encodings, params };
  return Object.freeze({ ...route, method, '~ssekit': internals }) as ContractRoute;
}

/**
 * Declares a set of SSE routes once, for server, generated client and docs.
 * Checks every route at once and throws a {@link ContractDefinitionError} naming the route.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * export const contract = defineContract({
 *   events: { path: '/events', events: { message: z.string() } },
 *   json: {
 *     path: '/json',
 *     events: {
 *       customer: z.object({ id: z.number(), firstName: z.string(), lastName: z.string() }),
 *       product: z.object({ id: z.number(), prices: z.array(z.number()) }),
 *     },
 *   },
 * });
 * ```
 */
export function defineContract<const Routes extends Record<string, RouteDefinition>>(
  routes: Routes & {
    [K in keyof Routes]: RouteDefinition<Routes[K]['path'], Routes[K]['events']> & {
      readonly requestExamples?: readonly RequestExampleOf<Routes[K]>[];
    };
  },
): Contract<Routes> {
  if (typeof routes !== 'object' || routes === null) throw new ContractDefinitionError('a contract must be an object');
  const normalized: Record<string, ContractRoute> = {};
  const seen = new Map<string, string>();
  for (const [key, route] of Object.entries(routes)) {
    if (key === '~ssekit') continue;
    const entry = normalizeRoute(key, route);
    const signature = routeShape(entry.method, entry.path);
    const clash = seen.get(signature);
    if (clash) throw new ContractDefinitionError(`${signature} is already declared by route "${clash}"`, key);
    seen.set(signature, key);
    normalized[key] = entry;
  }
  const internals: ContractInternals = { kind: 'contract', routes: normalized };
  return Object.freeze({ ...normalized, '~ssekit': internals }) as unknown as Contract<Routes>;
}

/**
 * The routes of a contract as `[key, route]` pairs, in declaration order.
 *
 * @example
 * ```ts
 * for (const [key, route] of contractRoutes(contract)) console.log(key, route.path);
 * ```
 */
export function contractRoutes(contract: Contract): [string, AnyContractRoute][] {
  return Object.entries(contract['~ssekit'].routes);
}

/**
 * True when `value` is a contract made by {@link defineContract}.
 *
 * @example
 * ```ts
 * if (isContract(mod.default)) generate(mod.default);
 * ```
 */
export function isContract(value: unknown): value is Contract {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { '~ssekit'?: { kind?: unknown } })['~ssekit']?.kind === 'contract'
  );
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};
/**
 * The output type of a contract schema: zod's `output` for zod (transforms apply), `InferOutput` for other Standard
 * Schema validators.
 *
 * @example
 * ```ts
 * type Id = SchemaOutput<typeof idSchema, never>;
 * ```
 */
export type SchemaOutput<S, Fallback = never> = S extends $ZodType
  ? output<S>
  : S extends StandardSchemaV1
    ? StandardSchemaV1.InferOutput<S>
    : Fallback;
/**
 * The input type of a contract schema: zod's `input` (what `send` accepts), `InferInput` for other validators.
 *
 * @example
 * ```ts
 * type IdInput = SchemaInput<typeof idSchema, never>;
 * ```
 */
export type SchemaInput<S, Fallback = never> = S extends $ZodType
  ? input<S>
  : S extends StandardSchemaV1
    ? StandardSchemaV1.InferInput<S>
    : Fallback;
type EmptyObject = Record<never, never>;

/** Events record of a route. */
export type InferEventSchemas<R extends RouteDefinition> = R['events'];

/** Event name union of a route. */
export type InferEventName<R extends RouteDefinition> = keyof R['events'] & string;

/**
 * Event name → parsed data (zod output), what the client receives and what the server serializes.
 *
 * @example
 * ```ts
 * type E = InferEvents<typeof contract.json>; // { customer: {...}; product: {...} }
 * ```
 */
export type InferEvents<R extends RouteDefinition> = { [K in InferEventName<R>]: SchemaOutput<R['events'][K]> };

/** Event name → accepted input (zod input), what the server's `send` takes. */
export type InferEventInputs<R extends RouteDefinition> = {
  [K in InferEventName<R>]: SchemaInput<R['events'][K]>;
};

/**
 * Data of one event (zod output).
 *
 * @example
 * ```ts
 * type Customer = InferEventData<typeof contract.json, 'customer'>;
 * ```
 */
export type InferEventData<R extends RouteDefinition, Name extends InferEventName<R>> = SchemaOutput<R['events'][Name]>;

/** Accepted input of one event (zod input). */
export type InferEventInput<R extends RouteDefinition, Name extends InferEventName<R>> = SchemaInput<R['events'][Name]>;

/**
 * A received event as a union discriminated by `event`.
 *
 * @example
 * ```ts
 * function on(e: InferEventUnion<typeof contract.json>) { if (e.event === 'customer') e.data.firstName; }
 * ```
 */
export type InferEventUnion<R extends RouteDefinition> = {
  [K in InferEventName<R>]: { event: K; data: SchemaOutput<R['events'][K]>; id: string | undefined };
}[InferEventName<R>];

/** Path params after parsing (server side). */
export type InferParams<R extends RouteDefinition> = Simplify<
  SchemaOutput<R['params'], { [K in PathParamNames<R['path']>]: string }>
>;
/** Path params as the caller passes them (client side). */
export type InferParamsInput<R extends RouteDefinition> = Simplify<
  SchemaInput<R['params'], { [K in PathParamNames<R['path']>]: string | number }>
>;
/** Query after parsing. */
export type InferQuery<R extends RouteDefinition> = SchemaOutput<R['query'], EmptyObject>;
/** Query as the caller passes it. */
export type InferQueryInput<R extends RouteDefinition> = SchemaInput<R['query'], EmptyObject>;
/** Headers after parsing. */
export type InferHeaders<R extends RouteDefinition> = SchemaOutput<R['headers'], EmptyObject>;
/** Headers as the caller passes them. */
export type InferHeadersInput<R extends RouteDefinition> = SchemaInput<R['headers'], EmptyObject>;
/** Body after parsing (`undefined` for routes without one). */
export type InferBody<R extends RouteDefinition> = SchemaOutput<R['body'], undefined>;
/** Body as the caller passes it. */
export type InferBodyInput<R extends RouteDefinition> = SchemaInput<R['body'], undefined>;
