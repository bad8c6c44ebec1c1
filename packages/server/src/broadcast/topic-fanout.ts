import { isSsekitError } from '@ssekit/contract';
import { concatBytes } from '../frames.js';
import type { SseSession } from '../session.js';
import { comparePositions, type StreamPosition, ZERO_POSITION } from './event-id.js';
import type { HubRoute } from './hub-route.js';
import { type ReplayStore, type StoredEvent, type StoreListener, StoreUnavailableError } from './store.js';

/** An event on its way to subscribers: as stored, and encoded once. */
export interface FanoutItem {
  readonly stored: StoredEvent;
  readonly frame: Uint8Array;
}

/** One session following a topic. */
export interface Subscriber {
  readonly session: SseSession;
  /**
   * While replaying: live events held back, written after the replay unless already replayed. Their bytes count
   * toward the session's queue bound (`heldBytes`), so the slow-consumer policy holds during a replay too.
   */
  buffer: FanoutItem[] | undefined;
  /** Bytes of `buffer`, counted by the session's queue (`holdBytes`). */
  heldBytes: number;
  /** After a replay: live events at or before this position were already written; cleared by the first newer one. */
  skipThrough: StreamPosition | undefined;
}

/** The live state of one topic on this instance: its subscribers, its store feed, the events of the current turn. */
export interface TopicState {
  readonly subscribers: Set<Subscriber>;
  /** Resolves once the store feed is live; rejects with {@link StoreUnavailableError} when it could not start. */
  readonly ready: Promise<void>;
  unsubscribe: (() => void) | undefined;
  /** Events of the current turn not yet written: flushed together in a microtask (see `flush`). */
  pending: FanoutItem[];
  scheduled: boolean;
}

/**
 * The hub's fan-out: one store feed per topic with subscribers on this instance, and every event written to each
 * subscriber without awaiting any (a slow one is bounded by its session's queue policy). The events a topic receives
 * in one turn are written to each subscriber as one write, their frames concatenated once.
 */
export class TopicFanout {
  readonly #topics = new Map<string, TopicState>();
  readonly #store: ReplayStore;
  readonly #route: HubRoute;
  readonly #report: (error: unknown) => void;

  constructor(store: ReplayStore, route: HubRoute, report: (error: unknown) => void) {
    this.#store = store;
    this.#route = route;
    this.#report = report;
  }

  /** Adds a subscriber to a topic, opening the topic's store feed when it is the first. */
  join(topic: string, subscriber: Subscriber): TopicState {
    const state = this.#topics.get(topic) ?? this.#open(topic);
    state.subscribers.add(subscriber);
    return state;
  }

