import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouterOptions, SseRouter } from '@ssekit/server';
import { sseMiddleware } from '@ssekit/server/express';
import compression from 'compression';
import express from 'express';
import { createKtorParityRouter } from '../../ktor-parity/src/app.ts';

/**
 * The ktor-parity routes on Express 5. `compression` stays app-wide: SSE responses carry
 * `Cache-Control: no-transform`, which it honours, so events are never held in a gzip buffer.
 *
 * @example
 * ```ts
 * createExpressApp(createKtorParityRouter()).listen(8080);
 * ```
 */
export function createExpressApp(router: SseRouter): express.Express {
  const app = express();
  app.use(compression());
  app.get('/', (_req, res) => {
    res.type('text/plain').send('ssekit on Express: /events, /json, /greetings/Ada?count=3, /ktor/nested\n');
  });
  app.use(sseMiddleware(router));
  return app;
}

/** A running example server. */
export interface RunningExample {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the Express app on node:http. `port: 0` picks a free port.
 *
 * @example
 * ```ts
 * const { url, close } = await startExpressExample({ port: 8080 });
 * ```
 */
export function startExpressExample(
  options: { port?: number; host?: string; router?: RouterOptions } = {},
): Promise<RunningExample> {
  const router = createKtorParityRouter(options.router);
  const server = createServer(createExpressApp(router));
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            router.closeAll();
            server.close(() => done());
            server.closeIdleConnections();
            setImmediate(() => server.closeAllConnections());
          }),
      });
    });
  });
}
