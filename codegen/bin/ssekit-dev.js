#!/usr/bin/env node
// Monorepo-only entry of the `ssekit` CLI (not packed): runs the TypeScript sources through tsx, and loads workspace
// packages (and contracts that import them) from their sources through the `@ssekit/source` export condition.
import { register } from 'tsx/esm/api';

process.env.SSEKIT_CONDITIONS ??= '@ssekit/source';
register();
const { registerConditions } = await import('../src/loader/conditions.ts');
registerConditions(['@ssekit/source']);
await import('../src/cli/main.ts');
