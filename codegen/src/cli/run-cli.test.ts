import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_CONTRACT, type TempProject, tempProject } from '../../tests/helpers/temp-project.js';
import { HELP, runCli } from './run-cli.js';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject();
  await project.write('src/contracts.ts', SMALL_CONTRACT);
});
afterAll(() => project.cleanup());

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { cwd: project.dir, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ssekit CLI', () => {
  it('prints help', async () => {
    expect(await cli('--help')).toEqual({ code: 0, out: HELP, err: '' });
    expect(await cli('generate', '--help')).toEqual({ code: 0, out: HELP, err: '' });
    expect(HELP).toContain('tail <url>');
    expect(HELP).toContain('check <baseUrl>');
  });

  it('keeps the bare command as generate: `ssekit --check` is the staleness check, not `ssekit check`', async () => {
    const flags = ['--contracts', 'src/contracts.ts', '--out', 'bare', '--outputs', 'client'];
    expect(await cli(...flags)).toMatchObject({ code: 0, out: 'created  bare/client.ts' });
    expect(await cli(...flags, '--check')).toMatchObject({ code: 0, out: 'up to date: 1 file(s)' });
    expect((await cli('check', ...flags)).err).toContain('Usage: ssekit check <baseUrl>');
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await cli('generate', '--nope')).code).toBe(2);
    expect((await cli('deploy')).err).toContain('unknown command "deploy"');
    expect(await cli('generate', '--validation', 'ajv')).toMatchObject({
      code: 2,
      err: expect.stringContaining('zod or standalone'),
    });
    expect((await cli('generate', '--check', '--watch')).code).toBe(2);
  });

  it('generates, then --check passes; a stale file fails --check with a summary', async () => {
    const flags = ['--contracts', 'src/contracts.ts', '--out', 'out', '--outputs', 'client'];
    expect(await cli('generate', ...flags, '--validation', 'standalone')).toMatchObject({
      code: 0,
      out: 'created  out/client.ts',
    });
    expect(await cli('generate', ...flags, '--validation', 'standalone', '--check')).toMatchObject({
      code: 0,
      out: 'up to date: 1 file(s)',
    });
    const zod = await cli('generate', ...flags, '--validation', 'zod', '--check');
    expect(zod.code).toBe(1);
    expect(zod.err).toContain('stale    out/client.ts\n@@ line 2 @@');
    expect(zod.err).toContain('1 generated file(s) are stale: run `ssekit generate` to update them');
  });

  it('prints errors as one message with exit code 1, never a stack trace', async () => {
    const result = await cli('generate', '--contracts', 'src/missing.ts', '--out', 'out');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^ssekit: src\/missing\.ts: module not found/);
    expect(result.err).not.toMatch(/\n\s+at /);
  });
});
