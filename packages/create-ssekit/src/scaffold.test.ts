import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreateSsekitError } from './errors.js';
import { THIRD_PARTY_VERSIONS } from './package-json.js';
import { findTarballs } from './packages-from.js';
import { type ScaffoldOptions, scaffold } from './scaffold.js';
import { appPath, readTemplates, render } from './templates.js';
import { ownVersion } from './version.js';

const APP_FILES = [
  '.gitignore',
  'README.md',
  'package.json',
  'src/app.ts',
  'src/client.ts',
  'src/contract.ts',
  'src/router.ts',
  'src/server.ts',
  'ssekit.config.ts',
  'test/ticker.test.ts',
  'tsconfig.json',
];

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'create-ssekit-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}

async function rejection(options: ScaffoldOptions): Promise<CreateSsekitError> {
  try {
    await scaffold(options);
  } catch (error) {
    expect(error).toBeInstanceOf(CreateSsekitError);
    return error as CreateSsekitError;
  }
  throw new Error('expected scaffold to reject');
}

function packs(names: string[]): string {
  const dir = join(root, 'packs');
  mkdirSync(dir, { recursive: true });
  for (const name of names) writeFileSync(join(dir, name), '');
  return dir;
}

const ALL_PACKS = ['contract', 'server', 'client', 'codegen'].map((pkg) => `ssekit-${pkg}-0.1.0.tgz`);

