import { type ContractSchema, parsePathParams, routeShape } from '@ssekit/contract';
import { RouteConflictError } from './errors.js';
import type { LifetimePlan } from './reconnect-hint.js';
import type { BeforeStreamContext } from './router.js';
import type { RouteRuntime } from './session.js';

/** A route's full configuration inside the router. */
export interface RouteEntry {
  readonly method: string;
  /** True when the path has no `:params` (the params object is then a shared empty one). */
  readonly paramless: boolean;
  readonly segments: readonly (string | { readonly param: string })[];
  readonly runtime: RouteRuntime;
  readonly schemas: {
    params?: ContractSchema;
    query?: ContractSchema;
    headers?: ContractSchema;
    body?: ContractSchema;
  };
  readonly beforeStream: ((ctx: BeforeStreamContext) => unknown) | undefined;
  readonly handler: (session: never) => unknown;
  readonly errorEvent: string | undefined;
  readonly toErrorEvent: (error: unknown) => unknown;
  /** When streams of this route end with a `retry:` hint (`maxLifetime`); `undefined`: when the handler returns. */
  readonly lifetime: LifetimePlan | undefined;
}

/** The routes a request path matches (of any method), each with its raw (still percent-encoded) params. */
export interface RouteMatch {
  readonly candidates: readonly RouteEntry[];
  paramsOf(entry: RouteEntry): Record<string, string>;
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The declared routes and how a request path finds them: paths without params through a map, the others segment by
 * segment. Two routes of the same shape (`routeShape`, the rule `defineContract` applies too) cannot both be added.
 */
export class RouteTable {
  readonly #routes: RouteEntry[] = [];
  readonly #shapes = new Map<string, RouteEntry>();
  readonly #static = new Map<string, RouteEntry[]>();

  /** Every route, in declaration order. */
  get entries(): readonly RouteEntry[] {
    return this.#routes;
  }

  /** Adds a route; throws when one of the same method and shape is already declared. */
  add(declared: Omit<RouteEntry, 'paramless' | 'segments'>): void {
    const path = declared.runtime.path;
    const segments = compileSegments(path);
    const shape = routeShape(declared.method, path);
    const clash = this.#shapes.get(shape);
    if (clash) throw new RouteConflictError(declared.method, path, clash.runtime.name);
    const paramless = segments.every((segment) => typeof segment === 'string');
    const entry: RouteEntry = { ...declared, segments, paramless };
    this.#routes.push(entry);
    this.#shapes.set(shape, entry);
    if (paramless) this.#static.set(path, [...(this.#static.get(path) ?? []), entry]);
  }

  /** The routes (of any method) whose path matches, or `undefined`. */
  match(path: string): RouteMatch | undefined {
    const found = this.#static.get(path);
    if (found) return { candidates: found, paramsOf: () => NO_PARAMS };
    const parts = path.split('/').slice(1);
    const candidates: RouteEntry[] = [];
    const params = new Map<RouteEntry, Record<string, string>>();
    for (const entry of this.#routes) {
      const values = matchSegments(entry.segments, parts);
      if (values) {
        candidates.push(entry);
        params.set(entry, values);
      }
    }
    return candidates.length ? { candidates, paramsOf: (entry) => params.get(entry) ?? NO_PARAMS } : undefined;
  }
}

function compileSegments(path: string): RouteEntry['segments'] {
  parsePathParams(path);
  return path
    .split('/')
    .slice(1)
    .map((segment) => (segment.startsWith(':') ? { param: segment.slice(1) } : segment));
}

/** The params of `parts` under a route's segments, or `undefined` when they do not match. */
function matchSegments(segments: RouteEntry['segments'], parts: readonly string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const values: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const segment = segments[i] as RouteEntry['segments'][number];
    const part = parts[i] as string;
    if (typeof segment === 'string') {
      if (segment !== part) return undefined;
    } else if (part === '') return undefined;
    else values[segment.param] = part;
  }
  return values;
}
