import type { Tick } from '../tick.ts';

/** One SSE server under test, running in the current (server) process. */
export interface BenchServer {
  readonly port: number;
  /** Streams open and greeted. */
  streams(): number;
  /** Sends one tick to every open stream, the way the implementation is meant to broadcast. */
  broadcast(tick: Tick): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  coalesceMs?: number;
  /** ssekit's `limits.maxStreams` (default 10,000): part H raises it to what the fd limit allows. */
  maxStreams?: number;
}

export type ServerFactory = (options: ServerOptions) => Promise<BenchServer>;
