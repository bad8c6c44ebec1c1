import { Miniflare } from 'miniflare';
import {
  bundleModule,
  bundleWorker,
  nextBuild,
  nextStart,
  runtimeArgs,
  runtimeAvailable,
  runtimeBinary,
  startHostProcess,
  WORKER_COMPATIBILITY_DATE,
  WORKER_COMPATIBILITY_FLAGS,
} from '../../../../../scripts/runtimes.ts';
import type { AdapterUnderTest, RunningHost } from '../adapters.ts';
import type { Snapshot } from '../observations.ts';
import { SEEN_PATH } from './host-app.ts';

const HOSTS_DIR = 'packages/server/tests/conformance/hosts';

async function observeOver(url: string): Promise<Snapshot> {
  const response = await fetch(url + SEEN_PATH);
  if (!response.ok) throw new Error(`${url}${SEEN_PATH} answered ${response.status}`);
  return (await response.json()) as Snapshot;
}

/** The fixture in a Bun or Deno process, served by `Bun.serve` / `Deno.serve`, through Hono or directly. */
function runtimeHost(runtime: 'bun' | 'deno', hono: boolean): AdapterUnderTest {
  const serveFn = runtime === 'bun' ? 'Bun.serve' : 'Deno.serve';
  const name = `${hono ? 'Hono on ' : 'fetch, '}${serveFn} (${runtime})`;
  return {
    name,
    protocol: 'h1',
    available: runtimeAvailable(runtime, `the conformance suite on ${name}`),
    // Bun.serve writes the end of the response head only with the first body bytes (oven-sh/bun#33660, open).
    ...(runtime === 'bun' ? { headers: 'with-first-bytes' as const } : {}),
    start: async (): Promise<RunningHost> => {
      const host = await startHostProcess({
        command: runtimeBinary(runtime),
        args: runtimeArgs(runtime, `${HOSTS_DIR}/serve.ts`, hono ? ['--hono'] : []),
      });
      return {
        url: host.url,
        close: async () => {
          await host.stop();
        },
        observe: () => observeOver(host.url),
      };
    },
  };
}

/** The fixture as a Worker in workerd with its feeds in Durable Objects, run locally by miniflare (web APIs only, no `nodejs_compat`). */
const workerdHost: AdapterUnderTest = {
  name: 'fetch, workerd (miniflare): Worker + Durable Object per feed',
  protocol: 'h1',
  available: runtimeAvailable('workerd', 'the conformance suite on workerd'),
  disconnect: 'on-write',
  start: async () => {
    const script = await bundleWorker(`${HOSTS_DIR}/worker.ts`);
    const mf = new Miniflare({
      modules: true,
      script,
      compatibilityDate: WORKER_COMPATIBILITY_DATE,
      compatibilityFlags: WORKER_COMPATIBILITY_FLAGS,
      durableObjects: { FEEDS: 'FeedObject' },
      host: '127.0.0.1',
      port: 0,
    });
    const url = (await mf.ready).origin;
    return {
      url,
      close: () => mf.dispose(),
      observe: () => observeOver(url),
    };
  },
};

/** The fixture in a Next.js App Router route handler (`app/[...path]/route.js`): `next build` (Turbopack), `next start`. */
export const nextHost: AdapterUnderTest = {
  name: 'Next.js route handler (next start)',
  protocol: 'h1',
  // Next.js writes the response head with the first chunk of the body, by design (its pipe-readable.ts).
  headers: 'with-first-bytes',
  // Next.js decodes the catch-all path itself and answers a malformed percent-encoding with a 500.
  malformedPathStatus: 500,
  available: runtimeAvailable('next', 'the conformance suite on a Next.js route handler'),
  start: async () => {
    await bundleModule(`${HOSTS_DIR}/host-app.ts`, `${HOSTS_DIR}/next/generated/host-app.mjs`);
    await nextBuild(`${HOSTS_DIR}/next`);
    const host = await nextStart(`${HOSTS_DIR}/next`);
    return {
      url: host.url,
      close: async () => {
        await host.stop();
      },
      observe: () => observeOver(host.url),
    };
  },
};

/** The runtimes other than Node. */
export const runtimeHosts: AdapterUnderTest[] = [
  runtimeHost('bun', false),
  runtimeHost('bun', true),
  runtimeHost('deno', false),
  runtimeHost('deno', true),
  workerdHost,
];
