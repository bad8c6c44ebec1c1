#!/usr/bin/env node
// The `ssekit` CLI, from its compiled output. User contracts and configs (TypeScript) are loaded through tsx.
await import('../dist/cli/main.js');
