import { defineContract } from '@ssekit/contract';
import { z } from 'zod';

/** A price of a symbol; `n` counts the events of one stream from 1. */
export const Price = z.object({ symbol: z.string(), price: z.number(), n: z.number().int() });

/** Sent as the `error` event when the handler fails after the stream started. */
export const StreamError = z.object({ code: z.string(), message: z.string() });

/**
 * The API of {{name}}: each SSE route with its request schemas and one schema per event. The server implements it
 * (src/app.ts); `npm run generate` writes the typed client and the docs from it (src/generated).
 */
export const contract = defineContract({
  ticker: {
    path: '/ticker/:symbol',
    summary: 'Prices of one symbol',
    description: 'Sends `count` prices of `symbol`, then ends the stream.',
    params: z.object({ symbol: z.string().min(1).max(12) }),
    query: z.object({ count: z.coerce.number().int().min(1).max(100).default(5) }),
    events: { price: Price, error: StreamError },
    errorEvent: 'error',
    examples: { price: [{ symbol: 'ACME', price: 101.25, n: 1 }] },
  },
});

export type AppContract = typeof contract;