describe('scaffold', () => {
  it('writes every template file, named after the folder, with no placeholder left', async () => {
    const result = await scaffold({ dir: 'my-app', cwd: root });
    const dir = join(root, 'my-app');
    expect(result.dir).toBe(dir);
    expect(result.name).toBe('my-app');
    expect(result.files).toEqual(APP_FILES);
    for (const file of APP_FILES) {
      const text = read(dir, file);
      expect(text.length, file).toBeGreaterThan(0);
      expect(text, file).not.toMatch(/\{\{\w+\}\}/);
    }
    expect(readdirSync(dir).sort()).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src',
      'ssekit.config.ts',
      'test',
      'tsconfig.json',
    ]);
    expect(read(dir, '.gitignore')).toBe('node_modules/\ndist/\n');
    expect(read(dir, 'README.md')).toMatch(/^# my-app\n/);
    expect(read(dir, 'src/server.ts')).toContain('console.log(`my-app listening on $' + '{app.url}`);');
    expect(read(dir, 'test/ticker.test.ts')).toContain("from '../src/generated/client.js'");
  });

  it('node server: package.json, app and config', async () => {
    const { packageJson } = await scaffold({ dir: 'ticks', cwd: root });
    const dir = join(root, 'ticks');
    const version = ownVersion();
    expect(JSON.parse(read(dir, 'package.json'))).toEqual(packageJson);
    expect(packageJson).toMatchObject({ name: 'ticks', private: true, type: 'module' });
    expect(packageJson.scripts).toEqual({
      generate: 'ssekit generate',
      start: 'tsx src/server.ts',
      client: 'tsx src/client.ts',
      typecheck: 'tsc --noEmit',
      test: 'ssekit generate && tsc --noEmit && node --import tsx --test test/ticker.test.ts',
    });
    expect(packageJson.dependencies).toEqual({
      '@ssekit/client': `^${version}`,
      '@ssekit/contract': `^${version}`,
      '@ssekit/server': `^${version}`,
      zod: THIRD_PARTY_VERSIONS.zod,
    });
    expect(packageJson.devDependencies).toEqual({
      '@ssekit/codegen': `^${version}`,
      '@types/node': THIRD_PARTY_VERSIONS['@types/node'],
      tsx: THIRD_PARTY_VERSIONS.tsx,
      typescript: THIRD_PARTY_VERSIONS.typescript,
    });
    expect(read(dir, 'src/app.ts')).toContain("from '@ssekit/server/node'");
    expect(read(dir, 'src/app.ts')).not.toContain('hono');
    expect(read(dir, 'ssekit.config.ts')).toContain("validation: 'zod'");
    expect(read(dir, 'ssekit.config.ts')).toContain("title: 'ticks'");
    expect(read(dir, 'README.md')).toContain('served by node:http');
  });

  it('hono server: hono and @hono/node-server dependencies, the fetch handler mounted on a Hono app', async () => {
    const result = await scaffold({ dir: 'hono-app', cwd: root, server: 'hono' });
    const dir = join(root, 'hono-app');
    expect(result.server).toBe('hono');
    expect(result.files).toEqual(APP_FILES);
    expect(result.packageJson.dependencies).toMatchObject({
      hono: THIRD_PARTY_VERSIONS.hono,
      '@hono/node-server': THIRD_PARTY_VERSIONS['@hono/node-server'],
    });
    expect(Object.keys(result.packageJson.dependencies)).toHaveLength(6);
    const app = read(dir, 'src/app.ts');
    expect(app).toContain("import { createFetchHandler } from '@ssekit/server/fetch';");
    expect(app).toContain("import { Hono } from 'hono';");
    expect(app).toContain("app.get('/', (c) => c.text('hono-app: try /ticker/ACME?count=5\\n'));");
    expect(app).not.toContain('@ssekit/server/node');
    expect(read(dir, 'README.md')).toContain('served by Hono on Node');
  });

  it('standalone validation goes into ssekit.config.ts and the README', async () => {
    const result = await scaffold({ dir: 'lean', cwd: root, validation: 'standalone' });
    expect(result.validation).toBe('standalone');
    expect(read(result.dir, 'ssekit.config.ts')).toContain("validation: 'standalone'");
    expect(read(result.dir, 'README.md')).toContain('Validation `standalone`');
  });

  it('--packages-from: @ssekit/* dependencies are file: paths to the absolute tarballs', async () => {
    packs([...ALL_PACKS, 'ssekit-redis-0.1.0.tgz', 'other.tgz']);
    const { packageJson } = await scaffold({ dir: 'app', cwd: root, packagesFrom: 'packs', server: 'hono' });
    const at = (pkg: string) => `file:${join(root, 'packs', `ssekit-${pkg}-0.1.0.tgz`)}`;
    expect(packageJson.dependencies).toMatchObject({
      '@ssekit/contract': at('contract'),
      '@ssekit/server': at('server'),
      '@ssekit/client': at('client'),
      zod: THIRD_PARTY_VERSIONS.zod,
      hono: THIRD_PARTY_VERSIONS.hono,
    });
    expect(packageJson.devDependencies['@ssekit/codegen']).toBe(at('codegen'));
    expect(JSON.parse(read(join(root, 'app'), 'package.json'))).toEqual(packageJson);
  });

  it('--packages-from picks the version equal to create-ssekit when a folder holds several', () => {
    const dir = packs([...ALL_PACKS, 'ssekit-server-0.2.0.tgz']);
    expect(findTarballs(dir, '0.1.0').server).toBe(join(dir, 'ssekit-server-0.1.0.tgz'));
    expect(findTarballs(dir, '0.2.0').server).toBe(join(dir, 'ssekit-server-0.2.0.tgz'));
    expect(findTarballs(dir, '0.2.0').contract).toBe(join(dir, 'ssekit-contract-0.1.0.tgz'));
    expect(() => findTarballs(dir, '0.3.0')).toThrow(/several versions of @ssekit\/server and none is 0\.3\.0/);
  });

  it('--packages-from without a tarball, or without the folder, is a usage error and writes nothing', async () => {
    packs(ALL_PACKS.filter((name) => !name.includes('codegen')));
    const missing = await rejection({ dir: 'app', cwd: root, packagesFrom: 'packs' });
    expect(missing.code).toBe('USAGE');
    expect(missing.message).toContain('no ssekit-codegen-<version>.tgz');
    const noFolder = await rejection({ dir: 'app', cwd: root, packagesFrom: 'nowhere' });
    expect(noFolder.code).toBe('USAGE');
    expect(existsSync(join(root, 'app'))).toBe(false);
  });

  it('refuses a non-empty folder and writes nothing', async () => {
    const dir = join(root, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const error = await rejection({ dir: 'busy', cwd: root });
    expect(error.code).toBe('TARGET_NOT_EMPTY');
    expect(error.message).toContain('busy is not empty (notes.txt)');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect(read(dir, 'notes.txt')).toBe('mine');
  });

  it('refuses a file in the way, accepts an existing empty folder', async () => {
    writeFileSync(join(root, 'taken'), '');
    expect((await rejection({ dir: 'taken', cwd: root })).code).toBe('TARGET_NOT_EMPTY');
    mkdirSync(join(root, 'empty'));
    expect((await scaffold({ dir: 'empty', cwd: root })).files).toEqual(APP_FILES);
  });

  it('an invalid name or option is refused before anything is written', async () => {
    const name = await rejection({ dir: 'Bad Name', cwd: root });
    expect(name.code).toBe('INVALID_NAME');
    const server = await rejection({ dir: 'ok', cwd: root, server: 'express' as never });
    expect(server.code).toBe('USAGE');
    expect(server.message).toBe('--server must be "node" or "hono", got "express"');
    const validation = await rejection({ dir: 'ok', cwd: root, validation: 'ajv' as never });
    expect(validation.code).toBe('USAGE');
    expect(readdirSync(root)).toEqual([]);
  });

  it('names the app after the last segment of a nested or absolute path', async () => {
    const result = await scaffold({ dir: join(root, 'a', 'b', 'deep-app') });
    expect(result.name).toBe('deep-app');
    expect(existsSync(join(root, 'a', 'b', 'deep-app', 'package.json'))).toBe(true);
  });
});

describe('templates', () => {
  it('maps stored names to app names', () => {
    expect(appPath('_gitignore')).toBe('.gitignore');
    expect(appPath('test/ticker.test.ts.tmpl')).toBe('test/ticker.test.ts');
    expect(appPath('src/app.ts')).toBe('src/app.ts');
  });

  it('a server layer replaces the base file of the same path', () => {
    const node = readTemplates('node');
    const hono = readTemplates('hono');
    expect(node.map((file) => file.path)).toEqual(hono.map((file) => file.path));
    expect(hono.find((file) => file.path === 'src/app.ts')?.text).toContain('new Hono()');
  });

  it('render substitutes known placeholders and refuses unknown ones', () => {
    expect(render('{{name}} / {{name}}', { name: 'x' })).toBe('x / x');
    expect(() => render('{{nmae}}', { name: 'x' })).toThrow('template placeholder {{nmae}} has no value');
  });
});
