/**
 * Runs the client checks under Bun or Deno: serves the check server with `Bun.serve` / `Deno.serve` on 127.0.0.1, runs
 * both generated clients against it over loopback, prints `RESULT <json>` and exits (in any case within 60 s).
 */
import process from 'node:process';
import { serveHere } from '../../../../scripts/runtime-apis.ts';
import { runClientChecks } from './client-checks.ts';
import { createSeedCheckServer } from './seed-server.ts';

const hardStop = setTimeout(() => process.exit(2), 60_000);
const server = createSeedCheckServer();
const { url, runtime } = await serveHere(server.fetch);
try {
  const results = await runClientChecks(url);
  console.log(`RESULT ${JSON.stringify({ runtime, results })}`);
  clearTimeout(hardStop);
  process.exit(0);
} catch (error) {
  console.error(error);
  process.exit(1);
}
