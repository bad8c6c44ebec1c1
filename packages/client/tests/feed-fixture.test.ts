import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../../../codegen/bin/ssekit-dev.js');

describe('the browser tests’ generated feed client', () => {
  it('is up to date with its contract (`ssekit generate --check`)', async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        [bin, 'generate', '--check'],
        { cwd: resolve(import.meta.dirname, 'fixtures/feed'), timeout: 60_000 },
        (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: 'up to date: 1 file(s)\n' });
  });
});
