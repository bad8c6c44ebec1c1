import { Miniflare } from 'miniflare';
import { describe, expect, it } from 'vitest';
import {
  bundleWorker,
  runProcess,
  runtimeArgs,
  runtimeAvailable,
  runtimeBinary,
  WORKER_COMPATIBILITY_DATE,
  WORKER_COMPATIBILITY_FLAGS,
} from '../../../scripts/runtimes.ts';
import type { ClientCheckResult } from './runtimes/client-checks.ts';

// The generated client (zod and standalone validation) on other runtimes: under Bun and Deno against the check server
// served by the same runtime over loopback, and inside a Worker calling another Worker through a service binding.

interface Report {
  runtime: string;
  results: ClientCheckResult[];
}

/** The same outcome on every runtime, for each mode. */
function expectChecksPassed(report: Report): void {
  expect(report.results.map((r) => r.mode)).toEqual(['zod', 'standalone']);
  for (const result of report.results) {
    expect(result.json).toEqual({
      customer: { id: 0, firstName: 'Jet', lastName: 'Brains' },
      product: { id: 0, prices: [100, 200] },
      errors: [],
    });
    // The customer breaks the contract: reported as a validation error, not delivered; the stream goes on.
    expect(result.invalid).toEqual({
      errors: [{ code: 'VALIDATION', event: 'customer' }],
      customers: 0,
      product: { id: 0, prices: [100, 200] },
    });
    // Two events per connection: three connections, the 2nd and 3rd resuming after the last id received.
    expect(result.resumed).toEqual({
      ns: [1, 2, 3, 4, 5],
      ids: ['1', '2', '3', '4', '5'],
      lastEventIds: [null, '2', '4'],
    });
  }
}

const ENTRY = 'packages/client/tests/runtimes/main.ts';

describe.each(['bun', 'deno'] as const)('the generated client under %s', (runtime) => {
  const available = runtimeAvailable(runtime, `the generated client tests under ${runtime}`);
  it.skipIf(!available)(
    'subscribes, validates and resumes with Last-Event-ID, in both modes',
    async () => {
      const run = await runProcess(runtimeBinary(runtime), runtimeArgs(runtime, ENTRY), { timeoutMs: 90_000 });
      const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (run.code !== 0 || !line) throw new Error(`${runtime} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
      const report = JSON.parse(line.slice('RESULT '.length)) as Report;
      expect(report.runtime.startsWith(runtime)).toBe(true);
      expectChecksPassed(report);
    },
    120_000,
  );
});

describe('the generated client inside a Worker calling another Worker (workerd, miniflare)', () => {
  const available = runtimeAvailable('workerd', 'the generated client tests in a Worker');
  it.skipIf(!available)(
    'subscribes, validates and resumes with Last-Event-ID, in both modes',
    async () => {
      const [client, server] = await Promise.all([
        bundleWorker('packages/client/tests/runtimes/worker-client.ts'),
        bundleWorker('packages/client/tests/runtimes/worker-server.ts'),
      ]);
      const common = {
        modules: true,
        compatibilityDate: WORKER_COMPATIBILITY_DATE,
        compatibilityFlags: WORKER_COMPATIBILITY_FLAGS,
      };
      const mf = new Miniflare({
        host: '127.0.0.1',
        port: 0,
        workers: [
          { name: 'client', script: client, serviceBindings: { SERVER: 'server' }, ...common },
          { name: 'server', script: server, ...common },
        ],
      });
      try {
        const url = await mf.ready;
        const report = (await (await fetch(url)).json()) as Report;
        expect(report.runtime).toBe('workerd (Cloudflare-Workers)');
        expectChecksPassed(report);
      } finally {
        await mf.dispose();
      }
    },
    120_000,
  );
});
