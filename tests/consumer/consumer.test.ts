import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../scripts/chromium.ts';
import { appFiles, SHAPES, type ShapeSpec } from './app-files.ts';
import { EXTRA_NODE_MAJORS, nodeBinary } from './node-binaries.ts';
import { type PackedPackage, packAll } from './pack.ts';

// ssekit as a user gets it: every package packed by `npm pack` (its prepack builds it), installed from the tarballs
// into fresh apps in a temp folder outside the repository (no workspace links, no source conditions), then
// generated, type-checked with TypeScript 5.9 and 7, and run on Node 20 (this process), 22 and 24.

const repo = resolve(import.meta.dirname, '../..');
const hasChromium = chromiumAvailable('the consumer test of the bundled client in Chromium');
const MINUTES = 60_000;

/** The environment of a user's shell: nothing that `npm test` or vitest set for this repo leaks into the app. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|INIT_CWD$|SSEKIT_|VITEST|NODE_OPTIONS$|TSX_)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NODE_NO_WARNINGS: '1', ...extra };
}

function run(command: string, args: string[], cwd: string, env = userEnv()): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

function readTarFile(tarball: string, path: string): string {
  return execFileSync('tar', ['-xzOf', tarball, `package/${path}`], { encoding: 'utf8' });
}

let work: string;
let packed: PackedPackage[];
const tarball = (name: string): string => {
  const found = packed.find((p) => p.name === name);
  if (!found) throw new Error(`${name} was not packed`);
  return found.tarball;
};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ssekit-consumer-'));
  mkdirSync(join(work, 'tarballs'));
  packed = packAll(join(work, 'tarballs'), repo);
}, 5 * MINUTES);

// The apps' installs (several node_modules trees, Node 22 and 24 binaries) take a while to delete on a busy disk.
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
}, 5 * MINUTES);

describe('the packed tarballs', () => {
  it('hold compiled JavaScript, declarations, README and LICENSE — and no tests, fixtures or monorepo scripts', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(
      [
        '@ssekit/client',
        '@ssekit/codegen',
        '@ssekit/contract',
        '@ssekit/react',
        '@ssekit/redis',
        '@ssekit/nats',
        '@ssekit/postgres',
        '@ssekit/server',
        '@ssekit/testing',
        'create-ssekit',
      ].sort(),
    );
    for (const pkg of packed) {
      const files = new Set(pkg.files);
      for (const required of ['package.json', 'README.md', 'LICENSE']) expect(files, pkg.name).toContain(required);
      const manifest = JSON.parse(readTarFile(pkg.tarball, 'package.json')) as {
        exports: Record<string, Record<string, string>>;
        bin?: Record<string, string>;
        scripts?: Record<string, string>;
        engines?: Record<string, string>;
        license?: string;
        repository?: unknown;
        description?: string;
        keywords?: string[];
      };
      expect(manifest.license, pkg.name).toBe('MIT');
      expect(manifest.description, pkg.name).toBeTruthy();
      expect(manifest.keywords?.length, pkg.name).toBeGreaterThan(0);
      expect(manifest.repository, pkg.name).toBeTruthy();
      expect(manifest.engines?.node, pkg.name).toBe('>=22.12.0');
      // Every entry point resolves to a compiled file and its declarations, for `import` and `require` alike.
      for (const [subpath, conditions] of Object.entries(manifest.exports)) {
        for (const condition of ['types', 'import', 'default']) {
          const target = conditions[condition];
          expect(target, `${pkg.name} ${subpath} ${condition}`).toBeDefined();
          expect(files, `${pkg.name} ${subpath} ${condition}`).toContain(target?.replace(/^\.\//, ''));
        }
      }
      for (const bin of Object.values(manifest.bin ?? {})) expect(files, pkg.name).toContain(bin.replace(/^\.\//, ''));
      // What is packed is what users need: no tests, fixtures or build state (create-ssekit's templates hold the
      // scaffolded app's own test, as `.tmpl` files).
      const stray = pkg.files.filter(
        (f) =>
          !f.startsWith('templates/') && /\.test(-d)?\.ts$|(^|\/)(tests?|fixtures|__generated__)\/|tsbuildinfo/.test(f),
      );
      expect(stray, pkg.name).toEqual([]);
      // Scripts that run in the monorepo only (tests, paths outside the package) are not shipped.
      for (const [name, script] of Object.entries(manifest.scripts ?? {})) {
        expect(['build', 'clean', 'prepack'], `${pkg.name} script ${name}`).toContain(name);
        expect(script, `${pkg.name} script ${name}`).not.toMatch(/\.\.\/|vitest/);
      }
    }
  });

  it('ship declarations whose relative imports use .js specifiers (resolvable by every TypeScript consumer)', () => {
    const extract = join(work, 'extract');
    for (const pkg of packed) {
      const into = join(extract, pkg.name.replace('/', '__'));
      mkdirSync(into, { recursive: true });
      execFileSync('tar', ['-xzf', pkg.tarball, '-C', into]);
      const declarations = pkg.files.filter((f) => f.endsWith('.d.ts'));
      expect(declarations.length, pkg.name).toBeGreaterThan(0);
      for (const file of declarations) {
        const text = readFileSync(join(into, 'package', file), 'utf8');
        expect(text, `${pkg.name}/${file}`).not.toMatch(/from ['"]\.{1,2}\/[^'"]*\.ts['"]/);
      }
    }
  });
});

describe.each(SHAPES)('an app ($shape, $validation validation) installed from the tarballs', (spec: ShapeSpec) => {
  let app: string;

  beforeAll(() => {
    app = join(work, spec.shape);
    mkdirSync(app, { recursive: true });
  });

  it(
    'installs with npm, with no workspace links',
    () => {
      const manifest = {
        name: `consumer-${spec.shape}`,
        version: '1.0.0',
        private: true,
        type: spec.type,
        dependencies: {
          '@ssekit/contract': `file:${tarball('@ssekit/contract')}`,
          '@ssekit/server': `file:${tarball('@ssekit/server')}`,
          '@ssekit/client': `file:${tarball('@ssekit/client')}`,
          zod: '^4.1.0',
        },
        devDependencies: {
          '@ssekit/codegen': `file:${tarball('@ssekit/codegen')}`,
          '@ssekit/testing': `file:${tarball('@ssekit/testing')}`,
          '@types/node': '^22.0.0',
          esbuild: '^0.28.2',
          typescript: '~5.9.3',
          'typescript-7': 'npm:typescript@^7.0.2',
        },
      };
      writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      const include = ['src', 'generated', 'ssekit.config.ts'];
      writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: spec.tsconfig, include }, null, 2));
      const hasDom = (spec.tsconfig.lib as string[]).includes('DOM');
      for (const [path, content] of Object.entries(appFiles(spec))) {
        if (path === 'src/browser.ts' && !hasDom) continue;
        mkdirSync(dirname(join(app, path)), { recursive: true });
        writeFileSync(join(app, path), content);
      }
      run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], app);
      for (const name of ['contract', 'server', 'client', 'codegen', 'testing']) {
        const installed = join(app, 'node_modules', '@ssekit', name);
        expect(lstatSync(installed).isSymbolicLink(), name).toBe(false);
        expect(existsSync(join(installed, 'dist', 'index.js')), name).toBe(true);
      }
      // One copy of each ssekit package: the server's and client's dependency on the contract is the app's own.
      expect(existsSync(join(app, 'node_modules/@ssekit/server/node_modules/@ssekit/contract'))).toBe(false);
    },
    5 * MINUTES,
  );

  it(
    'generates the client, AsyncAPI, OpenAPI and the HTML page with `npx ssekit generate`',
    () => {
      const out = run('npx', ['--no', 'ssekit', 'generate'], app);
      expect(out).toMatch(/client\.ts/);
      const generated = readdirSync(join(app, 'generated')).sort();
      expect(generated).toContain('client.ts');
      expect(existsSync(join(app, 'generated/docs/index.html'))).toBe(true);
      expect(generated.some((f) => f.startsWith('asyncapi.'))).toBe(true);
      expect(generated.some((f) => f.startsWith('openapi.'))).toBe(true);
      const client = readFileSync(join(app, 'generated/client.ts'), 'utf8');
      if (spec.validation === 'standalone') expect(client).not.toMatch(/from 'zod/);
      // `--check` passes on the files just written, under every Node version users run.
      for (const major of EXTRA_NODE_MAJORS) {
        run(nodeBinary(major), ['node_modules/@ssekit/codegen/bin/ssekit.js', 'generate', '--check'], app);
      }
    },
    3 * MINUTES,
  );

  it(
    'type-checks with TypeScript 5.9 and 7 (strictest flags, skipLibCheck off); wrong payloads do not compile',
    () => {
      // compile-checks.ts holds @ts-expect-error lines: a wrong payload that compiled would fail the check.
      run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit'], app);
      run(process.execPath, ['node_modules/typescript-7/bin/tsc', '-p', 'tsconfig.json', '--noEmit'], app);
      const bad = join(app, 'bad');
      mkdirSync(bad, { recursive: true });
      writeFileSync(
        join(bad, 'wrong-payload.ts'),
        `import { implement } from '@ssekit/server';
import { contract } from '../src/contract${spec.ext}';
export const router = implement(contract, { ticker: async (session) => { await session.send('price', { symbol: 'X', price: 'free', n: 1 }); } });
`,
      );
      writeFileSync(
        join(app, 'tsconfig.bad.json'),
        JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, include: ['bad'] }),
      );
      let output = '';
      try {
        execFileSync(process.execPath, ['node_modules/typescript-7/bin/tsc', '-p', 'tsconfig.bad.json'], {
          cwd: app,
          encoding: 'utf8',
          env: userEnv(),
        });
      } catch (error) {
        output = String((error as { stdout?: string }).stdout);
      }
      expect(output).toMatch(/bad\/wrong-payload\.ts\(\d+,\d+\): error TS2322/);
      expect(output).toMatch(/string.*number|number.*string/);
    },
    3 * MINUTES,
  );

  it(
    'runs on Node 20, 22 and 24: typed events, a wrong payload rejected by the server and by the client',
    () => {
      if (spec.build === 'tsc') {
        run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], app);
      } else {
        const args = ['src/main.ts', '--bundle', '--platform=node', '--format=esm', '--packages=external'];
        run('npx', ['--no', 'esbuild', ...args, `--outfile=${spec.main}`], app);
      }
      const nodes = [process.execPath, ...EXTRA_NODE_MAJORS.map((major) => nodeBinary(major))];
      const versions: string[] = [];
      for (const node of nodes) {
        const lines = run(node, [spec.main], app).trim().split('\n');
        const result = JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
        versions.push(String(result.node));
        expect(result, `${spec.shape} on ${result.node}`).toEqual({
          node: expect.any(String),
          prices: [1, 2, 3].map((n) => ({ symbol: 'ACME', price: 100 + n, n, id: String(n) })),
          serverRejected: { code: 'CONTRACT_VALIDATION', message: 'price rejected' },
          badRequest: { code: 'HTTP_STATUS', status: 400 },
          clientRejected: ['VALIDATION'],
          afterInvalid: { symbol: 'X', price: 1, n: 2 },
          inProcess: {
            events: [1, 2].map((n) => ({ event: 'price', data: { symbol: 'ACME', price: 100 + n, n }, id: String(n) })),
            refused: 400,
            rejected: { code: 'CONTRACT_VALIDATION', message: 'price rejected' },
          },
        });
      }
      expect(versions.map((v) => v.split('.')[0])).toEqual(['v20', 'v22', 'v24']);
    },
    5 * MINUTES,
  );

  it(
    "`ssekit check` passes against the app's server, and `ssekit tail --json` prints its validated events",
    async () => {
      writeFileSync(
        join(app, 'serve-check.ts'),
        `import { start } from './src/server${spec.ext}';
const running = await start();
console.log(running.url);
process.on('SIGTERM', () => running.close().then(() => process.exit(0)));
`,
      );
      const bundle = ['serve-check.ts', '--bundle', '--platform=node', '--format=esm', '--packages=external'];
      run('npx', ['--no', 'esbuild', ...bundle, '--outfile=dist/serve-check.mjs'], app);
      const server: ChildProcess = spawn(process.execPath, ['dist/serve-check.mjs'], { cwd: app, env: userEnv() });
      try {
        const url = await new Promise<string>((resolveUrl, reject) => {
          server.stdout?.on('data', (chunk: Buffer) => resolveUrl(chunk.toString().trim()));
          server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
        });
        const bin = 'node_modules/@ssekit/codegen/bin/ssekit.js';
        const checked = run(
          process.execPath,
          [bin, 'check', url, '--duration', '2s', '--report', 'junit=check.xml'],
          app,
        );
        expect(checked).toMatch(/PASS \d+ checks in 2 request\(s\): \d+ passed, 0 failed, 0 skipped, 0 warnings/);
        expect(checked).toContain('✓ error-event');
        expect(readFileSync(join(app, 'check.xml'), 'utf8')).toContain('failures="0"');
        const tailed = run(
          process.execPath,
          [bin, 'tail', `${url}/ticker/ACME?count=2`, '--json', '--max-events', '2'],
          app,
        );
        const events = tailed
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        expect(events.map(({ id, event, data, valid }) => ({ id, event, data, valid }))).toEqual([
          { id: '1', event: 'price', data: { symbol: 'ACME', price: 101, n: 1 }, valid: true },
          { id: '2', event: 'price', data: { symbol: 'ACME', price: 102, n: 2 }, valid: true },
        ]);
      } finally {
        server.kill('SIGTERM');
      }
    },
    3 * MINUTES,
  );

  // The CommonJS app is Node-only (no DOM lib): it has no browser entry.
  if (!(spec.tsconfig.lib as string[]).includes('DOM')) return;
  it.skipIf(!hasChromium)(
    'bundled with esbuild, the generated client runs in Chromium',
    async () => {
      const bundle = join(app, 'dist/browser.js');
      run(
        'npx',
        ['--no', 'esbuild', 'src/browser.ts', '--bundle', '--minify', '--format=esm', `--outfile=${bundle}`],
        app,
      );
      const serve = `import { readFileSync } from 'node:fs';
import { start } from './src/server${spec.ext}';
const running = await start({
  '/': { type: 'text/html', body: '<!doctype html><script type="module" src="/browser.js"></script>' },
  '/browser.js': { type: 'text/javascript', body: readFileSync('dist/browser.js', 'utf8') },
});
console.log(running.url);
process.on('SIGTERM', () => running.close().then(() => process.exit(0)));
`;
      writeFileSync(join(app, 'serve.ts'), serve);
      run(
        'npx',
        [
          '--no',
          'esbuild',
          'serve.ts',
          '--bundle',
          '--platform=node',
          '--format=esm',
          '--packages=external',
          '--outfile=dist/serve.mjs',
        ],
        app,
      );
      const server: ChildProcess = spawn(process.execPath, ['dist/serve.mjs'], { cwd: app, env: userEnv() });
      try {
        const url = await new Promise<string>((resolveUrl, reject) => {
          server.stdout?.on('data', (chunk: Buffer) => resolveUrl(chunk.toString().trim()));
          server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
        });
        const browser = await launchChromium();
        try {
          const page = await browser.newPage();
          const errors: string[] = [];
          page.on('pageerror', (error) => errors.push(error.message));
          await page.goto(`${url}/`);
          await page.waitForFunction(() => (window as { result?: unknown }).result !== undefined, undefined, {
            timeout: 20_000,
          });
          const result = await page.evaluate(() => (window as { result?: unknown }).result);
          expect(errors).toEqual([]);
          expect(result).toEqual({ prices: [1, 2, 3].map((n) => ({ n, price: 100 + n, id: String(n) })) });
        } finally {
          await browser.close();
        }
      } finally {
        server.kill('SIGTERM');
      }
    },
    3 * MINUTES,
  );

  // @ssekit/react from its tarball, in the bundler-shaped app: a hook rendered by React, bundled with esbuild.
  if (spec.shape !== 'esm-bundler') return;
  it.skipIf(!hasChromium)(
    '@ssekit/react from its tarball: a hook renders typed events in a React app bundled with esbuild, in Chromium',
    async () => {
      run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          `@ssekit/react@file:${tarball('@ssekit/react')}`,
          'react@^19.0.0',
          'react-dom@^19.0.0',
          '@types/react@^19.0.0',
          '@types/react-dom@^19.0.0',
        ],
        app,
      );
      writeFileSync(join(app, 'src/react-app.tsx'), REACT_APP);
      writeFileSync(
        join(app, 'tsconfig.react.json'),
        JSON.stringify({
          extends: './tsconfig.json',
          compilerOptions: { jsx: 'react-jsx' },
          include: ['src', 'generated'],
        }),
      );
      // The hook's types, as installed: the request and every event are checked against the generated client.
      run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.react.json'], app);
      run(process.execPath, ['node_modules/typescript-7/bin/tsc', '-p', 'tsconfig.react.json'], app);
      const bundle = ['src/react-app.tsx', '--bundle', '--minify', '--format=esm', '--jsx=automatic'];
      run('npx', ['--no', 'esbuild', ...bundle, '--outfile=dist/react-app.js'], app);
      const serve = readFileSync(join(app, 'serve.ts'), 'utf8').replaceAll('browser.js', 'react-app.js');
      writeFileSync(join(app, 'serve-react.ts'), serve);
      const serveBundle = ['serve-react.ts', '--bundle', '--platform=node', '--format=esm', '--packages=external'];
      run('npx', ['--no', 'esbuild', ...serveBundle, '--outfile=dist/serve-react.mjs'], app);
      const server: ChildProcess = spawn(process.execPath, ['dist/serve-react.mjs'], { cwd: app, env: userEnv() });
      try {
        const url = await new Promise<string>((resolveUrl, reject) => {
          server.stdout?.on('data', (chunk: Buffer) => resolveUrl(chunk.toString().trim()));
          server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
        });
        const browser = await launchChromium();
        try {
          const page = await browser.newPage();
          const errors: string[] = [];
          page.on('pageerror', (error) => errors.push(error.message));
          await page.goto(`${url}/`);
          await page.waitForFunction(() => (window as { result?: unknown }).result !== undefined, undefined, {
            timeout: 20_000,
          });
          expect(errors).toEqual([]);
          expect(await page.evaluate(() => (window as { result?: unknown }).result)).toEqual({
            prices: [101, 102, 103],
            last: { n: 3, id: '3' },
            status: 'closed',
          });
          expect(await page.textContent('#prices')).toBe('closed: 101, 102, 103');
        } finally {
          await browser.close();
        }
      } finally {
        server.kill('SIGTERM');
      }
    },
    5 * MINUTES,
  );
});

/** A React app as a user writes it with @ssekit/react: the hook over the generated client, rendered in StrictMode. */
const REACT_APP = `import { useEventStream } from '@ssekit/react';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '../generated/client';

declare global {
  interface Window {
    result?: unknown;
  }
}

const client = createClient({ baseUrl: location.origin, reconnect: false });

function Prices() {
  const [prices, setPrices] = useState<number[]>([]);
  const { status, events } = useEventStream(
    client.ticker,
    { params: { symbol: 'ACME' }, query: { count: 3 } },
    { onEvent: (event) => event.event === 'price' && setPrices((list) => [...list, event.data.price]) },
  );
  const last = events.price;
  useEffect(() => {
    if (status === 'closed' && last) window.result = { prices, last: { n: last.data.n, id: last.id }, status };
  }, [status, prices, last]);
  return <p id="prices">{status}: {prices.join(', ')}</p>;
}

createRoot(document.body.appendChild(document.createElement('div'))).render(
  <StrictMode>
    <Prices />
  </StrictMode>,
);
`;
describe('npm create ssekit, from the packed create-ssekit tarball', () => {
  it.each(['node', 'hono'] as const)(
    'scaffolds an app (--server %s) whose own `npm install && npm test` pass, on Node 20, 22 and 24',
    (server) => {
      const apps = join(work, 'create');
      mkdirSync(apps, { recursive: true });
      const name = `my-${server}-app`;
      // `npm create ssekit my-app` is `npm exec create-ssekit my-app`; here the package comes from its tarball, and the
      // app's @ssekit/* dependencies from the other tarballs (what the registry would serve after a release).
      const args = ['exec', '--yes', `--package=${tarball('create-ssekit')}`, '--', 'create-ssekit', name];
      const out = run('npm', [...args, '--server', server, '--packages-from', join(work, 'tarballs')], apps);
      expect(out).toMatch(/npm install/);
      const app = join(apps, name);
      for (const file of ['package.json', 'README.md', 'tsconfig.json', 'ssekit.config.ts', '.gitignore']) {
        expect(existsSync(join(app, file)), file).toBe(true);
      }
      run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], app);
      const nodes = [process.execPath, ...EXTRA_NODE_MAJORS.map((major) => nodeBinary(major))];
      for (const node of nodes) {
        const path = `${dirname(node)}:${process.env.PATH ?? ''}`;
        const output = run('npm', ['test'], app, userEnv({ PATH: path }));
        // node:test's closing counts (TAP `# fail 0` on Node 20/22, the spec reporter's `ℹ fail 0` on 24).
        expect(output, `npm test on ${node}`).toMatch(/^(# |ℹ )fail 0$/m);
        expect(output, `npm test on ${node}`).toMatch(/^(# |ℹ )pass [1-9]\d*$/m);
      }
      // A second run into the same folder refuses, and changes nothing.
      expect(() => run('npm', [...args, '--packages-from', join(work, 'tarballs')], apps)).toThrow(/not empty/i);
    },
    8 * MINUTES,
  );
});

describe('an app using the NATS and PostgreSQL stores, installed from the tarballs', () => {
  it(
    'installs, type-checks with TypeScript 5.9 and 7 (strictest flags, skipLibCheck off) and imports on Node 20',
    () => {
      const app = join(work, 'engines');
      mkdirSync(join(app, 'src'), { recursive: true });
      const manifest = {
        name: 'consumer-engines',
        version: '1.0.0',
        private: true,
        type: 'module',
        dependencies: {
          '@ssekit/contract': `file:${tarball('@ssekit/contract')}`,
          '@ssekit/server': `file:${tarball('@ssekit/server')}`,
          '@ssekit/nats': `file:${tarball('@ssekit/nats')}`,
          '@ssekit/postgres': `file:${tarball('@ssekit/postgres')}`,
          pg: '^8.20.0',
          zod: '^4.1.0',
        },
        devDependencies: {
          '@types/node': '^22.0.0',
          typescript: '~5.9.3',
          'typescript-7': 'npm:typescript@^7.0.2',
        },
      };
      writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      const compilerOptions = {
        strict: true,
        noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: false,
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        verbatimModuleSyntax: true,
        types: ['node'],
        noEmit: true,
      };
      writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['src'] }, null, 2));
      // What the two READMEs show: a store per engine, and a publish inside the app's own pg transaction.
      writeFileSync(
        join(app, 'src/stores.ts'),
        `import { defineContract } from '@ssekit/contract';
import { createNatsStore } from '@ssekit/nats';
import { createPostgresStore, publishInTransaction, schemaSql } from '@ssekit/postgres';
import { createHub } from '@ssekit/server/broadcast';
import pg from 'pg';
import { z } from 'zod';

export const chat = defineContract({
  room: {
    path: '/rooms/:roomId/events',
    replay: true,
    resetEvent: 'reset',
    events: { message: z.object({ text: z.string() }), reset: z.object({ reason: z.string() }) },
  },
});

export async function natsHub() {
  const store = await createNatsStore({ servers: '127.0.0.1:4222', stream: 'CHAT', retention: { maxEvents: 100 } });
  return createHub(chat.room, { store });
}

export async function postgresHub(pool: pg.Pool) {
  const store = await createPostgresStore({ pool, table: 'chat_events', retention: { maxAgeMs: 60_000 } });
  const hub = createHub(chat.room, { store });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const receipt = await publishInTransaction(client, hub, { roomId: 'lobby' }, 'message', { text: 'hi' });
    // @ts-expect-error not an event of the route
    await publishInTransaction(client, hub, { roomId: 'lobby' }, 'nope', { text: 'hi' });
    await client.query('COMMIT');
    return receipt.id;
  } finally {
    client.release();
  }
}

export const sql: string = schemaSql('chat_events');
`,
      );
      run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], app);
      run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], app);
      run(process.execPath, ['node_modules/typescript-7/bin/tsc', '-p', 'tsconfig.json'], app);
      const loaded = run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "const n = await import('@ssekit/nats'); const p = await import('@ssekit/postgres'); console.log(typeof n.createNatsStore, typeof p.publishInTransaction, p.schemaSql('t').includes('CREATE TABLE'))",
        ],
        app,
      );
      expect(loaded.trim()).toBe('function function true');
    },
    5 * MINUTES,
  );
});
