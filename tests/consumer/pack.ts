import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Every package a user installs from the registry, by workspace name. */
export const PUBLISHED_PACKAGES = [
  '@ssekit/contract',
  '@ssekit/server',
  '@ssekit/client',
  '@ssekit/redis',
  '@ssekit/nats',
  '@ssekit/postgres',
  '@ssekit/react',
  '@ssekit/testing',
  '@ssekit/codegen',
  'create-ssekit',
] as const;

/** A published package's name. */
export type PublishedPackage = (typeof PUBLISHED_PACKAGES)[number];

/** One tarball made by `npm pack`. */
export interface PackedPackage {
  readonly name: PublishedPackage;
  /** Absolute path of the `.tgz`. */
  readonly tarball: string;
  /** Compressed size in bytes. */
  readonly size: number;
  readonly unpackedSize: number;
  /** Paths inside the package, as npm lists them. */
  readonly files: readonly string[];
}

interface NpmPackEntry {
  name: PublishedPackage;
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

/**
 * Packs every published workspace with `npm pack`, as a release would: each package's `prepack` cleans and builds it,
 * so the tarballs hold what the sources compile to now.
 *
 * @example
 * ```ts
 * const packed = packAll('/tmp/tarballs');
 * packed.find((p) => p.name === '@ssekit/server')?.tarball; // /tmp/tarballs/ssekit-server-0.1.0.tgz
 * ```
 */
export function packAll(destination: string, cwd: string): PackedPackage[] {
  const workspaces = PUBLISHED_PACKAGES.flatMap((name) => ['-w', name]);
  const stdout = execFileSync('npm', ['pack', '--json', '--pack-destination', destination, ...workspaces], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const entries = JSON.parse(stdout) as NpmPackEntry[];
  return entries.map((entry) => ({
    name: entry.name,
    tarball: join(destination, entry.filename),
    size: entry.size,
    unpackedSize: entry.unpackedSize,
    files: entry.files.map((f) => f.path),
  }));
}
