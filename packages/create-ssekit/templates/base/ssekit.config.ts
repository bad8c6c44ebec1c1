import { defineConfig } from '@ssekit/codegen';

// `npm run generate` (`ssekit generate`) reads this file. Paths are relative to it.
export default defineConfig({
  contracts: './src/contract.ts',
  exportName: 'contract',
  out: './src/generated',
  // zod: the client validates events with the contract's own schemas. standalone: emitted validators, no zod.
  validation: '{{validation}}',
  outputs: ['client', 'asyncapi', 'openapi', 'html'],
  info: { title: '{{name}}', version: '0.1.0', description: 'Prices per symbol, as Server-Sent Events.' },
  servers: [{ name: 'local', url: 'http://127.0.0.1:8080', description: 'npm start' }],
});
