import { Hono } from 'hono';
import { createFetchHandler } from '../../../src/adapters/fetch/index.ts';
import { type ConformanceFixture, createConformanceRouter } from '../fixture.ts';
import { snapshot } from '../observations.ts';
import { installTimerCensus } from './timer-census.ts';

/** Where a host answers the suite's {@link Snapshot} request (plain JSON, outside the router). */
export const SEEN_PATH = '/__host/seen';

/** The same router under this prefix, through a fetch handler that opens every stream with a comment (`: open`). */
export const OPENED_PREFIX = '/opened';

/** The conformance fixture as a web `fetch` handler, for every runtime that serves `(Request) => Response`. */
export interface ConformanceHost {
  fetch(request: Request): Promise<Response>;
}

/**
 * Builds the conformance router lazily, on the first request (workerd forbids random numbers, which the replay store's
 * epoch needs, at module scope), and serves it through the fetch adapter, either directly or mounted in a Hono app
 * (`app.all('*', (c) => sse(c.req.raw))`, as users mount it). `SEEN_PATH` answers the observations as JSON;
 * `OPENED_PREFIX` serves the same routes with `openComment`.
 *
 * @example
 * ```ts
 * const host = createConformanceHost({ hono: true });
 * Bun.serve({ port: 0, fetch: host.fetch });
 * ```
 */
export function createConformanceHost(options: { hono?: boolean } = {}): ConformanceHost {
  const liveTimers = installTimerCensus();
  let fixture: ConformanceFixture | undefined;
  let handle: ((request: Request) => Promise<Response>) | undefined;
  const observe = (): Response => {
    const { seen, router, hub } = fixture as ConformanceFixture;
    return Response.json(snapshot(seen, router, hub, liveTimers()));
  };
  const build = (): ((request: Request) => Promise<Response>) => {
    fixture = createConformanceRouter();
    const sse = createFetchHandler(fixture.router);
    const opened = createFetchHandler(fixture.router, { prefix: OPENED_PREFIX, openComment: 'open' });
    if (!options.hono) {
      return (request) => {
        const { pathname } = new URL(request.url);
        if (pathname === SEEN_PATH) return Promise.resolve(observe());
        return pathname.startsWith(`${OPENED_PREFIX}/`) ? opened(request) : sse(request);
      };
    }
    const app = new Hono();
    app.get(SEEN_PATH, () => observe());
    app.all(`${OPENED_PREFIX}/*`, (c) => opened(c.req.raw));
    app.all('*', (c) => sse(c.req.raw));
    return async (request) => app.fetch(request);
  };
  return {
    fetch: (request) => {
      handle ??= build();
      return handle(request);
    },
  };
}
