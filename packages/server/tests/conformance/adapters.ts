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
import { createConformanceRouter } from './fixture.ts';
import { installTimerCensus } from './hosts/timer-census.ts';
import { type Snapshot, snapshot } from './observations.ts';

/** The fixture served by one host: its base URL, and what its handlers observed. */
export interface RunningHost {
  url: string;
  close(): Promise<void>;
  /** The fixture's observations and leftovers, read where the router runs (in this process or in the host's). */
  observe(): Promise<Snapshot>;
}

/** One adapter (or runtime hosting one) the conformance suite runs against. */
export interface AdapterUnderTest {
  name: string;
  /** Serves a fresh conformance fixture on 127.0.0.1, on a free port. */
  start(): Promise<RunningHost>;
  /** 'h2' adapters are exercised with an HTTP/2 client and must send no Connection header. */
  protocol: 'h1' | 'h2';
  tls?: boolean;
  /** False when the host's runtime is missing locally: the suite skips it, loudly (never under CI). */
  available?: boolean;
  /**
   * `'on-write'`: the host learns that a client left only when the stream next writes (workerd), so the suite's
   * disconnect checks use a stream with a short heartbeat (`/hold-beating`). Default `'at-once'`.
   */
  disconnect?: 'at-once' | 'on-write';
  /**
   * `'with-first-bytes'`: the host sends the response head only with the first body bytes (Bun.serve, Next.js), so a
   * silent stream has not opened for the client; its checks use the fetch adapter's `openComment` (the fixture's
   * routes under `/opened`). Default `'at-once'`.
   */
  headers?: 'at-once' | 'with-first-bytes';
  /** The status a path with malformed percent-encoding gets: 400 from ssekit, unless the host answers first. */
  malformedPathStatus?: number;
}

// Every timer the code under test started and that is still alive, unref'd ones included:
// `process.getActiveResourcesInfo()` lists only the timers that keep the process alive, and the heartbeat's are
// unref'd, so a leaked one would go unseen there. The census wraps the global timer functions, as on other runtimes.
const activeTimers = installTimerCensus();

/** An adapter mounted in this process: the fixture's router is observed directly. */
function inProcess(
  name: string,
  protocol: 'h1' | 'h2',
  mount: (router: SseRouter) => Promise<{ url: string; close(): Promise<void> }>,
  tls?: boolean,
): AdapterUnderTest {
  return {
    name,
    protocol,
    ...(tls ? { tls } : {}),
    start: async () => {
      const { router, hub, seen } = createConformanceRouter();
      const { url, close } = await mount(router);
      return {
        url,
        close: async () => {
          await close();
          await hub.close();
        },
        observe: async () => snapshot(seen, router, hub, activeTimers()),
      };
    },
  };
}

/** node:http, through `serve` / `createNodeHandler`. */
const nodeAdapter = inProcess('node:http', 'h1', async (router) => {
  const running = await serve(router, { port: 0 });
  return { url: running.url, close: running.close };
});

/** The fetch adapter on Node, served by @hono/node-server (as Hono users run it). */
const fetchAdapter = inProcess(
  'fetch (@hono/node-server)',
  'h1',
  (router) =>
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
);

/** Express 5, mounted under a path (`req.url` is relative there) beside other routes and middleware. */
const expressAdapter = inProcess('express 5 (mounted at /mnt)', 'h1', async (router) => {
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
});

/** Fastify 5 with the plugin under a prefix, with Fastify's logger on (silenced) so its logging path runs too. */
const fastifyAdapter = inProcess('fastify 5 (prefix /f)', 'h1', async (router) => {
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
});

/** node:http2 compat API, plaintext (h2c with prior knowledge). */
const http2Adapter = inProcess('node:http2 (h2c)', 'h2', async (router) => {
  const running = await serveHttp2(router, { port: 0 });
  return { url: running.url, close: running.close };
});

/** node:http2 compat API over TLS, with a self-signed certificate made at test time. */
const http2TlsAdapter = inProcess(
  'node:http2 (TLS)',
  'h2',
  async (router) => {
    const running = await serveHttp2(router, { port: 0, tls: testCertificate() });
    return { url: running.url, close: running.close };
  },
  true,
);

export const adapters: AdapterUnderTest[] = [
  nodeAdapter,
  fetchAdapter,
  expressAdapter,
  fastifyAdapter,
  http2Adapter,
  http2TlsAdapter,
];
