import { defineConfig } from '@ssekit/codegen';

// The API docs of every contract in contracts/ (seed + chat): AsyncAPI 3.0, OpenAPI 3.2 and the HTML page.
// Regenerate: `cd docs && node ../codegen/bin/ssekit-dev.js generate`; codegen/tests/docs-contracts.test.ts fails when stale.
export default defineConfig({
  contracts: '../contracts/src/index.ts',
  out: './api',
  outputs: ['asyncapi', 'openapi', 'html'],
  info: {
    title: 'ssekit example API',
    version: '0.1.0',
    description: "The routes of Ktor's SSE examples, one with params and query, and a resumable chat room.",
  },
  servers: [{ name: 'local', url: 'http://localhost:8080', description: 'examples/ktor-parity and the chat example' }],
});
