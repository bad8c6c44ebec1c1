import { createServer, type Server } from 'node:http';
import { serve as honoServe } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { sseMiddleware } from '../src/adapters/express/index.ts';
import { ssekitPlugin } from '../src/adapters/fastify/index.ts';
import { createFetchHandler } from '../src/adapters/fetch/index.ts';
import { serve } from '../src/adapters/node/index.ts';
import type { SseRouter } from '../src/index.ts';
import { closeServer, listen } from './adapters-support.ts';

/** Serves a router on one adapter over loopback HTTP: its base URL and the path prefix its routes sit under. */
export type AdapterServer = (router: SseRouter) => Promise<{ url: string; prefix: string }>;

/**
 * One starter per adapter that reads bodies itself (node, express, fastify, fetch on @hono/node-server); each pushes
 * its shutdown onto `cleanups`.
 */
export function adapterServers(cleanups: (() => unknown)[]): Record<string, AdapterServer> {
  return {
    node: async (router) => {
      const running = await serve(router);
      cleanups.push(() => running.close({ reconnectWindowMs: 0, drainMs: 500 }));
      return { url: running.url, prefix: '' };
    },
    express: async (router) => {
      const app = express();
      app.use('/sse', sseMiddleware(router));
      const server: Server = createServer(app);
      const url = await listen(server);
      cleanups.push(() => closeServer(server));
      return { url, prefix: '/sse' };
    },
    fastify: async (router) => {
      const app = Fastify();
      await app.register(ssekitPlugin, { router, shutdown: { reconnectWindowMs: 0, drainMs: 200 } });
      await app.listen({ port: 0, host: '127.0.0.1' });
      cleanups.push(() => app.close());
      const address = app.server.address() as { port: number };
      return { url: `http://127.0.0.1:${address.port}`, prefix: '' };
    },
    fetch: async (router) => {
      const server = await new Promise<Server>((resolve) => {
        const s = honoServe({ fetch: createFetchHandler(router), port: 0, hostname: '127.0.0.1' }, () =>
          resolve(s as Server),
        );
      });
      cleanups.push(() => closeServer(server));
      const address = server.address() as { port: number };
      return { url: `http://127.0.0.1:${address.port}`, prefix: '' };
    },
  };
}
