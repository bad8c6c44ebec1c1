import { defineConfig } from '@ssekit/codegen';

// The chat page's typed client, generated from the shared chat contract: `npm run generate -w @ssekit-examples/chat`.
export default defineConfig({
  contracts: '../../contracts/src/chat.ts',
  exportName: 'chatContract',
  out: './src/generated',
  outputs: ['client'],
  validation: 'standalone',
});