  /** Removes a subscriber; the topic's store feed stops with its last subscriber. */
  leave(topic: string, state: TopicState, subscriber: Subscriber): void {
    state.subscribers.delete(subscriber);
    if (state.subscribers.size > 0 || this.#topics.get(topic) !== state) return;
    this.#topics.delete(topic);
    state.unsubscribe?.();
    state.unsubscribe = undefined;
  }

  /** Subscribers on this instance, in total or for one topic. */
  count(topic?: string): number {
    if (topic !== undefined) return this.#topics.get(topic)?.subscribers.size ?? 0;
    let total = 0;
    for (const state of this.#topics.values()) total += state.subscribers.size;
    return total;
  }

  /** Stops every store feed. */
  close(): void {
    for (const state of this.#topics.values()) state.unsubscribe?.();
    this.#topics.clear();
  }

  #open(topic: string): TopicState {
    const listener: StoreListener = {
      event: (stored) => this.#onEvent(topic, stored),
      reset: (epoch) => this.#onReset(topic, epoch),
    };
    const state: TopicState = {
      subscribers: new Set(),
      unsubscribe: undefined,
      pending: [],
      scheduled: false,
      ready: this.#store.subscribe(topic, listener).then(
        (unsubscribe) => {
          if (this.#topics.get(topic) === state && state.subscribers.size > 0) state.unsubscribe = unsubscribe;
          else unsubscribe();
        },
        (error: unknown) => {
          if (this.#topics.get(topic) === state) this.#topics.delete(topic);
          throw asStoreError(error, `cannot subscribe to topic "${topic}"`);
        },
      ),
    };
    this.#topics.set(topic, state);
    return state;
  }

  #onEvent(topic: string, stored: StoredEvent): void {
    const state = this.#topics.get(topic);
    if (!state || state.subscribers.size === 0) return;
    const frame = this.#route.frameOf(stored);
    if (!frame) return;
    state.pending.push({ stored, frame });
    if (!state.scheduled) {
      state.scheduled = true;
      queueMicrotask(() => this.#flush(state));
    }
  }

  /** The store lost continuity: every subscriber is sent the reset event (or, mid-replay, closed to reconnect). */
  #onReset(topic: string, epoch: string): void {
    const state = this.#topics.get(topic);
    if (!state) return;
    this.#flush(state);
    let frame: Uint8Array | undefined;
    for (const subscriber of state.subscribers) {
      if (subscriber.buffer) {
        // Mid-replay across a store reset: its reconnect gets the reset event from its (old-epoch) id.
        state.subscribers.delete(subscriber);
        subscriber.session.close();
      } else if (this.#route.replay) {
        subscriber.skipThrough = undefined;
        frame ??= this.#route.resetFrame('other-epoch', epoch, ZERO_POSITION);
        this.#write(state, subscriber, frame);
      }
    }
  }

  /**
   * Writes the events that arrived during this turn: one write per subscriber, of their frames concatenated once
   * (a burst of publishes costs each subscriber one write, not one per event). Subscribers still replaying hold them;
   * those just past a replay skip what it already wrote.
   */
  #flush(state: TopicState): void {
    state.scheduled = false;
    const items = state.pending;
    if (items.length === 0) return;
    state.pending = [];
    let batch: Uint8Array | undefined;
    for (const subscriber of state.subscribers) {
      if (subscriber.buffer) {
        this.#hold(state, subscriber, subscriber.buffer, items);
        continue;
      }
      const skip = subscriber.skipThrough;
      if (skip !== undefined) {
        let i = 0;
        while (i < items.length && comparePositions((items[i] as FanoutItem).stored.position, skip) <= 0) i++;
        if (i === items.length) continue;
        subscriber.skipThrough = undefined;
        if (i > 0) {
          this.#write(state, subscriber, concatBytes(items.slice(i).map((item) => item.frame)));
          continue;
        }
      }
      batch ??= concatBytes(items.map((item) => item.frame));
      this.#write(state, subscriber, batch);
    }
  }

  /**
   * Holds a turn's events for a subscriber still replaying, within its queue bound: over it, the `disconnect` policy
   * cuts the client off (it leaves the topic) and `drop` skips these events, as a live write would.
   */
  #hold(state: TopicState, subscriber: Subscriber, buffer: FanoutItem[], items: readonly FanoutItem[]): void {
    let size = 0;
    for (const item of items) size += item.frame.length;
    if (!subscriber.session.holdBytes(size)) {
      if (subscriber.session.closed) state.subscribers.delete(subscriber);
      return;
    }
    subscriber.heldBytes += size;
    for (const item of items) buffer.push(item);
  }

  #write(state: TopicState, subscriber: Subscriber, frame: Uint8Array): void {
    try {
      // Not awaited: a slow subscriber never delays the others; its session's slow-consumer policy bounds its queue.
      void subscriber.session.writeEncoded(frame);
    } catch (error) {
      state.subscribers.delete(subscriber);
      if (!subscriber.session.closed) this.#report(error);
    }
  }
}

/** A store failure as {@link StoreUnavailableError} (ssekit's own errors pass through). */
export function asStoreError(error: unknown, what: string): unknown {
  if (isSsekitError(error)) return error;
  return new StoreUnavailableError(`${what}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}
