import { quote, tsLiteral } from '../../ir/ts-literal.js';
import type { JsonSchema } from '../../ir/types.js';

/** A JSON Schema node, or `true`/`false`. */
export type Node = JsonSchema | boolean;

/** Module-level code shared by every validator of one generated file: regexes, enum sets, helper functions. */
export class ValidatorModule {
  /** Declarations to put before the validators (`const pattern0 = new RegExp(...)`). */
  readonly constants: string[] = [];
  /** Function declarations, in emission order. */
  readonly functions: string[] = [];
  private readonly patterns = new Map<string, string>();
  private readonly sets = new Map<string, string>();
  /** True once some validator needs the `at()` helper that prefixes a nested issue's path. */
  usesAt = false;
  /** True once some validator checks a string length, which the `codePoints()` helper counts. */
  usesCodePoints = false;

  pattern(source: string): string {
    let name = this.patterns.get(source);
    if (!name) {
      name = `pattern${this.patterns.size}`;
      this.patterns.set(source, name);
      this.constants.push(`const ${name} = new RegExp(${quote(source)});`);
    }
    return name;
  }

  /** The helper functions the emitted validators call (`at`, `codePoints`), to put once before them in the file. */
  helpers(): string[] {
    return [...(this.usesAt ? [AT_HELPER] : []), ...(this.usesCodePoints ? [CODE_POINTS_HELPER] : [])];
  }

  /**
   * The condition that `x` is none of `values` (JSON primitives): a chain of `!==` for up to six values, else a lookup
   * in a module-level `Set`; `true` when there are none.
   */
  notOneOf(values: readonly unknown[], x: string): string {
    if (values.length === 0) return 'true';
    return values.length <= 6
      ? values.map((v) => `${x} !== ${tsLiteral(v)}`).join(' && ')
      : `!${this.set(values)}.has(${x})`;
  }

  set(values: readonly unknown[]): string {
    const key = JSON.stringify(values);
    let name = this.sets.get(key);
    if (!name) {
      name = `allowed${this.sets.size}`;
      this.sets.set(key, name);
      this.constants.push(`const ${name}: ReadonlySet<unknown> = new Set([${values.map(tsLiteral).join(', ')}]);`);
    }
    return name;
  }
}

/** What the functions of one compiled schema share while they are emitted. */
export interface Scope {
  readonly module: ValidatorModule;
  /** Name of the function validating the schema root (for `$ref: "#"`). */
  readonly rootFunction: string;
  /** Function name for `#/$defs/<name>`. */
  readonly defFunction: (name: string) => string;
  /** Prefix for helper functions (union members). */
  readonly helperPrefix: string;
  counter: { value: number; helpers: number };
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TYPE_NAMES = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'] as const;
/** The JSON Schema `type` names a validator guards. */
export type TypeName = (typeof TYPE_NAMES)[number];

/** `{}`: the schema that accepts anything. */
export function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

/** A fresh local variable name in the current function (`o1`, `v2`, …). */
export function fresh(scope: Pick<Scope, 'counter'>, prefix: string): string {
  scope.counter.value += 1;
  return `${prefix}${scope.counter.value}`;
}

/** `return { path: [...], message };`: the statement reporting one problem. */
export function issue(path: readonly string[], message: string): string {
  return `return { path: [${path.join(', ')}], message: ${quote(message)} };`;
}

/**
 * `object['key']`, always with brackets: `object` is a `Record<string, unknown>`, and a user's tsconfig may enable
 * `noPropertyAccessFromIndexSignature`, which rejects `object.key` on an index signature (minifiers emit `.key` anyway).
 */
export function member(object: string, key: string): string {
  return `${object}[${quote(key)}]`;
}

/** The types a node allows: its `type`, or what its keywords imply (`properties` → object, `items` → array). */
export function declaredTypes(node: JsonSchema): TypeName[] {
  const raw = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
  const types = raw.filter((t): t is TypeName => (TYPE_NAMES as readonly unknown[]).includes(t));
  if (types.length) return types;
  if (node.properties !== undefined || node.additionalProperties !== undefined || node.required !== undefined) {
    return ['object'];
  }
  if (node.items !== undefined || node.prefixItems !== undefined) return ['array'];
  return [];
}

/** zod's `int()` range: checked by `Number.isSafeInteger` instead of two comparisons. */
export function isSafeIntegerRange(node: JsonSchema): boolean {
  return node.minimum === -MAX_SAFE && node.maximum === MAX_SAFE;
}

/** The condition that `x` has the type. */
export function guard(type: TypeName, x: string, node: JsonSchema): string {
  switch (type) {
    case 'string':
      return `typeof ${x} === 'string'`;
    case 'number':
      return `typeof ${x} === 'number' && Number.isFinite(${x})`;
    case 'integer':
      return isSafeIntegerRange(node)
        ? `typeof ${x} === 'number' && Number.isSafeInteger(${x})`
        : `typeof ${x} === 'number' && Number.isInteger(${x})`;
    case 'boolean':
      return `typeof ${x} === 'boolean'`;
    case 'null':
      return `${x} === null`;
    case 'array':
      return `Array.isArray(${x})`;
    case 'object':
      return `typeof ${x} === 'object' && ${x} !== null && !Array.isArray(${x})`;
  }
}

/** `expected a string or null`: the message of a failed type guard. */
export function describeTypes(types: readonly TypeName[]): string {
  return `expected ${types.map((t) => (t === 'integer' ? 'an integer' : t === 'array' || t === 'object' ? `an ${t}` : `a ${t}`)).join(' or ')}`.replace(
    'a null',
    'null',
  );
}

/** The helper prefixing a nested issue's path, emitted once per file when some validator needs it. */
export const AT_HELPER = `function at(path: readonly PropertyKey[], issue: ValidationIssue): ValidationIssue {
  return { path: [...path, ...(issue.path ?? [])], message: issue.message };
}`;

/**
 * The helper counting a string's length as JSON Schema and zod 4.6 do: in code points, a surrogate pair counting once
 * (a lone surrogate counts as one). Emitted once per file when some validator checks a string length.
 */
export const CODE_POINTS_HELPER = `function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if ((text.charCodeAt(i) & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count -= 1;
      i += 1;
    }
  }
  return count;
}`;
