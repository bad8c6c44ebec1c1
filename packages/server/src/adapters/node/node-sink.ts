import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { SinkBase } from '../../sink.js';

type NodeResponse = ServerResponse | Http2ServerResponse;

const kSink = Symbol('ssekit.sink');
type TaggedResponse = NodeResponse & { [kSink]?: NodeSink };

// Listeners are shared by every sink (EventEmitter calls them with `this` = the response): no closures per connection.
function onResponseClose(this: TaggedResponse): void {
  this[kSink]?.handleClose();
}
function onResponseDrain(this: TaggedResponse): void {
  this[kSink]?.handleDrain();
}

/**
 * A sink over a node:http (or http2 compat) response: writes go straight to the response, the socket's own buffer is
 * the queue, and `drain`/`close` drive backpressure and disconnect. (Node's Writable already turns the writes of one
 * tick after the first into one `writev`, so bursts need no batching here.)
 *
 * @example
 * ```ts
 * const sink = new NodeSink(res);
 * sink.write('data: hi\n\n');
 * ```
 */
export class NodeSink extends SinkBase {
  readonly #res: TaggedResponse;

  constructor(res: NodeResponse) {
    super();
    this.#res = res;
    if (res.destroyed || res.writableEnded) {
      this.markClosed();
    } else {
      this.#res[kSink] = this;
      res.once('close', onResponseClose);
    }
  }

  get bufferedBytes(): number {
    return this.#res.writableLength;
  }

  get writableHighWaterMark(): number {
    return this.#res.writableHighWaterMark;
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.closed) return true;
    return (this.#res as ServerResponse).write(chunk);
  }

  end(): void {
    if (this.closed) return;
    this.#res.end();
  }

  destroy(): void {
    if (this.closed) return;
    this.#res.destroy();
    // `close` may come a tick later; the session must be told now so nothing else is queued.
    this.handleClose();
  }

  protected override watchDrain(): void {
    this.#res.once('drain', onResponseDrain);
  }

  /** @internal */
  handleDrain(): void {
    this.drained();
  }

  /** @internal */
  handleClose(): void {
    if (this.closed) return;
    this.#res.off('close', onResponseClose);
    this.#res.off('drain', onResponseDrain);
    this.#res[kSink] = undefined;
    this.markClosed();
  }
}
