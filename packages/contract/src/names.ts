import { ContractDefinitionError } from './errors.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

// Words the generated client cannot use as a variable, property shorthand or handler name.
const RESERVED = new Set([
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'new',
  'null',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'let',
  'static',
  'implements',
  'interface',
  'package',
  'private',
  'protected',
  'public',
  'await',
  'arguments',
  'eval',
  'undefined',
  'NaN',
  'Infinity',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
]);

/**
 * Checks an SSE event name: what the SSE format allows, i.e. non-empty and without CR, LF or NUL. Any other name
 * (`response.output_text.delta`, `user-created`, `a:b`, `onError`, `constructor`) is fine: code generators derive
 * safe identifiers from it and quote it where it is a key.
 *
 * @example
 * ```ts
 * assertEventName('response.output_text.delta', 'json'); // ok
 * assertEventName('a\nb', 'json');                       // throws ContractDefinitionError
 * ```
 */
export function assertEventName(name: string, route: string): void {
  if (name === '') throw new ContractDefinitionError('an event name is empty', route);
  if (/[\r\n\0]/.test(name)) {
    throw new ContractDefinitionError(`event name ${JSON.stringify(name)} contains CR, LF or NUL`, route);
  }
}

/**
 * Checks a route key: it becomes a property of the generated client (`client.<key>`).
 *
 * @example
 * ```ts
 * assertRouteKey('json'); // ok
 * ```
 */
export function assertRouteKey(key: string): void {
  if (!IDENTIFIER.test(key) || RESERVED.has(key)) {
    throw new ContractDefinitionError(`route key ${JSON.stringify(key)} is not a valid identifier for generated code`);
  }
}
