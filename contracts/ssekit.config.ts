import { defineConfig } from '@ssekit/codegen';

export default defineConfig({
  contracts: './src/index.ts',
  out: './generated',
  validation: 'zod',
  exportName: 'seedContract',
  outputs: ['client'],
  info: {
    title: 'ssekit seed API',
    version: '0.1.0',
    description: "The routes of Ktor's SSE examples, plus one with params and query.",
  },
  servers: [{ name: 'local', url: 'http://localhost:8080', description: 'examples/ktor-parity' }],
});
