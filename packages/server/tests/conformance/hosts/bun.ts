/**
 * The conformance host under Bun: `bun --conditions=@ssekit/source bun.ts [--hono] [--idle-timeout=<s>]`. Serves the
 * fixture with `Bun.serve` on 127.0.0.1, a free port, and prints `listening on <url>`. The idle timeout defaults to 0
 * (off): Bun's own default, 10 s, cuts streams that stay silent longer, which the suite's held streams do.
 */
import process from 'node:process';
import { createConformanceHost } from './host-app.ts';
import { exitWithParent } from './lifetime.ts';

/** The part of Bun's API this file uses (the repo type-checks without bun-types). */
declare const Bun: {
  serve(options: { hostname: string; port: number; idleTimeout: number; fetch(request: Request): Promise<Response> }): {
    port: number;
  };
  version: string;
};

exitWithParent(10 * 60_000);
const host = createConformanceHost({ hono: process.argv.includes('--hono') });
const idleArg = process.argv.find((arg) => arg.startsWith('--idle-timeout='));
const idleTimeout = idleArg === undefined ? 0 : Number(idleArg.slice('--idle-timeout='.length));
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, idleTimeout, fetch: host.fetch });
console.log(`bun ${Bun.version} listening on http://127.0.0.1:${server.port}`);
