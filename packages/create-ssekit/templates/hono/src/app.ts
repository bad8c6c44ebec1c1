import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { SseRouter } from '@ssekit/server';
import { createFetchHandler } from '@ssekit/server/fetch';
import { Hono } from 'hono';
import { type AppOptions, createRouter, type RunningApp } from './router.js';

export { type AppOptions, createRouter, priceAt, type RunningApp } from './router.js';

/**
 * The Hono app: Hono's own routes and middleware first, then every other request goes to the ssekit fetch handler,
 * which answers the contract's routes (and a 404 problem+json for the rest).
 */
export function createApp(router: SseRouter): Hono {
  const sse = createFetchHandler(router);
  const app = new Hono();
  app.get('/', (c) => c.text('{{name}}: try /ticker/ACME?count=5\n'));
  app.all('*', (c) => sse(c.req.raw));
  return app;
}

/** Serves the Hono app on Node with @hono/node-server. `port: 0` (the default) picks a free port. */
export function start(options: AppOptions & { port?: number; host?: string } = {}): Promise<RunningApp> {
  const router = createRouter(options);
  const app = createApp(router);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, (info: AddressInfo) => {
      server.off('error', reject);
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            router.closeAll();
            server.close(() => done());
            server.closeIdleConnections();
            // Streams closed above end their responses; anything still open after that is cut.
            setImmediate(() => server.closeAllConnections());
          }),
      });
    }) as Server;
    server.once('error', reject);
  });
}
