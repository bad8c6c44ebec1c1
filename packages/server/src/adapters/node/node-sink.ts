import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import type { SseSink } from '../../sink.ts';

type NodeResponse = ServerResponse | Http2ServerResponse;

/**
 * A sink over a node:http (or http2 compat) response: writes go straight to the response, the socket's own buffer is
 * the queue, and `drain`/`close` drive backpressure and disconnect.
 *
 * @example
 * ```ts
 * const sink = new NodeSink(res);
 * sink.write('data: hi\n\n');
 * ```
 */
export class NodeSink implements SseSink {
  readonly #res: NodeResponse;
  #closed = false;
  #closeListeners: (() => void)[] = [];
  #drainWaiters: (() => void)[] = [];

  constructor(res: NodeResponse) {
    this.#res = res;
    if (res.destroyed || res.writableEnded) {
      this.#closed = true;
    } else {
      res.once('close', this.#onClose);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  get bufferedBytes(): number {
    return this.#res.writableLength;
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.#closed) return true;
    return (this.#res as ServerResponse).write(chunk);
  }

  waitForDrain(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.#drainWaiters.length === 0) this.#res.once('drain', this.#onDrain);
      this.#drainWaiters.push(resolve);
    });
  }

  end(): void {
    if (this.#closed) return;
    this.#res.end();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#res.destroy();
    // `close` may come a tick later; the session must be told now so nothing else is queued.
    this.#onClose();
  }

  onClose(listener: () => void): void {
    if (this.#closed) listener();
    else this.#closeListeners.push(listener);
  }

  #onDrain = (): void => {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  };

  #onClose = (): void => {
    if (this.#closed && this.#closeListeners.length === 0) return;
    this.#closed = true;
    this.#res.off('close', this.#onClose);
    this.#res.off('drain', this.#onDrain);
    this.#onDrain();
    const listeners = this.#closeListeners;
    this.#closeListeners = [];
    for (const listener of listeners) listener();
  };
}
