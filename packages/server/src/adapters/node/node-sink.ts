import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { SinkBase } from '../../sink.js';

type NodeResponse = ServerResponse | Http2ServerResponse;

const kSink = Symbol('ssekit.sink');
const kSpare = Symbol('ssekit.spare');
type TaggedResponse = NodeResponse & { [kSink]?: NodeSink; [kSpare]?: undefined };

/**
 * Whether this engine gives an object whose prototype was replaced a hidden class of its own as soon as a property is
 * added to it. Express replaces every response's prototype (with `app.response`) and then adds `locals`; V8 before 13
 * (Node 20 and 22) then gives each response its own class, while V8 13.6 (Node 24) shares one. With a class per
 * response, node:http's write path reads every response field through V8's megamorphic cache, which a thousand
 * classes overflow: with 1,000 Express streams an event cost 2.4× (Node 20) and 3.6× (Node 22) the node adapter's CPU.
 */
const ONE_CLASS_PER_REPROTOTYPED_OBJECT =
  globalThis.process?.versions?.bun === undefined && Number.parseInt(globalThis.process?.versions?.v8 ?? '99', 10) < 13;

/**
 * Whether `res` had its prototype replaced (Express does), on an engine where that leaves it a hidden class of its own
 * (see {@link ONE_CLASS_PER_REPROTOTYPED_OBJECT}).
 */
function hasOwnClass(res: NodeResponse): boolean {
  return (
    ONE_CLASS_PER_REPROTOTYPED_OBJECT &&
    Object.getPrototypeOf(res) !== (res.constructor as { prototype?: unknown } | undefined)?.prototype
  );
}

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
      const shareClass = hasOwnClass(res);
      if (shareClass) this.#res[kSpare] = undefined;
      this.#res[kSink] = this;
      // Deleting a property that is not the last one added turns the response into a dictionary-mode object, and
      // those share one class per prototype: the write path's property reads stay cached (Express on Node 22, 1,000
      // streams: 3.6× → 1.3–1.45× the node adapter's CPU per event). Each response takes ~1.6 KB more heap.
      if (shareClass) delete this.#res[kSpare];
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
