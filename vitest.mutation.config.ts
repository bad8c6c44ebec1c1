import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type Plugin } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from './vitest.config.js';

// The vitest config Stryker runs (see stryker.config.mjs): the base config, restricted to the test files of the
// module under mutation (SSEKIT_MUTATION_TESTS, comma-separated), without type tests or the summary reporter.
const tests = (process.env.SSEKIT_MUTATION_TESTS ?? '').split(',').filter(Boolean);

// Stryker runs the tests in a sandbox copy of the repository whose node_modules is a link to the real one, so
// `@ssekit/server` would resolve (through the workspace link) to the real, unmutated sources. Point such ids back
// into the sandbox.
const here = dirname(fileURLToPath(import.meta.url));
// The repository the workspace links point into: <root>/packages/server behind node_modules/@ssekit/server.
const realRoot = dirname(dirname(realpathSync(join(here, 'node_modules/@ssekit/server'))));
const intoSandbox: Plugin = {
  name: 'ssekit-mutation-sandbox',
  enforce: 'pre',
  async resolveId(source, importer, options) {
    if (realRoot === here || !source.startsWith('@ssekit/')) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    const { id } = resolved ?? { id: '' };
    // Already in the sandbox (which may sit inside the repository), outside the repository, or a dependency: as is.
    if (id.startsWith(`${here}/`) || !id.startsWith(`${realRoot}/`) || id.includes('/node_modules/')) return resolved;
    return { ...resolved, id: here + id.slice(realRoot.length) };
  },
};

// Stryker runs one file after another and stops at the first failing test. Test files that start a Redis Cluster of
// their own (`cluster-*.test.ts`, seconds each time) go last, so a mutant the other files kill never starts one.
class ClusterLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const startsCluster = (file: TestSpecification) => /\/cluster-[^/]*\.test\.ts$/.test(file.moduleId);
    return [...sorted.filter((file) => !startsCluster(file)), ...sorted.filter(startsCluster)];
  }
}

const config = mergeConfig(
  base,
  defineConfig({
    plugins: [intoSandbox],
    test: {
      typecheck: { enabled: false },
      reporters: ['default'],
      sequence: { sequencer: ClusterLastSequencer },
      // The core is the same behind every adapter: the conformance suite runs on node:http only here.
      env: { SSEKIT_CONFORMANCE_ADAPTERS: 'node:http' },
    },
  }),
);
// mergeConfig concatenates arrays; the include list is replaced outright.
if (tests.length && config.test) config.test.include = tests;

export default config;
