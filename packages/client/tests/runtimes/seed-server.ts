/**
 * The server the client checks run against, on web APIs only (Bun, Deno, workerd, Node): the seed contract under
 * `/good`, with a `greetings` route that resumes from `Last-Event-ID` and ends every connection after two events (so
 * the client must reconnect to get them all), and under `/bad` a `json` route whose customer breaks the contract.
 * `/log` answers the `Last-Event-ID` each `greetings` connection carried.
 */
import { createRouter, implement } from '@ssekit/server';
import { createFetchHandler } from '@ssekit/server/fetch';
import { seedContract } from '@ssekit-examples/contracts';

/** Events each `greetings` connection sends before it ends. */
export const EVENTS_PER_CONNECTION = 2;

/** The check server as a fetch handler. */
export interface SeedCheckServer {
  fetch(request: Request): Promise<Response>;
}

/**
 * Builds the check server. Built lazily on the first request where the runtime forbids work at module scope (workerd).
 *
 * @example
 * ```ts
 * const server = createSeedCheckServer();
 * Bun.serve({ port: 0, fetch: server.fetch });
 * ```
 */
export function createSeedCheckServer(): SeedCheckServer {
  const lastEventIds: (string | null)[] = [];
  const good = implement(
    seedContract,
    {
      events: async (session) => {
        await session.send('message', 'event 0');
      },
      json: async (session) => {
        await session.send('customer', { id: 0, firstName: 'Jet', lastName: 'Brains' });
        await session.send('product', { id: 0, prices: [100, 200] });
      },
      greetings: async (session) => {
        lastEventIds.push(session.lastEventId ?? null);
        const from = Number(session.lastEventId ?? 0) + 1;
        const to = Math.min(session.query.count, from + EVENTS_PER_CONNECTION - 1);
        for (let n = from; n <= to; n++) {
          await session.send('greeting', { text: `Hello, ${session.params.name}!`, n }, { id: String(n) });
        }
      },
    },
    { heartbeat: { periodMs: 1000 } },
  );
  const bad = createRouter({ heartbeat: { periodMs: 1000 } });
  bad.sse('/json', async (session) => {
    await session.send({ event: 'customer', data: '{"id":"zero","firstName":"Jet"}' });
    await session.send({ event: 'product', data: '{"id":0,"prices":[100,200]}' });
  });
  const goodHandler = createFetchHandler(good, { prefix: '/good' });
  const badHandler = createFetchHandler(bad, { prefix: '/bad' });
  return {
    fetch: (request) => {
      const { pathname } = new URL(request.url);
      if (pathname === '/log') return Promise.resolve(Response.json({ lastEventIds }));
      return pathname.startsWith('/bad/') ? badHandler(request) : goodHandler(request);
    },
  };
}
