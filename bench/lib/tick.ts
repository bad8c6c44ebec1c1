import { defineContract } from '@ssekit/contract';
import { z } from 'zod';

/** The event every implementation sends: a sequence number, a timestamp (µs, shared monotonic clock) and text. */
export interface Tick {
  seq: number;
  /** Scheduled send time in µs of the machine's monotonic clock (latency runs), else 0. */
  at: number;
  text: string;
}

/** The payload text: constant, so clients can check it cheaply. */
export const TICK_TEXT = 'the quick brown fox jumps over the lazy dog';

/** Sequence number of the greeting each stream gets on connect (tells the client the stream is open). */
export const HELLO_SEQ = -1;

/** The SSE event name used by every implementation. */
export const TICK_EVENT = 'tick';

/** The path every benchmark server serves its stream at. */
export const STREAM_PATH = '/ticks';

export const TickSchema = z.object({ seq: z.number().int(), at: z.number(), text: z.string() });

/** The benchmark's contract for ssekit: one route, one typed event. */
export const benchContract = defineContract({
  ticks: { path: STREAM_PATH, summary: 'Benchmark ticks', events: { tick: TickSchema } },
});

/** Now in µs on CLOCK_MONOTONIC, which every process on the machine shares (Linux `uv_hrtime`). */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

export function tick(seq: number, at = 0): Tick {
  return { seq, at, text: TICK_TEXT };
}
