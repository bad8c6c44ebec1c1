import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_CONTRACT, type TempProject, tempProject } from '../tests/helpers/temp-project.js';
import type { Emitter } from './emitters/types.js';
import { CodegenError } from './errors.js';
import { generate } from './generate.js';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject();
  await project.write('src/contracts.ts', SMALL_CONTRACT);
});
afterAll(() => project.cleanup());

describe('generate', () => {
  it('writes client.ts, then only what changed', async () => {
    const options = {
      cwd: project.dir,
      config: false as const,
      contracts: 'src/contracts.ts',
      out: 'gen1',
      outputs: ['client'],
    };
    const first = await generate(options);
    expect(first.files.map((f) => [f.name, f.status])).toEqual([['client.ts', 'created']]);
    const text = await readFile(join(project.dir, 'gen1/client.ts'), 'utf8');
    expect(text).toContain("import { contract } from '../src/contracts.js';");
    expect(text).toContain('export function createClient(config: ClientConfig): Client {');
    const second = await generate(options);
    expect(second.files.map((f) => f.status)).toEqual(['unchanged']);
    expect(second.inputs).toContain(join(project.dir, 'src/contracts.ts'));
  });

  it('check: reports missing and stale files with a diff summary, writing nothing', async () => {
    const options = {
      cwd: project.dir,
      config: false as const,
      contracts: 'src/contracts.ts',
      out: 'gen2',
      outputs: ['client'],
      check: true,
    };
    const missing = await generate(options);
    expect(missing.stale.map((f) => f.status)).toEqual(['missing']);
    await expect(readFile(join(project.dir, 'gen2/client.ts'), 'utf8')).rejects.toThrow();
    await generate({ ...options, check: false });
    expect((await generate(options)).stale).toEqual([]);
    const file = join(project.dir, 'gen2/client.ts');
    await writeFile(file, (await readFile(file, 'utf8')).replace('createClient', 'makeClient'));
    const stale = await generate(options);
    expect(stale.stale.map((f) => f.status)).toEqual(['stale']);
    expect(stale.stale[0]?.diff).toMatch(/^@@ line \d+ @@\n- .*makeClient.*\n\+ .*createClient/);
  });

  it('reads ssekit.config.ts from cwd; flags override it', async () => {
    await project.write(
      'ssekit.config.ts',
      `import { defineConfig } from '@ssekit/codegen';
export default defineConfig({ contracts: './src/contracts.ts', out: './gen3', validation: 'zod', outputs: ['client'], info: { title: 'Ticks' } });
`,
    );
    try {
      const fromFile = await generate({ cwd: project.dir });
      expect(fromFile.config.configFile).toBe(join(project.dir, 'ssekit.config.ts'));
      expect(fromFile.config.validation).toBe('zod');
      expect(fromFile.files[0]?.path).toBe(join(project.dir, 'gen3/client.ts'));
      expect(fromFile.files[0]?.contents).toContain('Creates the typed client of Ticks.');
      const overridden = await generate({ cwd: project.dir, validation: 'standalone', out: 'gen4' });
      expect(overridden.files[0]?.path).toBe(join(project.dir, 'gen4/client.ts'));
      expect(overridden.files[0]?.contents).toContain('validation: standalone');
    } finally {
      await rm(join(project.dir, 'ssekit.config.ts'));
    }
  });

  it('fails clearly without contracts, for unknown outputs, and for a config without a default export', async () => {
    await expect(generate({ cwd: project.dir, config: false, out: 'x' })).rejects.toThrow(
      'no contracts module: set `contracts` (or `from`) in ssekit.config.ts or pass --contracts (or --from)',
    );
    await expect(
      generate({
        cwd: project.dir,
        config: false,
        contracts: 'src/contracts.ts',
        out: 'x',
        outputs: ['client', 'pdf'],
      }),
    ).rejects.toThrow('unknown output "pdf" (known: client');
    await project.write('bad.config.ts', 'export const x = 1;\n');
    await expect(generate({ cwd: project.dir, config: 'bad.config.ts' })).rejects.toThrow(
      'bad.config.ts: must `export default defineConfig({ ... })`',
    );
  });

  it("standalone: warns about zod-only schemas, or fails with onNeedsZod: 'error'", async () => {
    await project.write(
      'src/refined.ts',
      `import { defineContract } from '@ssekit/contract';
import { z } from 'zod';
export const refined = defineContract({ r: { path: '/r', events: { even: z.int().refine((n) => n % 2 === 0) } } });
`,
    );
    const options = {
      cwd: project.dir,
      config: false as const,
      contracts: 'src/refined.ts',
      out: 'gen5',
      outputs: ['client'],
    };
    const warned = await generate({ ...options, validation: 'standalone' });
    expect(warned.warnings).toEqual([
      'src/refined.ts: route "r", event "even": only zod can fully check this schema (refinement); standalone validation checks what JSON Schema expresses',
    ]);
    expect((await generate({ ...options, validation: 'zod' })).warnings).toEqual([]);
    const error = await generate({ ...options, validation: 'standalone', onNeedsZod: 'error' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodegenError);
    expect((error as CodegenError).route).toBe('r');
    expect((error as CodegenError).event).toBe('even');
  });

  it('runs any registered emitter and keeps files inside the output folder', async () => {
    const routes: Emitter = {
      name: 'routes',
      emit: (ir) => [{ path: 'docs/routes.txt', contents: ir.routes.map((r) => r.path).join('\n') }],
    };
    const escaping: Emitter = { name: 'escape', emit: () => [{ path: '../outside.txt', contents: '' }] };
    const options = {
      cwd: project.dir,
      config: false as const,
      contracts: 'src/contracts.ts',
      out: 'gen6',
      emitters: { routes, escape: escaping },
    };
    const result = await generate({ ...options, outputs: ['routes'] });
    expect(await readFile(join(project.dir, 'gen6/docs/routes.txt'), 'utf8')).toBe('/ticks');
    expect(result.files.map((f) => [f.name, f.emitter])).toEqual([['docs/routes.txt', 'routes']]);
    await expect(generate({ ...options, outputs: ['escape'] })).rejects.toThrow('outside the output folder');
  });
});
