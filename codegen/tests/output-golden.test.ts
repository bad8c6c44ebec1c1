import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractSource } from '../../bench/codegen/make-contract.ts';
import { generate } from '../src/generate.ts';
import { type TempProject, tempProject } from './helpers/temp-project.ts';

// Every emitter's output, byte for byte, for the seed contracts and for the benchmark's synthetic contract
// (200 routes × 5 events, bench/codegen): sha256 and length of each file, recorded by the code before the speed work
// of issue 17 (lazy loading, native type stripping). A change to the output must be deliberate: rerun with
// SSEKIT_UPDATE_GOLDEN=1 and say why in the commit.
const goldenFile = resolve(import.meta.dirname, '__generated__/golden-output.json');
const update = process.env.SSEKIT_UPDATE_GOLDEN === '1';
const root = resolve(import.meta.dirname, '../..');

const OUTPUTS = ['client.ts', 'asyncapi.json', 'asyncapi.yaml', 'openapi.json', 'openapi.yaml', 'docs/index.html'];

type Golden = Record<string, { sha256: string; length: number }>;

let project: TempProject;
let golden: Golden;
const seen: Golden = {};

beforeAll(async () => {
  project = await tempProject('ssekit-golden-');
  await project.write('big/contracts.ts', contractSource(200, 5));
  golden = update ? {} : (JSON.parse(await readFile(goldenFile, 'utf8')) as Golden);
});
afterAll(async () => {
  await project.cleanup();
  if (update) await writeFile(goldenFile, `${JSON.stringify(seen, null, 2)}\n`);
});

const cases = [
  { name: 'seed', contracts: () => join(root, 'contracts/src/index.ts'), exportName: 'seedContract' },
  { name: 'big-200x5', contracts: () => join(project.dir, 'big/contracts.ts'), exportName: 'bigContract' },
];

describe.each(cases)('every output of the $name contract', ({ name, contracts, exportName }) => {
  it.each(['zod', 'standalone'] as const)(
    'is byte-identical to the recorded output (%s validation)',
    async (mode) => {
      const result = await generate({
        config: false,
        cwd: project.dir,
        contracts: contracts(),
        exportName,
        out: join(project.dir, `out-${name}-${mode}`),
        validation: mode,
        info: { title: `golden ${name}`, version: '1.0.0' },
        servers: [{ url: 'http://127.0.0.1:8080' }],
      });
      const files: Golden = {};
      for (const file of result.files) {
        // The client imports the contracts by a path relative to the output folder; the seed contracts live in the
        // checkout and the output in the system's temp folder, so that path (also in the header comment) depends on where
        // the checkout is.
        const contents = file.contents.replace(/[^' ]*\/contracts\/src\/index\.(js|ts)/g, '<seed>.$1');
        files[`${name}/${mode}/${file.name}`] = {
          sha256: createHash('sha256').update(contents).digest('hex'),
          length: Buffer.byteLength(contents),
        };
      }
      Object.assign(seen, files);
      expect(Object.keys(files).sort()).toEqual(OUTPUTS.map((f) => `${name}/${mode}/${f}`).sort());
      if (!update) {
        const expected = Object.fromEntries(
          Object.entries(golden).filter(([key]) => key.startsWith(`${name}/${mode}/`)),
        );
        expect(files).toEqual(expected);
      }
    },
    120_000,
  );
});
