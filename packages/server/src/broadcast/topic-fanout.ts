import { isSsekitError } from '@ssekit/contract';
import { concatBytes } from '../frames.js';
import type { SessionFinishHook, SseSession } from '../session.js';
import { comparePositions, type StreamPosition, ZERO_POSITION } from './event-id.js';
import type { HubRoute } from './hub-route.js';
import { type ReplayStore, type StoredEvent, type StoreListener, StoreUnavailableError } from './store.js';

const RESOLVED: Promise<void> = Promise.resolve();

/** An event on its way to subscribers: as stored, and encoded once. */
export interface FanoutItem {
  readonly stored: StoredEvent;
  readonly frame: Uint8Array;
}

/**
 * A subscription that needs state of its own: a session resuming from its `Last-Event-ID` (or just past that replay),
 * or a session following more than one topic. A plain live subscription is its session itself in the topic's set: no
 * object of its own.
 */
export class Subscriber implements SessionFinishHook {
  readonly session: SseSession;
  readonly state: TopicState;
  /**
   * While replaying: live events held back, written after the replay unless already replayed. Their bytes count
   * toward the session's queue bound (`heldBytes`), so the slow-consumer policy holds during a replay too.
   */
  buffer: FanoutItem[] | undefined;
  /** Bytes of `buffer`, counted by the session's queue (`holdBytes`). */
  heldBytes = 0;
  /** After a replay: live events at or before this position were already written; cleared by the first newer one. */
  skipThrough: StreamPosition | undefined = undefined;

  constructor(session: SseSession, state: TopicState, replaying: boolean) {
    this.session = session;
    this.state = state;
    this.buffer = replaying ? [] : undefined;
  }

  /** The session finished: leaves the topic (see {@link TopicState.sessionFinished}). */
  sessionFinished(): void {
    this.state.leaveSoon(this);
  }
}

/** What a topic's set holds: the session of a plain live subscription, else its {@link Subscriber}. */
export type TopicMember = SseSession | Subscriber;

/**
 * The live state of one topic on this instance: its subscribers, its store feed, the events of the current turn. It is
 * also the finish hook of its plain subscribers' sessions (one object for all of them).
 */
export class TopicState implements SessionFinishHook {
  readonly topic: string;
  readonly subscribers = new Set<TopicMember>();
  /** Resolves once the store feed is live; rejects with {@link StoreUnavailableError} when it could not start. */
  ready: Promise<void> = RESOLVED;
  /** `ready` has resolved: a subscriber joining now is live at once. */
  live = false;
  unsubscribe: (() => void) | undefined = undefined;
  /** Events of the current turn not yet written: flushed together in a microtask (see `flush`). */
  pending: FanoutItem[] = [];
  scheduled = false;
  readonly #fanout: TopicFanout;

  constructor(topic: string, fanout: TopicFanout) {
    this.topic = topic;
    this.#fanout = fanout;
  }

  /** A plain subscriber's session finished: it leaves the topic. */
  sessionFinished(session: SseSession): void {
    this.leaveSoon(session);
  }

  /**
   * Leaves in a microtask, as a `finally` after `await session.done` would: never from inside the session's close,
   * which may run within a store's callback or this topic's own flush.
   */
  leaveSoon(member: TopicMember): void {
    queueMicrotask(() => this.#fanout.leave(this, member));
  }
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

  /** The state of a topic, opening its store feed when it has none on this instance. */
  topic(topic: string): TopicState {
    return this.#topics.get(topic) ?? this.#open(topic);
  }

  /** Removes a subscriber; the topic's store feed stops with its last subscriber. Repeating it is harmless. */
  leave(state: TopicState, member: TopicMember): void {
    state.subscribers.delete(member);
    if (state.subscribers.size > 0 || this.#topics.get(state.topic) !== state) return;
    this.#topics.delete(state.topic);
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
    const state = new TopicState(topic, this);
    state.ready = this.#store.subscribe(topic, listener).then(
      (unsubscribe) => {
        state.live = true;
        if (this.#topics.get(topic) === state && state.subscribers.size > 0) state.unsubscribe = unsubscribe;
        else unsubscribe();
      },
      (error: unknown) => {
        if (this.#topics.get(topic) === state) this.#topics.delete(topic);
        throw asStoreError(error, `cannot subscribe to topic "${topic}"`);
      },
    );
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
    for (const member of state.subscribers) {
      if (member instanceof Subscriber && member.buffer) {
        // Mid-replay across a store reset: its reconnect gets the reset event from its (old-epoch) id.
        state.subscribers.delete(member);
        member.session.close();
      } else if (this.#route.replay) {
        if (member instanceof Subscriber) member.skipThrough = undefined;
        frame ??= this.#route.resetFrame('other-epoch', epoch, ZERO_POSITION);
        this.#write(state, member, frame);
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
      if (!(subscriber instanceof Subscriber)) {
        batch ??= concatBytes(items.map((item) => item.frame));
        this.#write(state, subscriber, batch);
        continue;
      }
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

  #write(state: TopicState, member: TopicMember, frame: Uint8Array): void {
    const session = member instanceof Subscriber ? member.session : member;
    try {
      // Not awaited: a slow subscriber never delays the others; its session's slow-consumer policy bounds its queue.
      void session.writeEncoded(frame);
    } catch (error) {
      state.subscribers.delete(member);
      if (!session.closed) this.#report(error);
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
