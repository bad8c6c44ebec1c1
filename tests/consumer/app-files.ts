/**
 * A small app as a user would write it from the README, in three shapes: ESM resolved by Node (`nodenext`), ESM for a
 * bundler (`bundler`, extensionless imports), and CommonJS (no `"type": "module"`, `require()` of the ESM packages).
 */
export type AppShape = 'esm-nodenext' | 'esm-bundler' | 'cjs';

/** How a shape is set up, compiled and run. */
export interface ShapeSpec {
  readonly shape: AppShape;
  /** `"type"` of the app's package.json. */
  readonly type: 'module' | 'commonjs';
  readonly validation: 'zod' | 'standalone';
  /** Import suffix for the app's own relative imports (`.js` under nodenext, none for a bundler). */
  readonly ext: '.js' | '';
  readonly tsconfig: Record<string, unknown>;
  /** How the runnable JavaScript is produced: tsc's emit, or an esbuild bundle. */
  readonly build: 'tsc' | 'esbuild';
  /** The entry to run with `node`, relative to the app. */
  readonly main: string;
}

// The strictest settings users turn on; skipLibCheck off, so ssekit's own declarations are checked too.
const strict = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noImplicitReturns: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  isolatedModules: true,
  skipLibCheck: false,
  target: 'ES2022',
  types: ['node'],
};

/** The three app shapes the consumer test installs ssekit into. */
export const SHAPES: readonly ShapeSpec[] = [
  {
    shape: 'esm-nodenext',
    type: 'module',
    validation: 'zod',
    ext: '.js',
    tsconfig: {
      ...strict,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      verbatimModuleSyntax: true,
      lib: ['ES2023', 'DOM'],
      outDir: 'dist',
      rootDir: '.',
    },
    build: 'tsc',
    main: 'dist/src/main.js',
  },
  {
    shape: 'esm-bundler',
    type: 'module',
    validation: 'standalone',
    ext: '',
    tsconfig: {
      ...strict,
      module: 'preserve',
      moduleResolution: 'bundler',
      verbatimModuleSyntax: true,
      lib: ['ES2023', 'DOM'],
      noEmit: true,
    },
    build: 'esbuild',
    main: 'dist/main.mjs',
  },
  {
    // A Node-only CommonJS app: no DOM lib, so ssekit's declarations must not lean on browser-only globals.
    shape: 'cjs',
    type: 'commonjs',
    validation: 'zod',
    ext: '.js',
    tsconfig: {
      ...strict,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['ES2023'],
      outDir: 'dist',
      rootDir: '.',
    },
    build: 'tsc',
    main: 'dist/src/main.js',
  },
];

