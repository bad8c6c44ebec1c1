import { InvalidArgumentError } from '@ssekit/contract';
import type { StreamOptions } from './router.js';
import type { RawSession } from './session.js';

/** A raw route's handler. */
export type RawHandler = (session: RawSession) => unknown;

/** Where a scope's routes go: the router's registry. */
export interface RawRouteRegistry {
  addRaw(path: string, options: StreamOptions, handler: RawHandler): void;
}

/** `prefix` + `path`, with exactly one `/` between them; `''` and `/` mean the prefix itself. */
export function joinPath(prefix: string, path: string): string {
  if (path === '' || path === '/') return prefix === '' ? '/' : prefix;
  return `${prefix.replace(/\/$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * A place to declare routes: the router itself, or a `route(path, …)` block inside it (Ktor's `route("/x") { sse { … } }`).
 *
 * @example
 * ```ts
 * router.route('/nested', (r) => {
 *   r.sse(async (session) => { await session.send({ data: 'at /nested' }); });
 * });
 * ```
 */
export class RouteScope {
  readonly #prefix: string;
  readonly #registry: RawRouteRegistry;

  /** @internal Scopes are made by the router and by `route()`. */
  constructor(prefix: string, registry: RawRouteRegistry) {
    this.#prefix = prefix;
    this.#registry = registry;
  }

  /**
   * Declares an untyped SSE route: `sse(path, handler)`, `sse(path, options, handler)`, or `sse(handler)` at the enclosing path.
   */
  sse(handler: RawHandler): this;
  sse(path: string, handler: RawHandler): this;
  sse(path: string, options: StreamOptions, handler: RawHandler): this;
  sse(a: string | RawHandler, b?: StreamOptions | RawHandler, c?: RawHandler): this {
    const path = joinPath(this.#prefix, typeof a === 'string' ? a : '');
    const handler = typeof a === 'function' ? a : typeof b === 'function' ? b : c;
    const options = typeof b === 'object' ? b : {};
    if (typeof handler !== 'function') throw new InvalidArgumentError(`sse(${path}): a handler function is required`);
    this.#registry.addRaw(path, options, handler);
    return this;
  }

  /** Opens a nested block of routes under `path`. */
  route(path: string, build: (scope: RouteScope) => void): this {
    build(new RouteScope(joinPath(this.#prefix, path), this.#registry));
    return this;
  }
}
