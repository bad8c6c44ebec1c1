import { readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { CreateSsekitError } from './errors.js';

/** The ssekit packages a scaffolded app depends on, without their `@ssekit/` scope. */
export const SSEKIT_PACKAGES = ['contract', 'server', 'client', 'codegen'] as const;

/** One of {@link SSEKIT_PACKAGES}. */
export type SsekitPackage = (typeof SSEKIT_PACKAGES)[number];

/** Absolute tarball path per ssekit package. */
export type Tarballs = Record<SsekitPackage, string>;

const TARBALL = /^ssekit-([a-z]+)-(\d[^/\\]*)\.tgz$/;

/**
 * Finds the `npm pack` tarball of every ssekit package in `folder` (`ssekit-contract-0.1.0.tgz`, ...). When a
 * folder holds several versions of one package, the one equal to `version` wins. Throws a {@link CreateSsekitError}
 * `USAGE` when the folder or a tarball is missing, or the choice is ambiguous.
 *
 * @example
 * ```ts
 * findTarballs('/tmp/packs', '0.1.0').server; // '/tmp/packs/ssekit-server-0.1.0.tgz'
 * ```
 */
export function findTarballs(folder: string, version: string, cwd: string = process.cwd()): Tarballs {
  const dir = resolve(cwd, folder);
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    names = readdirSync(dir);
  } catch {
    throw new CreateSsekitError('USAGE', `--packages-from ${folder}: not a folder of npm pack tarballs`);
  }
  const found: Partial<Record<string, string[]>> = {};
  const versions: Record<string, string> = {};
  for (const name of names) {
    const match = TARBALL.exec(name);
    if (!match) continue;
    const [, pkg = '', pkgVersion = ''] = match;
    found[pkg] = [...(found[pkg] ?? []), name];
    versions[name] = pkgVersion;
  }
  const tarballs = {} as Tarballs;
  for (const pkg of SSEKIT_PACKAGES) {
    const candidates = found[pkg] ?? [];
    const chosen = candidates.length === 1 ? candidates[0] : candidates.find((name) => versions[name] === version);
    if (chosen === undefined) {
      const why =
        candidates.length === 0
          ? `no ssekit-${pkg}-<version>.tgz (make one with \`npm pack -w @ssekit/${pkg}\`)`
          : `several versions of @ssekit/${pkg} and none is ${version}: ${candidates.sort().join(', ')}`;
      throw new CreateSsekitError('USAGE', `--packages-from ${folder}: ${why}`);
    }
    tarballs[pkg] = join(dir, chosen);
  }
  return tarballs;
}

/**
 * The dependency spec npm installs a tarball from: `file:` and its absolute path, with `/` separators.
 *
 * @example
 * ```ts
 * fileSpec('/tmp/packs/ssekit-server-0.1.0.tgz'); // 'file:/tmp/packs/ssekit-server-0.1.0.tgz'
 * ```
 */
export function fileSpec(path: string): string {
  return `file:${path.split(sep).join('/')}`;
}
