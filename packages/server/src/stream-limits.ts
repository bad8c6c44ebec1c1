import { InvalidArgumentError } from '@ssekit/contract';
import { StreamLimitError } from './errors.js';
import type { CoreRequest } from './request.js';

/** Default `limits.maxStreams`: far above what one process usually serves, well below a typical descriptor limit. */
export const DEFAULT_MAX_STREAMS = 10_000;
/** Default `Retry-After` (seconds) of a 503 for a refused stream. */
export const DEFAULT_LIMIT_RETRY_AFTER_S = 5;

/**
 * Concurrent-stream limits of a router. A stream over a limit is answered 503 with `Retry-After` before its body is
 * read and before `beforeStream` or the handler run; its slot is released when the stream ends for any reason.
 *
 * @example
 * ```ts
 * createRouter({
 *   limits: {
 *     maxStreams: 5_000,
 *     maxStreamsPerKey: 20,
 *     streamKey: (request) => request.header('x-forwarded-for')?.split(',')[0] ?? remoteAddress(request.raw),
 *   },
 * });
 * ```
 */
export interface StreamLimits {
  /** Streams open at once on this router. Default 10,000; `Infinity` for none. */
  maxStreams?: number;
  /** Streams open at once per key (see `streamKey`). Default: no per-key limit. */
  maxStreamsPerKey?: number;
  /**
   * The key a request counts against (a client IP, a user id from a header or cookie, a tenant); `undefined` counts
   * against no key. Default: the socket's remote address on node adapters (`request.raw.socket.remoteAddress`).
   */
  streamKey?: (request: CoreRequest) => string | undefined;
  /** `Retry-After` of the 503, in seconds: a whole number drawn from `[retryAfterSeconds, 2 × retryAfterSeconds]`. Default 5. */
  retryAfterSeconds?: number;
}

/** What {@link StreamSlot.detach} hands over: `RELEASED`, or the key the hold counts against. */
export const RELEASED: unique symbol = Symbol('ssekit.released');
/** A slot's hold without the slot object (what a router keeps per open stream): see {@link StreamSlot.detach}. */
export type SlotHold = string | undefined | typeof RELEASED;

/** One admitted stream's hold on the limits; `release()` is idempotent. */
export interface StreamSlot {
  release(): void;
  /**
   * Hands the hold over to its owner, who keeps it as a plain value (no object per stream) and gives it back once with
   * {@link StreamLimiter.freeHold}; the slot itself is then released without freeing. `RELEASED` if it already was.
   */
  detach(): SlotHold;
}

/** The remote address of a node request (`raw` of node, express and fastify core requests), if any. */
function remoteAddress(request: CoreRequest): string | undefined {
  const raw = request.raw as
    | { socket?: { remoteAddress?: string }; raw?: { socket?: { remoteAddress?: string } } }
    | undefined;
  return raw?.socket?.remoteAddress ?? raw?.raw?.socket?.remoteAddress;
}

function checkCount(name: string, value: number | undefined): void {
  if (value === undefined || value === Number.POSITIVE_INFINITY) return;
  if (!Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(`limits.${name} must be a non-negative integer or Infinity, got ${value}`);
  }
}

/** Counts open streams in total and per key; hands out slots, or the error saying which limit refused. */
export class StreamLimiter {
  readonly maxStreams: number;
  readonly maxStreamsPerKey: number;
  readonly retryAfterSeconds: number;
  readonly #keyOf: (request: CoreRequest) => string | undefined;
  readonly #perKey = new Map<string, number>();
  #total = 0;

  constructor(limits: StreamLimits = {}) {
    checkCount('maxStreams', limits.maxStreams);
    checkCount('maxStreamsPerKey', limits.maxStreamsPerKey);
    const retryAfter = limits.retryAfterSeconds ?? DEFAULT_LIMIT_RETRY_AFTER_S;
    if (!Number.isInteger(retryAfter) || retryAfter < 0) {
      throw new InvalidArgumentError(`limits.retryAfterSeconds must be a non-negative integer, got ${retryAfter}`);
    }
    this.maxStreams = limits.maxStreams ?? DEFAULT_MAX_STREAMS;
    this.maxStreamsPerKey = limits.maxStreamsPerKey ?? Number.POSITIVE_INFINITY;
    this.retryAfterSeconds = retryAfter;
    this.#keyOf = limits.streamKey ?? remoteAddress;
  }

  /** Streams holding a slot. */
  get active(): number {
    return this.#total;
  }

  /** Streams holding a slot of one key. */
  activeFor(key: string): number {
    return this.#perKey.get(key) ?? 0;
  }

  /** Takes a slot for a request, or says which limit refuses it. */
  acquire(request: CoreRequest): StreamSlot | StreamLimitError {
    if (this.#total >= this.maxStreams) return new StreamLimitError('global', this.maxStreams);
    const perKey = this.maxStreamsPerKey !== Number.POSITIVE_INFINITY;
    const key = perKey ? this.#keyOf(request) : undefined;
    if (key !== undefined) {
      const held = this.#perKey.get(key) ?? 0;
      if (held >= this.maxStreamsPerKey) return new StreamLimitError('key', this.maxStreamsPerKey, key);
      this.#perKey.set(key, held + 1);
    }
    this.#total++;
    return this.#slot(key);
  }

  #slot(key: string | undefined): StreamSlot {
    return new Slot(this, key);
  }

  /** Gives back a hold taken with {@link StreamSlot.detach}: once per hold; `RELEASED` frees nothing. */
  freeHold(hold: SlotHold): void {
    if (hold !== RELEASED) this.free(hold);
  }

  /** @internal A slot gives back its hold: once per slot (see {@link Slot.release}). */
  free(key: string | undefined): void {
    this.#total--;
    if (key === undefined) return;
    const left = (this.#perKey.get(key) ?? 1) - 1;
    if (left === 0) this.#perKey.delete(key);
    else this.#perKey.set(key, left);
  }
}

/**
 * A held slot: one small object per open stream, its `release` on the prototype (a closure per stream would cost a
 * function and its context on every idle connection).
 */
class Slot implements StreamSlot {
  #limiter: StreamLimiter | undefined;
  readonly #key: string | undefined;

  constructor(limiter: StreamLimiter, key: string | undefined) {
    this.#limiter = limiter;
    this.#key = key;
  }

  release(): void {
    const limiter = this.#limiter;
    if (limiter === undefined) return;
    this.#limiter = undefined;
    limiter.free(this.#key);
  }

  detach(): SlotHold {
    if (this.#limiter === undefined) return RELEASED;
    this.#limiter = undefined;
    return this.#key;
  }
}
