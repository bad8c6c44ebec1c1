import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const tsc = join(repo, 'node_modules/.bin/tsc');

/** Every checked-in generated client: the codegen snapshots, the seed contracts' and the chat example's. */
const generatedClients = [
  ...readdirSync(join(import.meta.dirname, '__generated__'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(import.meta.dirname, '__generated__', entry.name, 'client.ts'))
    .sort(),
  join(repo, 'contracts/generated/client.ts'),
  join(repo, 'examples/chat/src/generated/client.ts'),
];

/** The strictest settings a user's project may compile the generated client with. */
const STRICTEST = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noImplicitReturns: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noImplicitOverride: true,
  noFallthroughCasesInSwitch: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: false,
};

/** One violation per flag, so the run proves the flags are on (TS code → the line that must fail). */
const CONTROL = `const record: Record<string, unknown> = {};
export const viaIndexSignature = record.key; // noPropertyAccessFromIndexSignature: TS4111
export const unchecked: string = ['a'][0]; // noUncheckedIndexedAccess: TS2322
export const exact: { a?: number } = { a: undefined }; // exactOptionalPropertyTypes: TS2375
export function unusedParameter(x: number): void {} // noUnusedParameters: TS6133
export function implicitReturn(x: number) { if (x) return 1; } // noImplicitReturns: TS7030
`;
const CONTROL_CODES = ['TS2322', 'TS2375', 'TS4111', 'TS6133', 'TS7030'];

interface Diagnostic {
  file: string;
  line: number;
  code: string;
  text: string;
}

function runTsc(project: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(tsc, ['-p', project, '--pretty', 'false'], { cwd: repo, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, output: `${stdout}${stderr}` });
    });
  });
}

function parseDiagnostics(output: string, cwd: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const line of output.split('\n')) {
    const match = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
    if (match) {
      diagnostics.push({ file: resolve(cwd, match[1]!), line: Number(match[2]), code: match[3]!, text: match[4]! });
    }
  }
  return diagnostics;
}

const dir = await mkdtemp(join(tmpdir(), 'ssekit-strict-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

// A user's project that compiles the generated clients with every strict flag. Workspace packages resolve to their
// sources (`@ssekit/source`), so tsc also reads the runtime's and the contracts' sources: only diagnostics in the
// generated files are this test's subject.
describe('generated clients under the strictest user tsconfig (tsc from node_modules/.bin)', () => {
  it('compile without a single error', async () => {
    const control = join(dir, 'control.ts');
    await writeFile(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
    await writeFile(control, CONTROL);
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        customConditions: ['@ssekit/source'],
        noEmit: true,
        // the exotic snapshots import their fixture contract as `../../fixtures/exotic-contract.ts`
        allowImportingTsExtensions: true,
        types: [],
        ...STRICTEST,
      },
      files: [...generatedClients, control],
    };
    const project = join(dir, 'tsconfig.json');
    await writeFile(project, `${JSON.stringify(tsconfig, null, 2)}\n`);
    const { output } = await runTsc(project);
    const diagnostics = parseDiagnostics(output, repo);

    const controlCodes = diagnostics.filter((d) => d.file === control).map((d) => d.code);
    expect([...new Set(controlCodes)].sort(), `tsc output:\n${output}`).toEqual(CONTROL_CODES);

    const inGenerated = diagnostics
      .filter((d) => generatedClients.includes(d.file))
      .map((d) => `${relative(repo, d.file)}:${d.line} ${d.code} ${d.text}`);
    expect(inGenerated).toEqual([]);
  }, 120_000);
});
