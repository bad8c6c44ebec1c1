import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../bin/ssekit.js');
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
