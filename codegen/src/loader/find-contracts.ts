import { isContract } from '@ssekit/contract';
import { CodegenError } from '../errors.js';
import type { AnyContract } from '../ir/build.js';

/** A contract found among a module's exports, with the name it is exported under. */
export interface NamedContract {
  readonly exportName: string;
  readonly contract: AnyContract;
}

/**
 * The contracts a module exports (module namespaces list exports alphabetically); a contract exported twice (e.g. also as `default`) is kept once,
 * under its named export. With `exportName`, only that export.
 *
 * @example
 * ```ts
 * findContracts(await import('./contracts.js'), 'contracts.ts'); // [{ exportName: 'seedContract', contract }]
 * ```
 */
export function findContracts(exports: Record<string, unknown>, module: string, exportName?: string): NamedContract[] {
  if (exportName !== undefined) {
    const value = exports[exportName];
    if (!isContract(value)) {
      throw new CodegenError(
        `export "${exportName}" is ${value === undefined ? 'missing' : 'not a contract made by defineContract()'}`,
        { module },
      );
    }
    return [{ exportName, contract: value }];
  }
  const found = new Map<AnyContract, string>();
  const names = Object.keys(exports).sort((a, b) => (a === 'default' ? 1 : b === 'default' ? -1 : 0));
  for (const name of names) {
    const value = exports[name];
    if (isContract(value) && !found.has(value)) found.set(value, name);
  }
  if (found.size === 0) {
    const seen = Object.keys(exports);
    throw new CodegenError(
      `exports no contract made by defineContract() (exports: ${seen.length ? seen.join(', ') : 'none'})`,
      { module },
    );
  }
  return [...found].map(([contract, name]) => ({ exportName: name, contract }));
}
