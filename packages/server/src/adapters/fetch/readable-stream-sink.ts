import { SsekitError } from '@ssekit/contract';
import { joinFrames, toBytes } from '../../frames.js';
import { SinkBase } from '../../sink.js';

/** Default bytes held for a consumer that has not pulled yet before `write` reports backpressure. */
export const DEFAULT_SINK_HIGH_WATER_MARK = 16 * 1024;

/** Options of {@link ReadableStreamSink}. */
export interface ReadableStreamSinkOptions {
  /** The request's signal: its abort (client gone) closes the sink. */
  signal?: AbortSignal;
  /** Pending bytes at which `write` returns `false`. Default 16 KiB. */
  highWaterMark?: number;
}

/**
 * The server ended the stream abruptly (slow consumer, shutdown). Runtimes see it as the body's error and drop the
 * connection instead of ending the response cleanly, so the client knows the stream did not finish.
 *
 * @example
 * ```ts
 * await response.body?.getReader().read().catch((e) => e instanceof SinkDestroyedError); // true once cut off
 * ```
 */
export class SinkDestroyedError extends SsekitError<'SINK_DESTROYED'> {
  constructor() {
    super('SINK_DESTROYED', 'ssekit: the server destroyed this event stream (slow consumer or shutdown)');
  }
}

/**
 * A sink over a web `ReadableStream`, driven by the consumer's pull.
 *
 * Writes wait in the sink until the consumer reads; a read takes everything pending as one chunk (a burst of events
 * written in the same tick becomes one network write). The stream's own queue is kept at zero (`highWaterMark: 0`),
 * so nothing is enqueued that the consumer did not ask for; what waits is `bufferedBytes`, which the session bounds.
 * `cancel()` on the body, or an abort of the request's signal, closes the sink and so fires the session's `signal`.
 *
 * @example
 * ```ts
 * const sink = new ReadableStreamSink({ signal: request.signal });
 * result.start(sink);
 * return new Response(sink.stream, { headers: result.headers });
 * ```
 */
export class ReadableStreamSink extends SinkBase {
  readonly stream: ReadableStream<Uint8Array>;
  readonly #highWaterMark: number;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #pending: (string | Uint8Array)[] = [];
  #pendingBytes = 0;
  /** A read is waiting and found nothing: the next write is delivered as soon as the current tick's burst ends. */
  #wanted = false;
  #flushScheduled = false;

  constructor(options: ReadableStreamSinkOptions = {}) {
    super();
    this.#highWaterMark = options.highWaterMark ?? DEFAULT_SINK_HIGH_WATER_MARK;
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => {
          if (this.#pending.length > 0) this.#deliver();
          else this.#wanted = true;
        },
        cancel: () => {
          this.#discard();
          this.markClosed();
        },
      },
      { highWaterMark: 0 },
    );
    const signal = options.signal;
    if (signal?.aborted) this.#abort();
    else signal?.addEventListener('abort', () => this.#abort(), { once: true });
  }

  /** Bytes written but not yet pulled by the consumer (string frames count their length, as the session does). */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  write(chunk: string | Uint8Array): boolean {
    if (this.closed) return true;
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#wanted && !this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(this.#flush);
    }
    return this.#pendingBytes < this.#highWaterMark;
  }

  protected override mustWaitForDrain(): boolean {
    return this.#pendingBytes >= this.#highWaterMark;
  }

  /** Hands what is pending to the stream (bounded by the session's queue limit), then closes it. */
  end(): void {
    if (this.closed) return;
    if (this.#pending.length > 0) this.#controller.enqueue(this.#take());
    this.#controller.close();
    this.markClosed();
  }

  destroy(): void {
    if (this.closed) return;
    this.#discard();
    this.#controller.error(new SinkDestroyedError());
    this.markClosed();
  }

  #flush = (): void => {
    this.#flushScheduled = false;
    if (!this.closed && this.#wanted && this.#pending.length > 0) this.#deliver();
  };

  #deliver(): void {
    this.#wanted = false;
    this.#controller.enqueue(this.#take());
    this.drained();
  }

  /** Everything pending as one chunk: one encode for a run of strings, one copy otherwise. */
  #take(): Uint8Array {
    const parts = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    const joined = joinFrames(parts);
    return typeof joined === 'string' ? toBytes(joined) : joined;
  }

  #discard(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  /** The client went away: drop what is pending and end the body for whoever still reads it. */
  #abort(): void {
    if (this.closed) return;
    this.#discard();
    try {
      this.#controller.close();
    } catch {
      // Already cancelled by the consumer.
    }
    this.markClosed();
  }
}
