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
