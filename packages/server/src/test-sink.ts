import type { SseSink } from './sink.js';

/**
 * An in-memory sink for unit tests: records writes, simulates a buffer that only drains when told to.
 * Not exported from the package.
 */
export class MemorySink implements SseSink {
  chunks: string[] = [];
  buffered = 0;
  highWaterMark: number;
  closed = false;
  ended = false;
  destroyed = false;
  #listeners: (() => void)[] = [];
  #waiters: (() => void)[] = [];

  constructor(highWaterMark = Number.POSITIVE_INFINITY) {
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
    for (const w of this.#waiters.splice(0)) w();
  }

  waitForDrain(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  end(): void {
    this.ended = true;
    this.clientGone();
  }

  destroy(): void {
    this.destroyed = true;
    this.clientGone();
  }

  clientGone(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.#waiters.splice(0)) w();
    for (const l of this.#listeners.splice(0)) l();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.#listeners.push(listener);
  }
}
