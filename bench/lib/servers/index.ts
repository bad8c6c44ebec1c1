import type { ServerFactory } from './types.ts';

/**
 * `coalesceMs` of the `ssekit-coalesce` variant. A window only batches when it outlasts one flush: writing to N
 * sockets costs ~15–20 µs each (syscall plus its completion), so at N=1000 a 10 ms window ends after every event and
 * batches nothing (measured: 1.0× raw), while 25 ms batches ~4 events per write. 25 ms serves both N=100 and N=1000.
 */
export const COALESCE_MS = 25;

/** The baseline every ratio is computed against. */
export const BASELINE = 'raw';

/**
 * The baseline of the memory parts (B, H): node:http writing its headers and one comment frame (the target:
 * ssekit ≤ 1.2× this). `raw-headers` (headers only) is shown next to it.
 */
export const MEMORY_BASELINE = 'raw-comment';

/**
 * Memory-only baselines: their streams send no greeting event, so clients count a stream as open on its response
 * headers; the fan-out and latency parts skip them.
 */
export const MEMORY_ONLY: readonly string[] = ['raw-headers', 'raw-comment'];

/** Every server implementation by name, loaded lazily so one that cannot load never takes the others down. */
export const SERVERS: Record<string, ServerFactory> = {
  raw: async () => (await import('./raw.ts')).startRaw(),
  'raw-comment': async () => (await import('./raw.ts')).startRaw('comment'),
  'raw-headers': async () => (await import('./raw.ts')).startRaw('headers'),
  ssekit: async (o) => (await import('./ssekit.ts')).startSsekit(o.maxStreams ? { maxStreams: o.maxStreams } : {}),
  'ssekit-hub': async (o) => (await import('./ssekit-hub.ts')).startSsekitHub(o.maxStreams),
  'ssekit-coalesce': async (o) =>
    (await import('./ssekit.ts')).startSsekit({ coalesceMs: o.coalesceMs ?? COALESCE_MS }),
  'better-sse': async () => (await import('./better-sse.ts')).startBetterSse(),
  hono: async () => (await import('./hono.ts')).startHono(),
  'express-zod-api': async () => (await import('./express-zod-api.ts')).startExpressZodApi(),
};

export type { BenchServer, ServerFactory } from './types.ts';
