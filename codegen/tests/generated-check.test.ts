import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SMALL_CONTRACT, tempProject } from './helpers/temp-project.ts';

const bin = resolve(import.meta.dirname, '../bin/ssekit-dev.js');
const contractsDir = resolve(import.meta.dirname, '../../contracts');

function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

// The real `ssekit` bin (tsx + @ssekit/source), as `npm run generate` runs it.
describe('ssekit bin', () => {
  it('the checked-in contracts/generated is up to date (`ssekit generate --check`)', async () => {
    const result = await run(['generate', '--check'], contractsDir);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: 'up to date: 1 file(s)\n' });
  });

  it('exits 1 with a one-line message for a broken config, no stack trace', async () => {
    const result = await run(['generate', '--config', 'does-not-exist.config.ts'], contractsDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('ssekit: does-not-exist.config.ts: config file not found\n');
  });
});

describe('ssekit generate --watch (real bin)', () => {
  it('regenerates on a change and stops on SIGINT', async () => {
    const project = await tempProject('ssekit-bin-watch-');
    await project.write('src/contracts.ts', SMALL_CONTRACT);
    const child = spawn(
      process.execPath,
      [bin, 'generate', '--watch', '--contracts', 'src/contracts.ts', '--out', 'gen', '--outputs', 'client'],
      { cwd: project.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const waitFor = async (text: string) => {
      for (let i = 0; i < 200 && !stdout.includes(text); i++) await new Promise((r) => setTimeout(r, 100));
      expect(stdout).toContain(text);
    };
    try {
      await waitFor('watching for changes');
      expect(stdout).toContain('created  gen/client.ts');
      await project.write(
        'src/contracts.ts',
        SMALL_CONTRACT.replace('tick: z.object({ n: z.int() })', 'tock: z.string()'),
      );
      await waitFor('updated  gen/client.ts');
      expect(await readFile(join(project.dir, 'gen/client.ts'), 'utf8')).toContain('TicksTockData');
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await project.cleanup();
    }
  });
});
