import { InvalidArgumentError, SsekitError } from '@ssekit/contract';
import type { StreamPosition } from './event-id.js';

/** One stored event, as the store hands it back for live delivery and replay. */
export interface StoredEvent {
  readonly topic: string;
  /** The store's epoch when the event was stored. */
  readonly epoch: string;
  readonly position: StreamPosition;
  /** `<epoch>-<ms>-<seq>`: the wire id, resumable. */
  readonly id: string;
  /** SSE event name. */
  readonly event: string;
  /** Serialized data (the text of its `data:` lines). */
  readonly data: string;
}

/** Why a `Last-Event-ID` cannot be resumed: the client must refetch its state. */
export type ResetReason = 'malformed' | 'other-epoch' | 'expired' | 'unknown-position';

/** What {@link ReplayStore.read} found after a position. */
export type ReplayResult =
  | { readonly kind: 'events'; readonly events: readonly StoredEvent[] }
  | { readonly kind: 'reset'; readonly reason: ResetReason };

/** Receives a topic's live events, in log order, each exactly once; and store-wide resets. */
export interface StoreListener {
  /** A newly stored event of the topic. */
  event(event: StoredEvent): void;
  /**
   * The store lost continuity (e.g. Redis restarted empty: new epoch). Events may have been lost; subscribers must be
   * told to refetch. `epoch` is the new epoch.
   */
  reset(epoch: string): void;
}

/**
 * Where a hub keeps and fans out its events: append, a live feed per topic, and replay after a position.
 * Implementations: {@link createMemoryReplayStore} (embedded default) and `@ssekit/redis` (Redis Streams, scale-out).
 *
 * Contract: live events reach listeners in position order, each once, including events appended by other processes
 * sharing the store; `subscribe` resolves only once the feed is live, so `head` read after it never misses one. The
 * repository's store conformance suite (`packages/server/tests/store-conformance.ts`) checks all of it: a new store is
 * done when it passes.
 */
export interface ReplayStore {
  /** Stores one event; resolves once it is stored (rejects with {@link StoreUnavailableError} otherwise). */
  append(topic: string, event: string, data: string): Promise<StoredEvent>;
  /** Starts the live feed of a topic; resolves when it is live, with a function that stops it. */
  subscribe(topic: string, listener: StoreListener): Promise<() => void>;
  /**
   * The topic's current epoch (one per store, or one per topic as on a Redis Cluster) and the position of its latest
   * event (`0-0` when it has none).
   */
  head(topic: string): Promise<{ epoch: string; position: StreamPosition }>;
  /**
   * The retained events of `topic` after `position` of `epoch`, in order — at most `limit` of them when given (the hub
   * replays page by page; a store may ignore `limit` and return them all) — or why that cannot be resumed.
   */
  read(topic: string, epoch: string, position: StreamPosition, limit?: number): Promise<ReplayResult>;
  /** Releases timers and connections. */
  close(): Promise<void>;
}

/**
 * The store could not take or read an event (e.g. Redis is down). A publish that rejects with it was not acknowledged:
 * retry it or report it, it may not be delivered.
 *
 * @example
 * ```ts
 * try { await hub.publish({ roomId }, 'message', msg); }
 * catch (err) { if (isSsekitError(err) && err.code === 'STORE_UNAVAILABLE') res.writeHead(503); }
 * ```
 */
export class StoreUnavailableError extends SsekitError<'STORE_UNAVAILABLE'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options);
  }
}

/**
 * The store handed the hub something it cannot use: an event the route does not declare, or (Redis) a malformed
 * notification. Reported to `onError`; the event is skipped and the stream goes on.
 *
 * @example
 * ```ts
 * createHub(route, { onError: (e) => { if (isSsekitError(e) && e.code === 'STORE_DATA') alert(e.message); } });
 * ```
 */
export class StoreDataError extends SsekitError<'STORE_DATA'> {
  constructor(message: string) {
    super('STORE_DATA', message);
  }
}

/**
 * Checks a numeric store option (a count, a size, a duration): a positive safe integer, else `InvalidArgumentError`
 * naming the store factory and the option. The one check every `ReplayStore` factory shares.
 *
 * @example
 * ```ts
 * const maxEvents = positiveStoreOption('createMyStore', 'retention.maxEvents', options.retention?.maxEvents ?? 1000);
 * ```
 */
export function positiveStoreOption(factory: string, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`${factory}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
