import { SinkBase } from './sink.js';

/**
 * An in-memory sink for unit tests: records writes and simulates a buffer that only drains when told to.
 * Not exported from the package.
 */
export class MemorySink extends SinkBase {
  chunks: string[] = [];
  buffered = 0;
  highWaterMark: number;
  ended = false;
  destroyed = false;

  constructor(highWaterMark = Number.POSITIVE_INFINITY) {
    super();
    this.highWaterMark = highWaterMark;
  }

  get text(): string {
    return this.chunks.join('');
  }

  get bufferedBytes(): number {
    return this.buffered;
  }

  write(chunk: string | Uint8Array): boolean {
    const text = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
    this.chunks.push(text);
    this.buffered += text.length;
    return this.buffered < this.highWaterMark;
  }

  /** The client read everything. */
  drain(): void {
    this.buffered = 0;
    this.drained();
  }

  end(): void {
    this.ended = true;
    this.markClosed();
  }

  destroy(): void {
    this.destroyed = true;
    this.markClosed();
  }

  /** The client went away. */
  clientGone(): void {
    this.markClosed();
  }
}
