import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main, USAGE } from './main.js';

const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'create-ssekit-cli-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    cwd: root,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

describe('main', () => {
  it('scaffolds and prints the next steps: exit 0', async () => {
    const { code, stdout, stderr } = await run('my-app', '--server', 'hono', '--validation', 'standalone');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain(`Created my-app in ${join(root, 'my-app')} (Hono server, standalone validation).`);
    expect(stdout).toContain('Next steps:\n  cd my-app\n  npm install\n  npm test\n  npm start\n');
    const manifest = JSON.parse(readFileSync(join(root, 'my-app', 'package.json'), 'utf8'));
    expect(manifest.dependencies.hono).toBeDefined();
  });

  it('--packages-from reaches the generated package.json', async () => {
    mkdirSync(join(root, 'packs'));
    for (const pkg of ['contract', 'server', 'client', 'codegen']) {
      writeFileSync(join(root, 'packs', `ssekit-${pkg}-0.1.0.tgz`), '');
    }
    expect((await run('app', '--packages-from', 'packs')).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(root, 'app', 'package.json'), 'utf8'));
    expect(manifest.dependencies['@ssekit/server']).toBe(`file:${join(root, 'packs', 'ssekit-server-0.1.0.tgz')}`);
  });

  it('quotes a folder with spaces in the cd line, and leaves out cd for the current folder', async () => {
    const spaced = await run('my apps/demo');
    expect(spaced.code).toBe(0);
    expect(spaced.stdout).toContain("  cd 'my apps/demo'\n");
    mkdirSync(join(root, 'here'));
    let stdout = '';
    const code = await main(['.'], {
      cwd: join(root, 'here'),
      stdout: (text) => {
        stdout += text;
      },
    });
    expect(code).toBe(0);
    expect(stdout).toContain('Created here in');
    expect(stdout).not.toContain('cd ');
  });

  it('--help: exit 0 with the usage', async () => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout } = await run(flag);
      expect(code).toBe(0);
      expect(stdout).toBe(USAGE);
    }
    expect(USAGE).toContain('--server node|hono');
    expect(USAGE).toContain('--packages-from <folder>');
  });

  it.each([
    [[], 'missing the app folder'],
    [['a', 'b'], 'one app folder at a time, got a b'],
    [['app', '--server', 'express'], '--server must be "node" or "hono", got "express"'],
    [['app', '--validation', 'ajv'], '--validation must be "zod" or "standalone"'],
    [['app', '--frobnicate'], "Unknown option '--frobnicate'"],
    [['app', '--server'], "Option '--server <value>' argument missing"],
    [['app', '--packages-from', 'nowhere'], '--packages-from nowhere: not a folder of npm pack tarballs'],
  ])('usage error %j: exit 2, nothing written', async (argv, message) => {
    const { code, stdout, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('create-ssekit --help');
    expect(readdirSync(root)).toEqual([]);
  });

  it('invalid name: exit 1, naming the rule', async () => {
    const { code, stderr } = await run('My-App');
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid app name "My-App": name can no longer contain capital letters');
    expect(existsSync(join(root, 'My-App'))).toBe(false);
  });

  it('non-empty folder: exit 1, nothing written', async () => {
    mkdirSync(join(root, 'busy'));
    writeFileSync(join(root, 'busy', 'keep.txt'), '');
    const { code, stderr } = await run('busy');
    expect(code).toBe(1);
    expect(stderr).toContain('busy is not empty (keep.txt)');
    expect(readdirSync(join(root, 'busy'))).toEqual(['keep.txt']);
  });
});

describe('the create-ssekit bin', () => {
  // run from the package, where `--import tsx` resolves; the app folder is given as an absolute path
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: PACKAGE_DIR, encoding: 'utf8' });

  it('starts with a shebang, so npm can link it as a bin', () => {
    expect(readFileSync(join(PACKAGE_DIR, 'src', 'cli.ts'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));
    expect(manifest.bin).toEqual({ 'create-ssekit': './dist/cli.js' });
  });

  it('exits with main’s code: 0, 1, 2', () => {
    const demo = join(root, 'demo');
    const ok = cli([demo]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('npm install');
    expect(existsSync(join(root, 'demo', 'package.json'))).toBe(true);
    const taken = cli([demo]);
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('is not empty');
    const usage = cli([]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('missing the app folder');
  });
});