/** The app's source files for a shape, path → content. */
export function appFiles(spec: ShapeSpec): Record<string, string> {
  const ext = spec.ext;
  return {
    'ssekit.config.ts': `import { defineConfig } from '@ssekit/codegen';

export default defineConfig({
  contracts: './src/contract.ts',
  out: './generated',
  validation: '${spec.validation}',
  outputs: ['client', 'asyncapi', 'openapi', 'html'],
  info: { title: 'Ticker', version: '1.0.0' },
});
`,
    'src/contract.ts': `import { defineContract } from '@ssekit/contract';
import { z } from 'zod';

export const Price = z.object({ symbol: z.string(), price: z.number(), n: z.number().int() });
export const StreamError = z.object({ code: z.string(), message: z.string() });

export const contract = defineContract({
  ticker: {
    path: '/ticker/:symbol',
    summary: 'Prices of one symbol',
    params: z.object({ symbol: z.string().min(1).max(12) }),
    query: z.object({ count: z.coerce.number().int().min(1).max(100).default(3) }),
    events: { price: Price, error: StreamError },
    errorEvent: 'error',
    // What \`ssekit check\` sends: typed by the schemas above (a wrong param or query does not compile).
    requestExamples: [
      { name: 'ACME, twice', params: { symbol: 'ACME' }, query: { count: 2 } },
      { name: 'a rejected price', params: { symbol: 'BAD' }, expect: 'error-event' },
    ],
  },
});
`,
    'src/server.ts': `import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContractValidationError, implement } from '@ssekit/server';
import { createNodeHandler } from '@ssekit/server/node';
import { contract } from './contract${ext}';

type Price = { symbol: string; price: number; n: number };

export const router = implement(contract, {
  ticker: async (session) => {
    const { symbol } = session.params;
    if (symbol === 'BAD') {
      try {
        // Without the cast this does not compile; at run time the schema rejects it and nothing is written.
        await session.send('price', { symbol, price: 'free', n: 1 } as unknown as Price);
      } catch (error) {
        const rejected = error instanceof ContractValidationError;
        await session.send('error', {
          code: rejected ? error.code : 'UNEXPECTED',
          message: rejected ? 'price rejected' : String(error),
        });
      }
      return;
    }
    for (let n = 1; n <= session.query.count; n++) {
      await session.send('price', { symbol, price: 100 + n, n }, { id: String(n) });
    }
  },
});

/** A running server: its origin, and how to stop it. */
export interface Running {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the SSE routes on node:http, plus static files (a browser bundle) on the same origin. */
export function start(files: Record<string, { type: string; body: string }> = {}): Promise<Running> {
  const sse = createNodeHandler(router);
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (file === undefined) return sse(req, res);
    res.writeHead(200, { 'content-type': file.type });
    res.end(file.body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: \`http://127.0.0.1:\${port}\`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
`,
    'src/main.ts': `import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSsekitError } from '@ssekit/client';
import { testRoute } from '@ssekit/testing';
import { createClient } from '../generated/client${ext}';
import { contract } from './contract${ext}';
import { router, start } from './server${ext}';

async function main(): Promise<void> {
  const server = await start();
  const client = createClient({ baseUrl: server.url, reconnect: false });

  const prices: { symbol: string; price: number; n: number; id: string | undefined }[] = [];
  for await (const event of client.ticker.stream({ params: { symbol: 'ACME' }, query: { count: 3 } })) {
    if (event.event === 'price') prices.push({ ...event.data, id: event.id });
    if (prices.length === 3) break;
  }

  let serverRejected: { code: string; message: string } | undefined;
  for await (const event of client.ticker.stream({ params: { symbol: 'BAD' } })) {
    if (event.event === 'error') serverRejected = event.data;
    break;
  }

  let badRequest: { code: string; status: unknown } | undefined;
  try {
    for await (const _ of client.ticker.stream({ params: { symbol: 'ACME' }, query: { count: 0 } })) break;
  } catch (error) {
    if (isSsekitError(error)) badRequest = { code: error.code, status: (error as { status?: unknown }).status };
  }

  // A server that breaks the contract: the generated client rejects the bad event and goes on.
  const raw = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('event: price\\ndata: {"symbol":"X","price":"free","n":1}\\n\\nevent: price\\ndata: {"symbol":"X","price":1,"n":2}\\n\\n');
  });
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  const rawUrl = \`http://127.0.0.1:\${(raw.address() as AddressInfo).port}\`;
  const clientRejected: string[] = [];
  let afterInvalid: unknown;
  const rawClient = createClient({ baseUrl: rawUrl, reconnect: false });
  for await (const event of rawClient.ticker.stream(
    { params: { symbol: 'X' } },
    { onError: (error) => clientRejected.push(error.code) },
  )) {
    afterInvalid = event.data;
    break;
  }
  raw.closeAllConnections();
  raw.close();
  await server.close();

  // The same routes in-process with @ssekit/testing: no socket, typed events, failures as results.
  const stream = await testRoute(router, contract.ticker, { params: { symbol: 'ACME' }, query: { count: 2 } });
  const events = await stream.expectEvents([
    { event: 'price', data: { symbol: 'ACME', price: 101, n: 1 }, id: '1' },
    { event: 'price', id: '2' },
  ]);
  await stream.expectEnd();
  const refused = await testRoute(router, contract.ticker, { params: { symbol: 'ACME' }, query: { count: 0 } });
  const bad = await testRoute(router, contract.ticker, { params: { symbol: 'BAD' } });
  const rejected = await bad.next();
  const inProcess = {
    events,
    refused: refused.status,
    rejected: rejected.event === 'error' ? rejected.data : undefined,
  };

  console.log(
    JSON.stringify({ node: process.version, prices, serverRejected, badRequest, clientRejected, afterInvalid, inProcess }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
`,
    'src/compile-checks.ts': `import { implement } from '@ssekit/server';
import { createClient } from '../generated/client${ext}';
import { contract } from './contract${ext}';

/** Never called: each line marked below must fail to compile (an unused @ts-expect-error fails the build). */
export function compileChecks(): void {
  implement(contract, {
    ticker: async (session) => {
      // @ts-expect-error price is a number
      await session.send('price', { symbol: 'X', price: 'free', n: 1 });
      // @ts-expect-error the contract declares no "volume" event
      await session.send('volume', { symbol: 'X' });
      const count: number = session.query.count;
      const symbol: string = session.params.symbol;
      void count;
      void symbol;
    },
  });
  const client = createClient({ baseUrl: 'http://127.0.0.1:1' });
  // @ts-expect-error params are required
  void client.ticker.stream({ query: { count: 1 } });
  client.ticker.subscribe(
    { params: { symbol: 'X' } },
    {
      price(data) {
        const price: number = data.price;
        // @ts-expect-error data.price is a number, not a string
        const text: string = data.price;
        void price;
        void text;
      },
    },
  );
}
`,
    'src/browser.ts': `import { createClient } from '../generated/client${ext}';

declare global {
  interface Window {
    result?: unknown;
  }
}

async function run(): Promise<unknown> {
  const client = createClient({ baseUrl: location.origin, reconnect: false });
  const prices: { n: number; price: number; id: string | undefined }[] = [];
  for await (const event of client.ticker.stream({ params: { symbol: 'ACME' }, query: { count: 3 } })) {
    if (event.event === 'price') prices.push({ n: event.data.n, price: event.data.price, id: event.id });
    if (prices.length === 3) break;
  }
  return { prices };
}

run().then(
  (result) => {
    window.result = result;
  },
  (error: unknown) => {
    window.result = { error: String(error) };
  },
);
`,
  };
}
