import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as honoServe } from '@hono/node-server';
import type { SseRouter } from '@ssekit/server';
import { sseMiddleware } from '@ssekit/server/express';
import { ssekitPlugin } from '@ssekit/server/fastify';
import { createFetchHandler } from '@ssekit/server/fetch';
import { createNodeHandler, serveHttp2 } from '@ssekit/server/node';
import express from 'express';
import Fastify from 'fastify';

/** A started server under benchmark. */
export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

/** Adapters the client must speak HTTP/2 (h2c, prior knowledge) to. */
export const H2_ADAPTERS: ReadonlySet<string> = new Set(['node:http2 (h2c)']);

/** The reference every other adapter is compared with, in the same run. */
export const BASELINE = 'node';

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // A backlog of 2048 so a thousand connections opened in bursts are never refused.
    server.listen(0, '127.0.0.1', 2048, () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closer(router: SseRouter, server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      router.closeAll();
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/** How each adapter is mounted, as its users would (loopback only). */
export const ADAPTERS: Record<string, (router: SseRouter) => Promise<BenchServer>> = {
  node: async (router) => {
    const server = createServer(createNodeHandler(router));
    return { url: await listen(server), close: closer(router, server) };
  },
  'fetch (@hono/node-server)': (router) =>
    new Promise((resolve) => {
      const handler = createFetchHandler(router);
      const server = honoServe({ fetch: handler, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        resolve({ url: `http://127.0.0.1:${info.port}`, close: closer(router, server as Server) });
      });
    }),
  'express 5': async (router) => {
    const app = express();
    app.use(sseMiddleware(router));
    const server = createServer(app);
    return { url: await listen(server), close: closer(router, server) };
  },
  'node:http2 (h2c)': async (router) => {
    const running = await serveHttp2(router, { port: 0 });
    return { url: running.url, close: running.close };
  },
  'fastify 5': async (router) => {
    const app = Fastify({ logger: false, forceCloseConnections: true });
    await app.register(ssekitPlugin, { router });
    await app.listen({ port: 0, host: '127.0.0.1', backlog: 2048 });
    const { port } = app.server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: async () => {
        router.closeAll();
        await app.close();
      },
    };
  },
};
