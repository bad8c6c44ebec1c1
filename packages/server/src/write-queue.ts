import type { Coalescable } from './coalesce.js';
import { SlowConsumerError } from './errors.js';
import { joinFrames } from './frames.js';
import type { HeartbeatMember } from './heartbeat.js';
import type { RouteRuntime } from './session.js';
import type { SseSink } from './sink.js';

const RESOLVED: Promise<void> = Promise.resolve();

// The queue's flags, in one small integer (one field per stream instead of five).
/** Nothing is written any more. */
const CLOSED = 1;
/** `drop` policy: events are skipped until the queue is back under half the bound. */
const DROPPING = 2;
/** A coalescing window is open. */
const WINDOW_OPEN = 4;
/** The window's only frame so far is the one that opened it. */
const WINDOW_OPENER = 8;
/** The sink is past its high-water mark: held frames wait for its drain. */
const CONGESTED = 16;

/**
 * The bytes of one stream on their way to its sink: the coalescing window (frames held and written together), the
 * bound on what waits for a slow client (`maxQueueBytes` with the `disconnect` or `drop` policy), backpressure, and
 * heartbeats, which are never held back. The session encodes; the queue decides when and whether bytes are written.
 */
export class WriteQueue implements Coalescable, HeartbeatMember {
  /** @internal The heartbeat wheel's tick at the last write. */
  lastWriteTick = 0;
  readonly #sink: SseSink;
  readonly #route: RouteRuntime;
  /** Ends the stream abruptly: how the queue cuts off a slow consumer. */
  /** Cut off on a slow client: the session (an object, not a closure per stream). */
  readonly #owner: { destroy(reason: string): void };
  /** {@link CLOSED}, {@link DROPPING}, {@link WINDOW_OPEN}, {@link WINDOW_OPENER}, {@link CONGESTED}. */
  #flags = 0;
  /** Frames held during an open coalescing window, and their size. */
  #pending: (string | Uint8Array)[] | undefined;
  #pendingBytes = 0;
  /** Bytes held for this stream outside the queue (a hub's live events during a replay), counted toward the bound. */
  #heldBytes = 0;

  constructor(sink: SseSink, route: RouteRuntime, owner: { destroy(reason: string): void }) {
    this.#sink = sink;
    this.#route = route;
    this.#owner = owner;
  }

  /** Starts heartbeats (when the route has them); call once the stream is open. */
  start(): void {
    this.#route.heartbeat?.join(this);
  }

