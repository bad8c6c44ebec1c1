import { type AnyContractRoute, defaultSerialize, InvalidArgumentError } from '@ssekit/contract';
import { Coalescer } from './coalesce.js';
import { HttpError } from './errors.js';
import { type CompiledEvents, compileRouteEvents } from './event-codec.js';
import { DEFAULT_HEARTBEAT_MS, defaultHeartbeatTimers, HeartbeatWheel } from './heartbeat.js';
import { lifetimePlan } from './reconnect-hint.js';
import type { RawHandler, RawRouteRegistry } from './route-scope.js';
import { type RouteEntry, RouteTable } from './route-table.js';
import type { RouterOptions, StreamOptions } from './router.js';
import type { RouteRuntime } from './session.js';

const DEFAULT_MAX_QUEUE_BYTES = 1024 * 1024;

/** The default error event payload: a stable code, never an internal message. */
export const defaultErrorEventData = (error: unknown): { code: string; message: string } =>
  error instanceof HttpError && error.problem
    ? { code: `HTTP_${error.status}`, message: error.problem.detail ?? error.problem.title }
    : { code: 'INTERNAL_ERROR', message: 'Internal server error' };

/** What `implement()` hands the router for one contract route. */
export interface ContractRouteImpl extends StreamOptions {
  handler: (session: never) => unknown;
  beforeStream?: (ctx: never) => unknown;
  toErrorEvent?: (error: unknown) => unknown;
}

/**
 * Turns route declarations into the router's table: per route its compiled events and the settings its sessions run
 * with, sharing one heartbeat wheel per heartbeat setting and one coalescing timer per window length.
 */
export class RouteRegistry implements RawRouteRegistry {
  readonly table = new RouteTable();
  readonly #options: Readonly<RouterOptions>;
  readonly #report: (error: unknown, route: string) => void;
  readonly #coalescers = new Map<number, Coalescer>();
  readonly #wheels = new Map<string, HeartbeatWheel>();

  constructor(options: Readonly<RouterOptions>, report: (error: unknown, route: string) => void) {
    this.#options = options;
    this.#report = report;
  }

  addRaw(path: string, options: StreamOptions, handler: RawHandler): void {
    this.table.add({
      method: 'GET',
      runtime: this.#runtime(path, path, undefined, options),
      schemas: {},
      beforeStream: undefined,
      handler: handler as RouteEntry['handler'],
      errorEvent: undefined,
      toErrorEvent: defaultErrorEventData,
      lifetime: lifetimePlan(options.maxLifetime ?? this.#options.maxLifetime),
    });
  }

  addContract(key: string, route: AnyContractRoute, impl: ContractRouteImpl): void {
    const serialize = impl.serialize ?? route.serialize;
    const events = compileRouteEvents(key, route, serialize ?? this.#options.serialize, defaultSerialize);
    this.table.add({
      method: route.method,
      runtime: this.#runtime(key, route.path, events, { ...impl, ...(serialize ? { serialize } : {}) }),
      schemas: {
        params: route['~ssekit'].params,
        ...(route.query ? { query: route.query } : {}),
        ...(route.headers ? { headers: route.headers } : {}),
        ...(route.body ? { body: route.body } : {}),
      },
      beforeStream: impl.beforeStream as RouteEntry['beforeStream'],
      handler: impl.handler,
      errorEvent: route.errorEvent,
      toErrorEvent: impl.toErrorEvent ?? defaultErrorEventData,
      lifetime: lifetimePlan(impl.maxLifetime ?? this.#options.maxLifetime),
    });
  }

  #runtime(name: string, path: string, events: CompiledEvents | undefined, options: StreamOptions): RouteRuntime {
    const o = this.#options;
    const heartbeat = options.heartbeat ?? o.heartbeat;
    const maxQueueBytes = options.maxQueueBytes ?? o.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES;
    if (!(maxQueueBytes > 0)) throw new InvalidArgumentError(`maxQueueBytes must be positive, got ${maxQueueBytes}`);
    const periodMs = heartbeat === false ? 0 : (heartbeat?.periodMs ?? DEFAULT_HEARTBEAT_MS);
    if (heartbeat !== false && !(periodMs > 0)) throw new InvalidArgumentError(`heartbeat.periodMs must be positive`);
    return {
      name,
      path,
      events,
      serialize: options.serialize ?? o.serialize ?? defaultSerialize,
      heartbeat:
        heartbeat === false
          ? undefined
          : this.#wheel(periodMs, heartbeat?.comment ?? 'heartbeat', heartbeat?.timers ?? defaultHeartbeatTimers()),
      maxQueueBytes,
      slowConsumer: options.slowConsumer ?? o.slowConsumer ?? 'disconnect',
      coalescer: this.#coalescer(options.coalesceMs ?? o.coalesceMs ?? 0),
      report: (error) => this.#report(error, name),
    };
  }

  #wheel(periodMs: number, comment: string, timers: 'shared' | 'per-stream'): HeartbeatWheel {
    const key = `${periodMs}\n${timers}\n${comment}`;
    let wheel = this.#wheels.get(key);
    if (!wheel) {
      wheel = new HeartbeatWheel({ periodMs, comment, timers });
      this.#wheels.set(key, wheel);
    }
    return wheel;
  }

  #coalescer(windowMs: number): Coalescer | undefined {
    if (!(windowMs >= 0) || !Number.isFinite(windowMs)) {
      throw new InvalidArgumentError(`coalesceMs must be >= 0, got ${windowMs}`);
    }
    if (windowMs === 0) return undefined;
    let coalescer = this.#coalescers.get(windowMs);
    if (!coalescer) {
      coalescer = new Coalescer(windowMs);
      this.#coalescers.set(windowMs, coalescer);
    }
    return coalescer;
  }
}
