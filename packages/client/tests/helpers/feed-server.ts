import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { implement } from '@ssekit/server';
import { createHub, createMemoryReplayStore, type Hub } from '@ssekit/server/broadcast';
import { createNodeHandler } from '@ssekit/server/node';
import { build, type Plugin } from 'esbuild';
import { feedContract } from '../fixtures/feed/contract.ts';

/** A feed request as the server saw it. */
export interface FeedRequestRecord {
  feed: string;
  lastEventId: string | undefined;
  /** `performance.now()` when it arrived. */
  at: number;
}

/** A real ssekit server for browser tests: the feed contract on a hub with a memory replay store, plus one page. */
export interface FeedServer {
  readonly url: string;
  readonly hub: Hub<typeof feedContract.feed>;
  /** Every stream request, in arrival order. */
  readonly requests: FeedRequestRecord[];
  /** Streams open now, per feed. */
  open(feed: string): number;
  close(): Promise<void>;
}

/**
 * Starts the server on 127.0.0.1 (an ephemeral port), serving `page` at `/` as an ES module.
 *
 * @example
 * ```ts
 * const server = await startFeedServer(await bundlePage(new URL('../browser/page.ts', import.meta.url)));
 * await server.hub.publish({ feed: 'a' }, 'tick', { n: 1, text: 'one' });
 * ```
 */
export async function startFeedServer(page: string): Promise<FeedServer> {
  const hub = createHub(feedContract.feed, { store: createMemoryReplayStore() });
  const requests: FeedRequestRecord[] = [];
  const live = new Map<string, number>();
  const router = implement(feedContract, {
    feed: {
      handler: async (session) => {
        const feed = session.params.feed;
        requests.push({ feed, lastEventId: session.lastEventId, at: performance.now() });
        live.set(feed, (live.get(feed) ?? 0) + 1);
        try {
          await hub.subscribe(session);
        } finally {
          live.set(feed, (live.get(feed) ?? 1) - 1);
        }
      },
    },
  });
  const sse = createNodeHandler(router);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><title>ssekit</title><div id="root"></div><script type="module" src="/page.js"></script>',
      );
    } else if (path === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page);
    } else sse(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hub,
    requests,
    open: (feed) => live.get(feed) ?? 0,
    async close() {
      router.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await hub.close();
    },
  };
}

/**
 * Bundles a test page (TypeScript or TSX, workspace packages from their sources) into one ES module, in memory.
 * `react` chooses the React copy: the repository's (19), or React 18 from the `tests/react18` workspace.
 *
 * @example
 * ```ts
 * const script = await bundlePage(new URL('../browser/page.tsx', import.meta.url), { react: 18 });
 * ```
 */
export async function bundlePage(
  entry: URL,
  options: { react?: 18 | 19; platform?: 'browser' | 'node' } = {},
): Promise<string> {
  const plugins: Plugin[] = [];
  if (options.react === 18) {
    const react18 = fileURLToPath(new URL('../../../../tests/react18/', import.meta.url));
    plugins.push({
      name: 'react-18',
      setup(b) {
        b.onResolve({ filter: /^react(-dom)?(\/.*)?$/ }, (args) =>
          args.pluginData === 'react-18'
            ? undefined
            : b.resolve(args.path, { kind: args.kind, resolveDir: react18, pluginData: 'react-18' }),
        );
      },
    });
  }
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: options.platform ?? 'browser',
    target: 'es2022',
    conditions: ['@ssekit/source'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'silent',
    plugins,
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry.href}`);
  return file.text;
}

/**
 * Polls `read` until `ok` holds (every 10 ms), and returns the value; throws with the last value after `timeoutMs`.
 *
 * @example
 * ```ts
 * const log = await until(() => page.evaluate(() => window.tabLog), (l) => l.ticks.length === 3, 'three ticks');
 * ```
 */
export async function until<T>(
  read: () => Promise<T> | T,
  ok: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(value)}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
