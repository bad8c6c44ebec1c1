import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { implement } from '@ssekit/server';
import { createHub, createMemoryReplayStore, type Hub } from '@ssekit/server/broadcast';
import { createNodeHandler } from '@ssekit/server/node';
import { build, type Rolldown } from 'vite';
import { dashboardContract } from './contract.ts';

/** The page's files, path → body, as the Vite build produced them. */
export type PageAssets = ReadonlyMap<string, { type: string; body: string | Uint8Array }>;

/** A running dashboard server. */
export interface DashboardApp {
  readonly server: Server;
  readonly url: string;
  readonly hub: Hub<typeof dashboardContract.metrics>;
  close(): Promise<void>;
}

const SERVICES = ['api', 'auth', 'billing', 'search'] as const;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Builds the page (Vite + React, `src/page`) in memory: no files written.
 *
 * @example
 * ```ts
 * const assets = await buildPage();
 * assets.get('/index.html');
 * ```
 */
export async function buildPage(): Promise<PageAssets> {
  const result = await build({
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { write: false },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const assets = new Map<string, { type: string; body: string | Uint8Array }>();
  for (const output of outputs.flatMap((o) => o.output)) {
    const body = output.type === 'chunk' ? output.code : output.source;
    const ext = /\.[a-z]+$/.exec(output.fileName)?.[0] ?? '';
    assets.set(`/${output.fileName}`, { type: TYPES[ext] ?? 'application/octet-stream', body });
  }
  if (!assets.has('/index.html')) throw new Error('the Vite build produced no index.html');
  return assets;
}

/** A deterministic pseudo-random walk per service, so the page shows movement without randomness in tests. */
function sampler() {
  let i = 0;
  return () => {
    const service = SERVICES[i % SERVICES.length] as string;
    const phase = (i % SERVICES.length) * 1.7;
    const wave = Math.sin(i / 9 + phase);
    const jitter = ((i * 7919) % 13) / 13;
    i++;
    const cpu = Math.min(100, Math.max(0, 55 + 40 * wave + 6 * jitter));
    return {
      service,
      cpu: Math.round(cpu * 10) / 10,
      latencyMs: Math.round(20 + cpu * 1.8 + 15 * jitter),
      rps: Math.round(400 + 600 * (1 - cpu / 100) + 90 * jitter),
      at: new Date().toISOString(),
    };
  };
}

/**
 * The dashboard: `GET /metrics` streams samples and incidents from a hub with a memory replay store (resumable with
 * `Last-Event-ID`; a restarted server answers an old id with the `reset` event), a timer publishes one sample every
 * `publishEveryMs`, and the Vite build of the page is served at `/`.
 *
 * @example
 * ```ts
 * const app = await startDashboard({ port: 8080, assets: await buildPage() });
 * ```
 */
export async function startDashboard(options: {
  assets: PageAssets;
  port?: number;
  host?: string;
  publishEveryMs?: number;
}): Promise<DashboardApp> {
  const hub = createHub(dashboardContract.metrics, {
    store: createMemoryReplayStore({ maxEventsPerTopic: 500 }),
    onError: (error) => console.warn('[dashboard]', error),
  });
  const router = implement(dashboardContract, { metrics: hub.implementation() }, { heartbeat: { periodMs: 15_000 } });
  const sse = createNodeHandler(router);
  const next = sampler();
  const timer = setInterval(() => {
    const sample = next();
    void hub.publish({}, 'sample', sample).catch(() => {});
    if (sample.cpu >= 85) {
      const level = sample.cpu >= 95 ? 'critical' : 'warning';
      const message = `CPU at ${sample.cpu}%`;
      void hub.publish({}, 'incident', { service: sample.service, level, message, at: sample.at }).catch(() => {});
    }
  }, options.publishEveryMs ?? 250);

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const asset = options.assets.get(path === '/' ? '/index.html' : path);
    if (req.method === 'GET' && asset) {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store' }).end(asset.body);
      return;
    }
    sse(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`nothing at ${path}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    hub,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    async close() {
      clearInterval(timer);
      router.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await hub.close();
    },
  };
}
