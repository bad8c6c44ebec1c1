import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { SinkBase } from '../../sink.js';

/** Bytes a {@link NodeReadableSink} holds before `write` reports backpressure. */
export const READABLE_SINK_HIGH_WATER_MARK = 16 * 1024;

/**
 * A sink over a node `Readable` a framework pipes into the response (Fastify's `reply.send(stream)`).
 *
 * `write` pushes into the readable; the pipe pauses it when the socket is full, so `push` reports `false` and the
 * session waits for the next `_read` (the consumer asking for more). `bufferedBytes` counts the readable's buffer and
 * the response's, so the session's queue bound covers everything held for this client. The response's `close`
 * (client gone) or the readable's (framework tore it down) closes the sink.
 *
 * @example
 * ```ts
 * const sink = new NodeReadableSink(reply.raw);
 * reply.send(sink.readable);
 * result.start(sink);
 * ```
 */
export class NodeReadableSink extends SinkBase {
  readonly readable: Readable;
  readonly #res: ServerResponse | undefined;

  constructor(res?: ServerResponse, highWaterMark = READABLE_SINK_HIGH_WATER_MARK) {
    super();
    this.#res = res;
    this.readable = new Readable({ highWaterMark, read: () => this.drained() });
    this.readable.once('close', this.#onClose);
    res?.once('close', this.#onClose);
  }

  get bufferedBytes(): number {
    if (this.closed) return 0;
    return this.readable.readableLength + (this.#res?.writableLength ?? 0);
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.closed) return true;
    return this.readable.push(chunk);
  }

  end(): void {
    if (this.closed) return;
    this.readable.push(null);
    this.#onClose();
  }

  destroy(): void {
    if (this.closed) return;
    this.#onClose();
    this.readable.destroy();
    // The framework sees the readable end early and cuts the connection; do it here too in case nothing is piped yet.
    this.#res?.destroy();
  }

  #onClose = (): void => {
    if (this.closed) return;
    this.readable.off('close', this.#onClose);
    this.#res?.off('close', this.#onClose);
    this.markClosed();
  };
}