  /** Queues one encoded frame; resolves at once below the sink's high-water mark, else when it drains (or closes). */
  write(frame: string | Uint8Array): Promise<void> {
    const coalescer = this.#route.coalescer;
    if (coalescer === undefined) return this.writeNow(frame);
    if ((this.#flags & WINDOW_OPEN) === 0) {
      // The first frame after a quiet window is never delayed; it opens the window for the ones that follow.
      this.#flags |= WINDOW_OPEN | WINDOW_OPENER;
      coalescer.open(this);
      return this.writeNow(frame);
    }
    if (this.overBound(frame.length)) return RESOLVED;
    this.#pending ??= [];
    this.#pending.push(frame);
    this.#pendingBytes += frame.length;
    return (this.#flags & CONGESTED) !== 0 ? this.#sink.waitForDrain() : RESOLVED;
  }

  /** @internal Called by the heartbeat wheel after a period of silence; never delayed by coalescing. */
  sendHeartbeat(frame: string): void {
    if ((this.#flags & CLOSED) !== 0) return;
    this.flushPending();
    void this.writeNow(frame);
  }

  /** Writes the frames held by the coalescing window in one write. Returns false when nothing was held. */
  flushPending(): boolean {
    if ((this.#flags & CLOSED) !== 0 || this.#pending === undefined || this.#pending.length === 0) return false;
    const chunk = joinFrames(this.#pending);
    this.#pending = undefined;
    this.#pendingBytes = 0;
    void this.writeNow(chunk);
    return true;
  }

  /**
   * @internal Called by the coalescer at the end of each window: flushes what is held and keeps the window open while
   * frames flow. The frame that opened a window went out at once, so a window with only that frame stays open once
   * more — otherwise a steady one-event-per-turn flow would reopen (and write directly) every time.
   */
  onWindowEnd(): boolean {
    const wrote = this.flushPending();
    if (wrote || (this.#flags & WINDOW_OPENER) !== 0) {
      this.#flags &= ~WINDOW_OPENER;
      return true;
    }
    this.#flags &= ~WINDOW_OPEN;
    return false;
  }

  /**
   * Counts `size` bytes held for this stream elsewhere (a hub holds live events while it replays) toward the queue
   * bound, applying the slow-consumer policy first: false when they must not be held — the `drop` policy skips them,
   * or the `disconnect` policy cut the client off (reported as {@link SlowConsumerError}). Replay and live delivery so
   * share one bound per stream. Give the bytes back with {@link WriteQueue.release} before writing them.
   */
  hold(size: number): boolean {
    if ((this.#flags & CLOSED) !== 0 || this.overBound(size)) return false;
    this.#heldBytes += size;
    return true;
  }

  /** Gives back bytes counted by {@link WriteQueue.hold} (written or discarded). */
  release(size: number): void {
    this.#heldBytes = Math.max(0, this.#heldBytes - size);
  }

  /** Bytes waiting for the client: in the sink, in the coalescing window, and held for it elsewhere. */
  get queuedBytes(): number {
    return this.#sink.bufferedBytes + this.#pendingBytes + this.#heldBytes;
  }

  /** Stops every timer's interest in this stream and drops what is held; nothing is written after it. */
  close(): void {
    if ((this.#flags & CLOSED) !== 0) return;
    this.#flags |= CLOSED;
    this.#route.heartbeat?.leave(this);
    this.#route.coalescer?.forget(this);
    this.#pending = undefined;
    this.#heldBytes = 0;
  }

  // TypeScript-`private` helpers, not `#private` methods: those would cost every queue a brand field (8 B).
  /**
   * Applies the slow-consumer policy before queueing `size` more bytes; true when the frame must not be written
   * (dropped, or the client was cut off).
   */
  private overBound(size: number): boolean {
    const limit = this.limit();
    const queued = this.queuedBytes;
    if (this.#route.slowConsumer === 'disconnect') {
      if (queued + size <= limit) return false;
      this.cutOff(queued + size);
      return true;
    }
    if ((this.#flags & DROPPING) !== 0 && queued <= limit / 2) this.#flags &= ~DROPPING;
    if (queued + size <= limit) return false;
    if ((this.#flags & DROPPING) === 0) {
      this.#flags |= DROPPING;
      this.#route.report(new SlowConsumerError(this.#route.name, queued, limit, 'drop'));
    }
    return true;
  }

  /**
   * The bound in force: `maxQueueBytes`, but never below twice the transport's high-water mark. Writes wait for drain
   * only past that mark (64 KiB on Node 22's node:http), so a lower bound would cut a client that reads, just not
   * instantly, before any backpressure could pace the writer.
   */
  private limit(): number {
    return Math.max(this.#route.maxQueueBytes, 2 * (this.#sink.writableHighWaterMark ?? 0));
  }

  /** The one way a slow client is disconnected: cut the stream, then report. */
  private cutOff(queuedBytes: number): void {
    this.#owner.destroy('slow consumer');
    this.#route.report(new SlowConsumerError(this.#route.name, queuedBytes, this.limit(), 'disconnect'));
  }

  private writeNow(frame: string | Uint8Array): Promise<void> {
    const sink = this.#sink;
    if (this.#route.slowConsumer === 'drop' && this.overBound(frame.length)) return RESOLVED;
    const belowHighWater = sink.write(frame);
    if (this.#route.heartbeat) this.lastWriteTick = this.#route.heartbeat.tick;
    if (this.#route.slowConsumer === 'disconnect' && sink.bufferedBytes + this.#heldBytes > this.limit()) {
      this.cutOff(sink.bufferedBytes + this.#heldBytes);
      return RESOLVED;
    }
    if (belowHighWater) return RESOLVED;
    if ((this.#flags & CONGESTED) === 0) {
      this.#flags |= CONGESTED;
      void sink.waitForDrain().then(() => {
        this.#flags &= ~CONGESTED;
      });
    }
    return sink.waitForDrain();
  }
}
