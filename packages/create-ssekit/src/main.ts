import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CreateSsekitError } from './errors.js';
import type { ServerKind, ValidationMode } from './package-json.js';
import { type ScaffoldResult, scaffold } from './scaffold.js';

/**
 * The `--help` text.
 *
 * @example
 * ```ts
 * process.stdout.write(USAGE);
 * ```
 */
export const USAGE = `create-ssekit: scaffold a typed Server-Sent Events app on ssekit

Usage:
  npm create ssekit@latest <dir> [-- <options>]
  create-ssekit <dir> [<options>]

Options:
  --server node|hono            node:http (default), or Hono on @hono/node-server
  --validation zod|standalone   how the generated client validates events (default zod)
  --packages-from <folder>      take @ssekit/* from the npm pack tarballs in <folder> (unreleased builds)
  -h, --help                    print this help

The app's package name is the last segment of <dir>, which must not exist or be empty.
`;

/** Where {@link main} writes, and what relative paths are resolved against. */
export interface MainIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

/** A shell word for `cd`: as is when it is plain, else quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * What to do after scaffolding, as printed by the CLI.
 *
 * @example
 * ```ts
 * nextSteps(result, 'my-app'); // 'Created my-app in /home/me/my-app ...\n\nNext steps:\n  cd my-app\n  npm install\n...'
 * ```
 */
export function nextSteps(result: ScaffoldResult, dirArg: string, cwd: string = process.cwd()): string {
  const server = result.server === 'hono' ? 'Hono' : 'node:http';
  const steps = resolve(cwd) === result.dir ? [] : [`cd ${shellWord(dirArg)}`];
  steps.push('npm install', 'npm test', 'npm start');
  return (
    `Created ${result.name} in ${result.dir} (${server} server, ${result.validation} validation).\n\n` +
    `Next steps:\n${steps.map((step) => `  ${step}\n`).join('')}`
  );
}

/**
 * The CLI, as a function: parses `argv` (without `node` and the script), scaffolds, prints the next steps and
 * resolves with the exit code: 0 on success or `--help`, 1 for `INVALID_NAME` and `TARGET_NOT_EMPTY`, 2 for usage
 * errors. Other errors (I/O failures) reject.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['my-app', '--server', 'hono']);
 * ```
 */
export async function main(argv: readonly string[], io: Partial<MainIo> = {}): Promise<number> {
  const stdout = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => void process.stderr.write(text));
  const cwd = io.cwd ?? process.cwd();
  try {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(argv);
    } catch (error) {
      throw new CreateSsekitError('USAGE', (error as Error).message, { cause: error });
    }
    const { values, positionals } = parsed;
    if (values.help) {
      stdout(USAGE);
      return 0;
    }
    const [dir, ...extra] = positionals;
    if (dir === undefined) throw new CreateSsekitError('USAGE', 'missing the app folder, e.g. `create-ssekit my-app`');
    if (extra.length > 0) {
      throw new CreateSsekitError('USAGE', `one app folder at a time, got ${[dir, ...extra].join(' ')}`);
    }
    const result = await scaffold({
      dir,
      cwd,
      server: values.server as ServerKind | undefined,
      validation: values.validation as ValidationMode | undefined,
      packagesFrom: values['packages-from'],
    });
    stdout(nextSteps(result, dir, cwd));
    return 0;
  } catch (error) {
    if (!(error instanceof CreateSsekitError)) throw error;
    stderr(`create-ssekit: ${error.message}\n`);
    if (error.code !== 'USAGE') return 1;
    stderr('Run `create-ssekit --help` for usage.\n');
    return 2;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      server: { type: 'string' },
      validation: { type: 'string' },
      'packages-from': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
