import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as honoServe } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { sseMiddleware } from '../../src/adapters/express/index.ts';
import { ssekitFrameworkErrors, ssekitPlugin } from '../../src/adapters/fastify/index.ts';
import { createFetchHandler } from '../../src/adapters/fetch/index.ts';
import { serve, serveHttp2 } from '../../src/adapters/node/index.ts';
import type { SseRouter } from '../../src/index.ts';
import { closeServer, listen, testCertificate } from '../adapters-support.ts';

/** One adapter the conformance suite runs against. */
export interface AdapterUnderTest {
  name: string;
  /** Mount the router on a fresh server on 127.0.0.1, port 0. */
  start(router: SseRouter): Promise<{ url: string; close(): Promise<void> }>;
  /** 'h2' adapters are exercised with an HTTP/2 client and must send no Connection header. */
  protocol: 'h1' | 'h2';
  tls?: boolean;
}

/** node:http, through `serve` / `createNodeHandler`. */
const nodeAdapter: AdapterUnderTest = {
  name: 'node:http',
  protocol: 'h1',
  start: async (router) => {
    const running = await serve(router, { port: 0 });
    return { url: running.url, close: running.close };
  },
};

/** The fetch adapter on Node, served by @hono/node-server (as Hono users run it). */
const fetchAdapter: AdapterUnderTest = {
  name: 'fetch (@hono/node-server)',
  protocol: 'h1',
  start: (router) =>
    new Promise((resolve) => {
      const handler = createFetchHandler(router);
      const server = honoServe({ fetch: handler, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () =>
            new Promise<void>((done) => {
              router.closeAll();
              server.close(() => done());
              (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            }),
        });
      });
    }),
};

/** Express 5, mounted under a path (`req.url` is relative there) beside other routes and middleware. */
const expressAdapter: AdapterUnderTest = {
  name: 'express 5 (mounted at /mnt)',
  protocol: 'h1',
  start: async (router) => {
    const app = express();
    app.use('/api', express.json());
    app.get('/health', (_req, res) => {
      res.send('ok');
    });
    app.use('/mnt', sseMiddleware(router));
    // Unmatched paths under the mount fall through to this, as Express users expect; it answers like the core.
    app.use((req, res) => {
      res
        .status(404)
        .type('application/problem+json')
        .send({ type: 'about:blank', title: 'Not Found', status: 404, detail: req.path });
    });
    const server = createServer(app);
    const url = await listen(server);
    return {
      url: `${url}/mnt`,
      close: async () => {
        router.closeAll();
        await closeServer(server);
      },
    };
  },
};

/** Fastify 5 with the plugin under a prefix, with Fastify's logger on (silenced) so its logging path runs too. */
const fastifyAdapter: AdapterUnderTest = {
  name: 'fastify 5 (prefix /f)',
  protocol: 'h1',
  start: async (router) => {
    const app = Fastify({
      logger: { level: 'silent' },
      forceCloseConnections: true,
      frameworkErrors: ssekitFrameworkErrors(router, { prefix: '/f' }),
    });
    await app.register(ssekitPlugin, { router, prefix: '/f' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/f`,
      close: async () => {
        router.closeAll();
        await app.close();
      },
    };
  },
};

/** node:http2 compat API, plaintext (h2c with prior knowledge). */
const http2Adapter: AdapterUnderTest = {
  name: 'node:http2 (h2c)',
  protocol: 'h2',
  start: async (router) => {
    const running = await serveHttp2(router, { port: 0 });
    return { url: running.url, close: running.close };
  },
};

/** node:http2 compat API over TLS, with a self-signed certificate made at test time. */
const http2TlsAdapter: AdapterUnderTest = {
  name: 'node:http2 (TLS)',
  protocol: 'h2',
  tls: true,
  start: async (router) => {
    const running = await serveHttp2(router, { port: 0, tls: testCertificate() });
    return { url: running.url, close: running.close };
  },
};

export const adapters: AdapterUnderTest[] = [
  nodeAdapter,
  fetchAdapter,
  expressAdapter,
  fastifyAdapter,
  http2Adapter,
  http2TlsAdapter,
];
