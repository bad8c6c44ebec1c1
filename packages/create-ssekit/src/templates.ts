import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerKind } from './package-json.js';
import { PACKAGE_ROOT } from './version.js';

/**
 * The template folder: `base/` for every app, plus `node/` or `hono/` for the chosen server (a file there replaces
 * the one of the same path in `base/`). Names are stored so npm and the monorepo leave them alone: a leading `_`
 * becomes `.` (npm drops `.gitignore` from tarballs) and a trailing `.tmpl` is dropped (so the monorepo's test
 * runner does not pick up the app's `*.test.ts`).
 */
export const TEMPLATES_DIR = fileURLToPath(new URL('templates/', PACKAGE_ROOT));

/** A file to write: its path in the app (`/` separators) and its text before substitution. */
export interface TemplateFile {
  path: string;
  text: string;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/**
 * The path a template file gets in the app: `_gitignore` → `.gitignore`, `x.test.ts.tmpl` → `x.test.ts`.
 *
 * @example
 * ```ts
 * appPath('test/ticker.test.ts.tmpl'); // 'test/ticker.test.ts'
 * ```
 */
export function appPath(templatePath: string): string {
  return templatePath
    .split('/')
    .map((segment) => segment.replace(/^_/, '.').replace(/\.tmpl$/, ''))
    .join('/');
}

/**
 * Reads the template files of an app on `server`, sorted by their path in the app.
 *
 * @example
 * ```ts
 * readTemplates('hono').map((file) => file.path); // ['.gitignore', 'README.md', 'src/app.ts', ...]
 * ```
 */
export function readTemplates(server: ServerKind, dir: string = TEMPLATES_DIR): TemplateFile[] {
  const files = new Map<string, string>();
  for (const layer of ['base', server]) {
    const layerDir = join(dir, layer);
    for (const path of listFiles(layerDir)) files.set(appPath(path), readFileSync(join(layerDir, path), 'utf8'));
  }
  return [...files]
    .map(([path, text]) => ({ path, text }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Replaces each `{{key}}` with `values[key]`; a key without a value throws, so a template typo fails loudly.
 *
 * @example
 * ```ts
 * render('# {{name}}', { name: 'my-app' }); // '# my-app'
 * ```
 */
export function render(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`create-ssekit: template placeholder {{${key}}} has no value`);
    return value;
  });
}
