import { defineConfig } from '@ssekit/codegen';

// The page's typed client, from the dashboard's own contract: `npm run generate -w @ssekit-examples/dashboard`.
// Standalone validators: the browser bundle carries no zod.
export default defineConfig({
  contracts: './src/contract.ts',
  exportName: 'dashboardContract',
  out: './src/generated',
  outputs: ['client'],
  validation: 'standalone',
});
