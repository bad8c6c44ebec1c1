import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_CONTRACT, type TempProject, tempProject } from '../../tests/helpers/temp-project.js';
import { CodegenError } from '../errors.js';
import { findContracts } from './find-contracts.js';
import { importModule } from './import-module.js';

let project: TempProject;
beforeAll(async () => {
  project = await tempProject();
});
afterAll(() => project.cleanup());

async function failure(promise: Promise<unknown>): Promise<CodegenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CodegenError);
  const codegen = error as CodegenError;
  expect(codegen.code).toBe('CODEGEN');
  expect(codegen.message).not.toMatch(/\n\s+at /); // a message, never a stack trace
  return codegen;
}

describe('importModule', () => {
  it('imports TypeScript with workspace packages resolved through @ssekit/source', async () => {
    const file = await project.write('ok/contracts.ts', SMALL_CONTRACT);
    const { exports, files } = await importModule(file, { displayName: 'ok/contracts.ts' });
    const [found] = findContracts(exports, 'ok/contracts.ts');
    expect(found?.exportName).toBe('contract');
    expect(Object.keys(found!.contract['~ssekit'].routes)).toEqual(['ticks']);
    // @ssekit/contract has no dist/ in the repo: it loaded from its sources, and those are reported for --watch.
    expect(files).toContain(file);
    expect(files.some((f) => f.endsWith('/packages/contract/src/contract.ts'))).toBe(true);
  });

  it('imports a contract and a default export from a CommonJS package (no "type": "module")', async () => {
    await project.write('cjs/package.json', '{ "type": "commonjs" }\n');
    const contracts = await project.write('cjs/contracts.ts', SMALL_CONTRACT);
    const config = await project.write('cjs/ssekit.config.ts', "export default { out: './generated' };\n");
    const [found] = findContracts((await importModule(contracts)).exports, 'cjs/contracts.ts');
    expect(found?.exportName).toBe('contract');
    expect((await importModule(config)).exports.default).toEqual({ out: './generated' });
  });

  it('picks up edits: each import is a fresh module graph', async () => {
    const file = await project.write('fresh/contracts.ts', 'export const n = 1;\n');
    expect((await importModule(file)).exports.n).toBe(1);
    await project.write('fresh/contracts.ts', 'export const n = 2;\n');
    expect((await importModule(file)).exports.n).toBe(2);
  });

  it('reports a missing module', async () => {
    const error = await failure(importModule(`${project.dir}/nope.ts`, { displayName: 'nope.ts' }));
    expect(error.message).toMatch(/^nope\.ts: module not found/);
    expect(error.module).toBe('nope.ts');
  });

  it('reports a syntax error with the module name', async () => {
    const file = await project.write('broken/syntax.ts', 'export const x = ;\n');
    const error = await failure(importModule(file, { displayName: 'broken/syntax.ts' }));
    expect(error.message).toMatch(/^broken\/syntax\.ts: cannot load the module: /);
    expect(error.cause).toBeDefined();
  });

  it('reports a contract that fails defineContract, naming the route', async () => {
    const file = await project.write(
      'broken/contract.ts',
      `import { defineContract } from '@ssekit/contract';
import { z } from 'zod';
export const c = defineContract({ r: { path: 'no-slash', events: { a: z.string() } } });
`,
    );
    const error = await failure(importModule(file, { displayName: 'broken/contract.ts' }));
    expect(error.message).toContain(
      'broken/contract.ts: cannot load the module: route "r": path "no-slash" must start with "/"',
    );
  });
});

describe('findContracts', () => {
  it('says what the module exports when none is a contract', () => {
    expect(() => findContracts({ a: 1, b: {} }, 'm.ts')).toThrow(
      'm.ts: exports no contract made by defineContract() (exports: a, b)',
    );
  });

  it('checks a chosen export', () => {
    expect(() => findContracts({ a: 1 }, 'm.ts', 'a')).toThrow('export "a" is not a contract');
    expect(() => findContracts({}, 'm.ts', 'x')).toThrow('export "x" is missing');
  });

  it('keeps a contract exported twice once, under its named export', () => {
    const contract = { '~ssekit': { kind: 'contract', routes: {} } };
    expect(findContracts({ default: contract, seed: contract }, 'm.ts').map((c) => c.exportName)).toEqual(['seed']);
  });
});
