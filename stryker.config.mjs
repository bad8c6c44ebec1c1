// @ts-check
import { mutationModules } from './scripts/mutation-modules.mjs';

// Mutation testing (StrykerJS + its vitest runner). Run through `npm run test:mutation -- <module…>`, which sets
// SSEKIT_MUTATION_MODULE; the module's source files are mutated and only its test files run (vitest.mutation.config.ts).
const name = process.env.SSEKIT_MUTATION_MODULE ?? 'encoder';
const mod = mutationModules[/** @type {keyof typeof mutationModules} */ (name)];
if (!mod) throw new Error(`unknown mutation module ${name}; known: ${Object.keys(mutationModules).join(', ')}`);
process.env.SSEKIT_MUTATION_TESTS = mod.tests.join(',');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: mod.mutate,
  coverageAnalysis: 'perTest',
  // 2-core machines shared with other work: one or two test processes at a time.
  concurrency: Number(process.env.SSEKIT_MUTATION_CONCURRENCY ?? 1),
  timeoutMS: 5000,
  timeoutFactor: 2,
  incremental: true,
  incrementalFile: `reports/mutation/${name}/stryker-incremental.json`,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `reports/mutation/${name}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
  // Stryker rewrites the tsconfig with the `typescript` package's JS API, which TypeScript 7 no longer has; the
  // sandbox keeps the repository's layout, so nothing needs rewriting: point it at a file that does not exist.
  tsconfigFile: 'no-tsconfig-rewrite.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 85, break: null },
  ignorePatterns: ['dist', 'coverage', 'test-artifacts', 'reports', '.next', 'bench/results'],
};
