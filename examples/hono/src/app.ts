import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { RouterOptions, SseRouter } from '@ssekit/server';
import { createFetchHandler } from '@ssekit/server/fetch';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { createKtorParityRouter } from '../../ktor-parity/src/app.ts';

/**
 * The ktor-parity routes on Hono: Hono middleware (CORS here) runs first, then every other request goes to the
 * ssekit fetch handler, which answers the SSE routes and a 404 problem for the rest.
 *
 * @example
 * ```ts
 * const app = createHonoApp(createKtorParityRouter());
 * export default app; // Bun / Deno / workers
 * ```
 */
export function createHonoApp(router: SseRouter): Hono {
  const sse = createFetchHandler(router);
  const app = new Hono();
  app.use('*', cors());
  app.get('/', (c) => c.text('ssekit on Hono: /events, /json, /greetings/Ada?count=3, /ktor/nested\n'));
  app.all('*', (c) => sse(c.req.raw));
  return app;
}

/** A running example server. */
export interface RunningExample {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the Hono app on Node with @hono/node-server. `port: 0` picks a free port.
 *
 * @example
 * ```ts
 * const { url, close } = await startHonoExample({ port: 8080 });
 * ```
 */
export function startHonoExample(
  options: { port?: number; host?: string; router?: RouterOptions } = {},
): Promise<RunningExample> {
  const router = createKtorParityRouter(options.router);
  const app = createHonoApp(router);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, (info: AddressInfo) => {
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            router.closeAll();
            server.close(() => done());
            (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
          }),
      });
    });
  });
}
