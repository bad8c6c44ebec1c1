/**
 * Where a session's bytes go: one per connection, written by an adapter (node:http, fetch, ...).
 * The core never touches a socket; adapters never encode SSE.
 *
 * @example
 * ```ts
 * const sink: SseSink = createNodeSink(res); // adapters build these
 * ```
 */
export interface SseSink {
  /** Queue bytes; `false` means the transport's buffer is above its high-water mark. */
  write(chunk: string | Uint8Array): boolean;
  /** Bytes accepted but not yet handed to the network. */
  readonly bufferedBytes: number;
  /**
   * Bytes the transport takes before `write` reports backpressure, when it has such a mark (node:http: the response's
   * `writableHighWaterMark`, 16 KiB on Node 20, 64 KiB from Node 22). Writes are paced only past it, so the
   * slow-consumer bound is never applied below twice this much.
   */
  readonly writableHighWaterMark?: number;
  /** Resolves when the buffer drained below the high-water mark, or when the sink closed. */
  waitForDrain(): Promise<void>;
  /** Graceful end: flush what is queued, then finish the response. */
  end(): void;
  /** Abrupt end: drop what is queued and close the connection. */
  destroy(): void;
  /** True once ended, destroyed, or the client went away. */
  readonly closed: boolean;
  /** Called once when the sink closes for any reason. */
  onClose(listener: () => void): void;
}

const RESOLVED: Promise<void> = Promise.resolve();

/** @internal Told once when a sink closes, as a method call: an object already kept, not a closure per connection. */
export interface SinkCloseWatcher {
  sinkClosed(): void;
}

type CloseListener = (() => void) | SinkCloseWatcher;

function callListener(listener: CloseListener): void {
  if (typeof listener === 'function') listener();
  else listener.sinkClosed();
}

/**
 * The bookkeeping every sink shares: the closed flag, close listeners (called once, or at once when already closed)
 * and drain waiters (released on drain or close). A sink adds its transport: `write`, `bufferedBytes`, `end`,
 * `destroy`, and calls `drained()` / `markClosed()` when its transport drains or closes. Lists are allocated on first
 * use, and a single close listener (the session's, itself: see {@link SinkBase.watchClose}) is held without a list, so
 * an idle connection holds neither a list nor a closure.
 *
 * @example
 * ```ts
 * class ArraySink extends SinkBase {
 *   readonly chunks: (string | Uint8Array)[] = [];
 *   get bufferedBytes() { return 0; }
 *   write(chunk: string | Uint8Array) { this.chunks.push(chunk); return true; }
 *   end() { this.markClosed(); }
 *   destroy() { this.markClosed(); }
 * }
 * ```
 */
export abstract class SinkBase implements SseSink {
  #closed = false;
  /** One listener as is (the common case: the session's), several in an array. */
  #closeListeners: CloseListener | CloseListener[] | undefined;
  #drainWaiters: (() => void)[] | undefined;

  abstract write(chunk: string | Uint8Array): boolean;
  abstract readonly bufferedBytes: number;
  abstract end(): void;
  abstract destroy(): void;

  get closed(): boolean {
    return this.#closed;
  }

  onClose(listener: () => void): void {
    this.watchClose(listener);
  }

  /**
   * @internal {@link SinkBase.onClose} that also takes an object told through `sinkClosed()` (the session: no closure
   * kept). A method, not a `#private` one: a class's private methods cost every instance a brand field.
   */
  watchClose(listener: CloseListener): void {
    if (this.#closed) {
      callListener(listener);
      return;
    }
    const listeners = this.#closeListeners;
    if (listeners === undefined) this.#closeListeners = listener;
    else if (Array.isArray(listeners)) listeners.push(listener);
    else this.#closeListeners = [listeners, listener];
  }

  waitForDrain(): Promise<void> {
    if (this.#closed || !this.mustWaitForDrain()) return RESOLVED;
    return new Promise((resolve) => {
      if (this.#drainWaiters === undefined) {
        this.#drainWaiters = [];
        this.watchDrain();
      }
      this.#drainWaiters.push(resolve);
    });
  }

  /** Whether `waitForDrain` has anything to wait for; by default it always waits for the next drain. */
  protected mustWaitForDrain(): boolean {
    return true;
  }

  /** Called when the first drain waiter arrives, e.g. to listen for the transport's next `drain`. */
  protected watchDrain(): void {}

  /** The transport drained: releases every drain waiter. */
  protected drained(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = undefined;
    if (waiters) for (const resolve of waiters) resolve();
  }

  /** The sink closed (ended, destroyed, or the client left): once, releases drain waiters and calls close listeners. */
  protected markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.drained();
    const listeners = this.#closeListeners;
    this.#closeListeners = undefined;
    if (Array.isArray(listeners)) for (const listener of listeners) callListener(listener);
    else if (listeners !== undefined) callListener(listeners);
  }
}
