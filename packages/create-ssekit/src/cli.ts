#!/usr/bin/env node
// The `create-ssekit` bin (`npm create ssekit@latest my-app`): a thin wrapper over `main`.
import { main } from './main.js';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`create-ssekit: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
