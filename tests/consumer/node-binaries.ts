import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The Node.js majors users run, besides the one running the tests (CI: 20). Installed from the npm registry. */
export const EXTRA_NODE_MAJORS = [22, 24] as const;

const cacheDir = resolve(import.meta.dirname, '../../node_modules/.cache/ssekit-node');

/**
 * Path of a `node` binary of the given major, installed on first use as the npm package `node@<major>` into
 * `node_modules/.cache/ssekit-node/<major>` (the package ships the official binary for this platform).
 *
 * @example
 * ```ts
 * const node24 = nodeBinary(24); // …/node_modules/.cache/ssekit-node/24/node_modules/.bin/node
 * execFileSync(node24, ['--version']); // v24.x
 * ```
 */
export function nodeBinary(major: number): string {
  const prefix = join(cacheDir, String(major));
  const bin = join(prefix, 'node_modules', '.bin', 'node');
  if (!existsSync(bin) || !nodeVersion(bin).startsWith(`v${major}.`)) {
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', prefix, `node@${major}`],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
  const version = nodeVersion(bin);
  if (!version.startsWith(`v${major}.`)) throw new Error(`node@${major} installed ${version} at ${bin}`);
  return bin;
}

function nodeVersion(bin: string): string {
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

// `tsx tests/consumer/node-binaries.ts 24` prints the path (for .ci/run, which reruns the e2e suites on 22 and 24).
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  console.log(nodeBinary(Number(process.argv[2])));
}
