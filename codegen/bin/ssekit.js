#!/usr/bin/env node
// The `ssekit` CLI runs its TypeScript sources through tsx, with the `@ssekit/source` export condition so that
// workspace packages (and user contracts importing them) resolve to their sources, as under vitest and tsc.
import { register } from 'tsx/esm/api';

register();
const { registerConditions } = await import('../src/loader/conditions.ts');
registerConditions(['@ssekit/source']);
await import('../src/cli/main.ts');
