import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { isSsekitError } from '@ssekit/contract';
import type { ValidationMode } from '../config.js';
import { type GenerateOptions, type GenerateResult, generate } from '../generate.js';
import { watch } from '../watch.js';
import { runCheck, runTail } from './devtools-cli.js';

/** Where the CLI writes and how it is stopped; `process` in the real bin, fakes in tests. */
export interface CliIo {
  readonly cwd: string;
  out(line: string): void;
  err(line: string): void;
  /** Resolves when `--watch`, `tail` or `check` should stop (SIGINT in the bin). */
  readonly stop?: Promise<void>;
  /** ANSI colours in `tail` and `check` output (the bin: stdout is a TTY and NO_COLOR is unset). */
  readonly color?: boolean;
}

export const HELP = `Usage: ssekit [generate] [options]
       ssekit tail <url> [options]
       ssekit check <baseUrl> [options]

Commands:
  generate (default)     generates a typed client (and docs) from the contracts a TypeScript module exports
  tail <url>             prints the events of an SSE stream, validated against a contract route (ssekit tail --help)
  check <baseUrl>        checks a running server against the contracts and the SSE rules (ssekit check --help)

Options of generate:
  --config <file>        config file (default: ssekit.config.ts in the current folder, if any)
  --contracts <file>     contracts module (overrides the config)
  --from <file>          OpenAPI 3.0/3.1/3.2 or AsyncAPI 3.0 document (YAML or JSON) to generate a standalone client from
  --out <dir>            output folder (overrides the config)
  --validation <mode>    zod | standalone
  --outputs <list>       emitters to run, comma-separated (e.g. client,asyncapi)
  --check                write nothing; exit 1 and show a diff summary when files on disk are stale
  --watch                regenerate when the contracts change
  --verbose              also list the operations of a --from document that are not SSE streams
  -h, --help             this help
`;

function printErrorTo(io: CliIo, error: unknown): void {
  if (isSsekitError(error)) io.err(`ssekit: ${error.message}`);
  else if (error instanceof Error) io.err(`ssekit: unexpected error: ${error.message}`);
  else io.err(`ssekit: unexpected error: ${String(error)}`);
  if (process.env.SSEKIT_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
}

function report(io: CliIo, result: GenerateResult, check: boolean, verbose = false): void {
  for (const warning of result.warnings) io.err(`warning: ${warning}`);
  if (verbose) for (const line of result.skipped) io.err(`skipped: ${line}`);
  const shown = (path: string) => relative(io.cwd, path) || path;
  for (const file of result.files) {
    if (check) {
      if (file.status === 'missing') io.err(`missing  ${shown(file.path)}`);
      if (file.status === 'stale') io.err(`stale    ${shown(file.path)}\n${file.diff ?? ''}`);
    } else if (file.status !== 'unchanged') {
      io.out(`${file.status.padEnd(8)} ${shown(file.path)}`);
    }
  }
  if (check && result.stale.length === 0) io.out(`up to date: ${result.files.length} file(s)`);
  if (check && result.stale.length) {
    io.err(`${result.stale.length} generated file(s) are stale: run \`ssekit generate\` to update them`);
  }
  if (!check && result.files.every((f) => f.status === 'unchanged')) {
    io.out(`unchanged: ${result.files.length} file(s)`);
  }
}

/**
 * Runs `ssekit <argv>` (`generate`, the default, `tail` or `check`); resolves to the exit code (0 ok, 1 failed, stale or
 * contract violations, 2 usage error).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), { cwd: process.cwd(), out: console.log, err: console.error });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv[0] === 'tail') return runTail(argv.slice(1), io);
  if (argv[0] === 'check') return runCheck(argv.slice(1), io);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`ssekit: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const command = positionals[0] ?? 'generate';
  if (command !== 'generate' || positionals.length > 1) {
    io.err(`ssekit: unknown command "${positionals.join(' ')}"\n\n${HELP}`);
    return 2;
  }
  if (values.validation !== undefined && values.validation !== 'zod' && values.validation !== 'standalone') {
    io.err(`ssekit: --validation must be zod or standalone, got "${values.validation}"`);
    return 2;
  }
  if (values.check && values.watch) {
    io.err('ssekit: --check and --watch do not go together');
    return 2;
  }
  const options: GenerateOptions = {
    cwd: io.cwd,
    check: values.check === true,
    ...(values.config === undefined ? {} : { config: values.config }),
    ...(values.contracts === undefined ? {} : { contracts: values.contracts }),
    ...(values.from === undefined ? {} : { from: values.from }),
    ...(values.out === undefined ? {} : { out: values.out }),
    ...(values.validation === undefined ? {} : { validation: values.validation as ValidationMode }),
    ...(values.outputs === undefined
      ? {}
      : {
          outputs: values.outputs
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }),
  };
  if (values.watch) {
    const handle = watch(options, {
      onResult: (result) => report(io, result, false, values.verbose === true),
      onError: (error) => printErrorTo(io, error),
    });
    await handle.ready;
    io.out('watching for changes (Ctrl-C to stop)');
    await (io.stop ?? new Promise<void>(() => {}));
    await handle.close();
    return 0;
  }
  try {
    const result = await generate(options);
    report(io, result, options.check === true, values.verbose === true);
    return options.check && result.stale.length ? 1 : 0;
  } catch (error) {
    printErrorTo(io, error);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      contracts: { type: 'string' },
      from: { type: 'string' },
      verbose: { type: 'boolean' },
      out: { type: 'string' },
      validation: { type: 'string' },
      outputs: { type: 'string' },
      check: { type: 'boolean' },
      watch: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
