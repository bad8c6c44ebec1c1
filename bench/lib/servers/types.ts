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

export type ServerFactory = (options: { coalesceMs?: number }) => Promise<BenchServer>;
