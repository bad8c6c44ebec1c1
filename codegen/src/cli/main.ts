import { shouldColor } from '../devtools/style.js';
import { runCli } from './run-cli.js';

// Entry point of the `ssekit` bin (bin/ssekit.js runs it compiled; bin/ssekit-dev.js from sources in the monorepo).
const stop = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});
process.exitCode = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stop,
  color: shouldColor(process.stdout, process.env),
});
process.exit();
