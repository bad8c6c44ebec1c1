import { register } from 'node:module';

const registered = Symbol.for('ssekit.codegen.conditions');

// Node's resolve hooks run in a loader thread, so the hook travels as a data: URL (no file to ship or compile).
function hookSource(conditions: readonly string[]): string {
  return `const extra = ${JSON.stringify(conditions)};
export async function resolve(specifier, context, next) {
  const missing = extra.filter((c) => !context.conditions.includes(c));
  return next(specifier, missing.length ? { ...context, conditions: [...context.conditions, ...missing] } : context);
}`;
}

/**
 * Adds export conditions (default `@ssekit/source`) to every later `import` in this process, so workspace packages
 * resolve to their TypeScript sources as they do under vitest and `tsc`. Idempotent per condition set.
 *
 * @example
 * ```ts
 * registerConditions(['@ssekit/source']);
 * await tsImport('./src/index.ts', import.meta.url);
 * ```
 */
export function registerConditions(conditions: readonly string[]): void {
  if (conditions.length === 0) return;
  const store = globalThis as { [registered]?: Set<string> };
  const done = store[registered] ?? new Set<string>();
  store[registered] = done;
  const key = [...conditions].sort().join(',');
  if (done.has(key)) return;
  done.add(key);
  register(`data:text/javascript,${encodeURIComponent(hookSource(conditions))}`);
}

/**
 * Export conditions used to load contracts and configs when none are configured: the comma-separated list in the
 * `SSEKIT_CONDITIONS` environment variable, or none. (Inside the ssekit monorepo it is `@ssekit/source`, so workspace
 * packages load from their TypeScript sources; an installed app needs none.)
 *
 * @example
 * ```ts
 * process.env.SSEKIT_CONDITIONS = 'development,@acme/source';
 * defaultConditions(); // ['development', '@acme/source']
 * ```
 */
export function defaultConditions(): string[] {
  return (process.env.SSEKIT_CONDITIONS ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
}
