import { defineConfig } from 'vitest/config';

// One vitest process for the whole repo (2-core machines: one pool beats one process per package).
// Sources are read through the `@ssekit/source` export condition, so nothing is built first.
const conditions = ['@ssekit/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: [
      '{packages,codegen,contracts,examples,bench}/**/*.test.ts',
      '{packages,codegen,contracts,examples}/*/tests/**/*.test.ts',
      '{packages,examples}/*/*/tests/**/*.test.ts',
      'tests/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // Type tests only; source errors are `npm run typecheck`'s job (it runs first in `npm test`).
    typecheck: { enabled: true, include: ['**/*.test-d.ts'], tsconfig: './tsconfig.json', ignoreSourceErrors: true },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // `ssekit generate` run in-process loads contracts (and the workspace packages they import) from sources too.
    env: { SSEKIT_CONDITIONS: '@ssekit/source' },
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
