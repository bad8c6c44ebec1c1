/**
 * The conformance host under Deno: `deno run --sloppy-imports --conditions=@ssekit/source deno.ts [--hono]`. Serves
 * the fixture with `Deno.serve` on 127.0.0.1, a free port, and prints `listening on <url>`.
 */
import process from 'node:process';
import { createConformanceHost } from './host-app.ts';
import { exitWithParent } from './lifetime.ts';

/** The part of Deno's API this file uses (the repo type-checks without Deno's types). */
declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen(address: { port: number }): void },
    handler: (request: Request) => Promise<Response>,
  ): unknown;
  version: { deno: string };
};

exitWithParent(10 * 60_000);
const host = createConformanceHost({ hono: process.argv.includes('--hono') });
Deno.serve(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen: ({ port }) => console.log(`deno ${Deno.version.deno} listening on http://127.0.0.1:${port}`),
  },
  host.fetch,
);
