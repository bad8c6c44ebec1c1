import { defineContract } from '@ssekit/contract';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { implement } from './implement.js';
import type { CoreRequest } from './request.js';
import { type CloseResult, createRouter } from './router.js';

const contract = defineContract({ feed: { path: '/feed', events: { tick: z.number() } } });

describe('operations options', () => {
  it('takes limits, cors, bodyTimeoutMs router-wide and maxLifetime per route', () => {
    const router = implement(
      contract,
      { feed: { handler: async (s) => s.send('tick', 1), maxLifetime: false } },
      {
        limits: { maxStreams: 100, maxStreamsPerKey: 2, streamKey: (r: CoreRequest) => r.header('x-user') },
        cors: { origin: (origin) => origin.endsWith('.example.com'), credentials: true, allowedHeaders: ['x-a'] },
        bodyTimeoutMs: 5000,
        maxLifetime: { ms: 60_000, jitterRatio: 0.1, reconnectWindowMs: 1000 },
      },
    );
    expectTypeOf(router.close({ reconnectWindowMs: 1000, drainMs: 100, resources: [] })).toEqualTypeOf<
      Promise<CloseResult>
    >();
    expectTypeOf<CloseResult>().toEqualTypeOf<{ readonly streams: number; readonly unanswered: number }>();
  });

  it('rejects what is not an option', () => {
    // @ts-expect-error: streamKey must return a string or undefined
    createRouter({ limits: { streamKey: () => 42 } });
    // @ts-expect-error: cors needs its origins
    createRouter({ cors: { credentials: true } });
    // @ts-expect-error: maxLifetime needs its ms
    createRouter({ maxLifetime: { jitterRatio: 0.5 } });
  });
});
