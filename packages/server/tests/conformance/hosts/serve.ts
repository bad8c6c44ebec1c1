/**
 * The conformance host under Bun or Deno: `bun --conditions=@ssekit/source serve.ts [--hono] [--idle-timeout=<s>]`,
 * or `deno run … serve.ts`. Serves the fixture with `Bun.serve` / `Deno.serve` on 127.0.0.1, a free port, and prints
 * `listening on <url>`. Bun's idle timeout defaults to 0 (off) here: Bun's own default, 10 s, cuts streams that stay
 * silent longer, which the suite's held streams do (runtime-bun.test.ts checks that with `--idle-timeout=1`).
 */
import process from 'node:process';
import { serveHere } from '../../../../../scripts/runtime-apis.ts';
import { createConformanceHost } from './host-app.ts';
import { exitWithParent } from './lifetime.ts';

exitWithParent(10 * 60_000);
const host = createConformanceHost({ hono: process.argv.includes('--hono') });
const idleArg = process.argv.find((arg) => arg.startsWith('--idle-timeout='));
const { url, runtime } = await serveHere(host.fetch, {
  idleTimeout: idleArg === undefined ? 0 : Number(idleArg.slice('--idle-timeout='.length)),
});
console.log(`${runtime} listening on ${url}`);
