import { readFileSync } from 'node:fs';

/** This package's root folder (the parent of `src/` and `dist/`, both one level down). */
export const PACKAGE_ROOT = new URL('../', import.meta.url);

/**
 * The version of this create-ssekit, read from its package.json at run time. The ssekit packages are released in
 * lockstep with it, so a scaffolded app depends on `^` + this version.
 *
 * @example
 * ```ts
 * ownVersion(); // '0.1.0'
 * ```
 */
export function ownVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('package.json', PACKAGE_ROOT), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error('create-ssekit: its package.json has no version');
  return manifest.version;
}
