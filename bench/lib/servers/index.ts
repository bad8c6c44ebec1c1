import type { ServerFactory } from './types.ts';

/** `coalesceMs` of the `ssekit-coalesce` variant. */
export const COALESCE_MS = 10;

/** The baseline every ratio is computed against. */
export const BASELINE = 'raw';

/** Every server implementation by name, loaded lazily so one that cannot load never takes the others down. */
export const SERVERS: Record<string, ServerFactory> = {
  raw: async () => (await import('./raw.ts')).startRaw(),
  ssekit: async () => (await import('./ssekit.ts')).startSsekit(),
  'ssekit-hub': async () => (await import('./ssekit-hub.ts')).startSsekitHub(),
  'ssekit-coalesce': async (o) =>
    (await import('./ssekit.ts')).startSsekit({ coalesceMs: o.coalesceMs ?? COALESCE_MS }),
  'better-sse': async () => (await import('./better-sse.ts')).startBetterSse(),
  hono: async () => (await import('./hono.ts')).startHono(),
  'express-zod-api': async () => (await import('./express-zod-api.ts')).startExpressZodApi(),
};

export type { BenchServer, ServerFactory } from './types.ts';
