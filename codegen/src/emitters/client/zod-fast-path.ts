import type { LengthCheck, PlainZodNode, PlainZodProperty } from '@ssekit/client';
import { propertyKey } from '../../ir/json-schema-to-ts.js';
import { tsLiteral } from '../../ir/ts-literal.js';
import { indentBlocks } from './standalone-validator.js';
import { fresh, member, type ValidatorModule } from './validator-parts.js';

/**
 * What the functions of one compiled fast path share: the file's module, the helper prefix and a name counter; whether
 * the function being emitted is a union's option, and whether it may leave its value to zod (see {@link DEFER}).
 */
interface FastScope {
  readonly module: ValidatorModule;
  readonly prefix: string;
  readonly counter: { value: number; helpers: number };
  inOption: boolean;
  defers: boolean;
}

const REFUSE = 'return undefined;';

/**
 * What a union's option returns to leave the whole value to zod (a string length zod releases count differently): not
 * `undefined`, which would move on to the next option. The fast path's own function returns `undefined` then, and the
 * decoder runs zod, which decides.
 */
const DEFER = 'zodDecides';
const DEFER_CONSTANT = `const ${DEFER}: unique symbol = Symbol('zod decides');`;

/**
 * Emits the fast path of a zod-mode event: `function name(value: unknown): unknown` returns the output zod would give
 * for `value` (objects stripped to their declared keys, in the schema's order), or `undefined` when zod would refuse
 * it, so the client runs zod only then, for its issues. Unions become sibling functions, added to `module.functions`
 * too. `tests/zod-fast-path.test.ts` checks the functions against zod itself on generated values.
 *
 * @example
 * ```ts
 * const module = new ValidatorModule();
 * compileZodFastPath(describePlainZod(z.object({ id: z.number() }))!, 'parseTick', module);
 * module.functions[0]; // 'function parseTick(value: unknown): unknown { ... }'
 * ```
 */
export function compileZodFastPath(node: PlainZodNode, name: string, module: ValidatorModule): void {
  emitFunction({ module, prefix: name, counter: { value: 0, helpers: 0 }, inOption: false, defers: false }, name, node);
}

function emitFunction(scope: FastScope, name: string, node: PlainZodNode, inOption = false): void {
  const lines: string[] = [];
  const saved = { value: scope.counter.value, inOption: scope.inOption };
  scope.counter.value = 0;
  scope.inOption = inOption;
  const output = emit(scope, node, 'value', lines);
  scope.counter.value = saved.value;
  scope.inOption = saved.inOption;
  lines.push(`return ${output};`);
  scope.module.functions.push(`function ${name}(value: unknown): unknown {\n${indentBlocks(lines, 1)}}`);
}

/** True when the output is the input itself: no object to strip anywhere inside. */
function keepsInput(node: PlainZodNode): boolean {
  switch (node.kind) {
    case 'object':
      return false;
    case 'union':
      return node.of.every(keepsInput);
    case 'optional':
    case 'nullable':
    case 'array':
      return keepsInput(node.of);
    default:
      return true;
  }
}

/** True when the schema's own check lets `undefined` through. */
function acceptsUndefined(node: PlainZodNode): boolean {
  switch (node.kind) {
    case 'any':
    case 'optional':
      return true;
    case 'nullable':
      return acceptsUndefined(node.of);
    case 'union':
      return node.of.some(acceptsUndefined);
    default:
      return false;
  }
}

/** Pushes the lines that refuse `x` where zod would; returns the expression of the output. */
function emit(scope: FastScope, node: PlainZodNode, x: string, lines: string[]): string {
  switch (node.kind) {
    case 'any':
      return x;
    case 'string':
      lines.push(`if (typeof ${x} !== 'string') ${REFUSE}`);
      for (const check of node.checks) emitStringLength(scope, check, x, lines);
      return x;
    case 'boolean':
      lines.push(`if (typeof ${x} !== 'boolean') ${REFUSE}`);
      return x;
    case 'null':
      lines.push(`if (${x} !== null) ${REFUSE}`);
      return x;
    case 'number': {
      const int = node.checks.some((check) => check[0] === 'int');
      const conditions = [`typeof ${x} !== 'number'`, `!Number.${int ? 'isSafeInteger' : 'isFinite'}(${x})`];
      for (const check of node.checks) {
        if (check[0] === 'int') continue;
        const [side, bound, inclusive] = check;
        const refused = side === '>' ? (inclusive ? '<' : '<=') : inclusive ? '>' : '>=';
        conditions.push(`${x} ${refused} ${tsLiteral(bound)}`);
      }
      lines.push(`if (${conditions.join(' || ')}) ${REFUSE}`);
      return x;
    }
    case 'values':
      lines.push(`if (${scope.module.notOneOf(node.values, x)}) ${REFUSE}`);
      return x;
    case 'optional':
    case 'nullable':
      return emitMaybe(scope, node.of, node.kind === 'optional' ? 'undefined' : 'null', x, lines);
    case 'array':
      return emitArray(scope, node, x, lines);
    case 'object':
      return emitObject(scope, node, x, lines);
    case 'union':
      return emitUnion(scope, node.of, x, lines);
  }
}

/** The statement leaving the value to zod: `undefined` from the fast path's own function, {@link DEFER} from an option. */
function deferral(scope: FastScope): string {
  scope.defers = true;
  if (!scope.inOption) return REFUSE;
  if (!scope.module.constants.includes(DEFER_CONSTANT)) scope.module.constants.push(DEFER_CONSTANT);
  return `return ${DEFER};`;
}

/**
 * A string length bound. zod 4.6 counts code points, earlier releases UTF-16 units; a code point is one or two units.
 * Where both counts give the same verdict it is taken; where they differ (astral characters near the bound) the value
 * is left to zod ({@link deferral}). The code points are counted only where units cannot settle it, as zod does.
 */
function emitStringLength(scope: FastScope, [bound, n]: LengthCheck, x: string, lines: string[]): void {
  if (bound === 'min' && n <= 0) return;
  // a single UTF-16 unit is a single code point: `min(1)` (`nonempty()`) is settled by the units alone
  if (bound === 'min' && n === 1) {
    lines.push(`if (${x}.length < 1) ${REFUSE}`);
    return;
  }
  scope.module.usesCodePoints = true;
  const UNDECIDED = deferral(scope);
  if (bound === 'max') {
    lines.push(`if (${x}.length > ${n}) {`, `if (codePoints(${x}) > ${n}) ${REFUSE}`, UNDECIDED, '}');
  } else if (bound === 'min') {
    lines.push(
      `if (${x}.length < ${n}) ${REFUSE}`,
      `if (${x}.length < ${n * 2} && codePoints(${x}) < ${n}) ${UNDECIDED}`,
    );
  } else {
    const c = fresh(scope, 'c');
    lines.push(
      `if (${x}.length < ${n} || ${x}.length > ${n * 2}) ${REFUSE}`,
      `const ${c} = codePoints(${x});`,
      `if (${x}.length !== ${n} && ${c} !== ${n}) ${REFUSE}`,
      `if (${x}.length !== ${n} || ${c} !== ${n}) ${UNDECIDED}`,
    );
  }
}

/** `null` or `undefined` passes as it is; anything else goes through the inner schema. */
function emitMaybe(scope: FastScope, inner: PlainZodNode, empty: string, x: string, lines: string[]): string {
  const body: string[] = [];
  const output = emit(scope, inner, x, body);
  if (body.length === 0) return x;
  if (output === x) {
    lines.push(`if (${x} !== ${empty}) {`, ...body, '}');
    return x;
  }
  const r = fresh(scope, 'r');
  lines.push(`let ${r}: unknown = ${x};`, `if (${x} !== ${empty}) {`, ...body, `${r} = ${output};`, '}');
  return r;
}

function emitArray(scope: FastScope, node: PlainZodNode & { kind: 'array' }, x: string, lines: string[]): string {
  const conditions = [`!Array.isArray(${x})`];
  for (const [bound, n] of node.checks) {
    conditions.push(`${x}.length ${bound === 'min' ? '<' : bound === 'max' ? '>' : '!=='} ${n}`);
  }
  lines.push(`if (${conditions.join(' || ')}) ${REFUSE}`);
  const i = fresh(scope, 'i');
  const v = fresh(scope, 'v');
  const body: string[] = [];
  const output = emit(scope, node.of, v, body);
  if (body.length === 0) return x;
  const loop = `for (let ${i} = 0; ${i} < ${x}.length; ${i}++) {`;
  // Every item is output as it is: the parsed array itself (zod would copy it to an equal one).
  if (keepsInput(node.of)) {
    lines.push(loop, `const ${v}: unknown = ${x}[${i}];`, ...body, '}');
    return x;
  }
  const r = fresh(scope, 'r');
  lines.push(
    `const ${r}: unknown[] = [];`,
    loop,
    `const ${v}: unknown = ${x}[${i}];`,
    ...body,
    `${r}.push(${output});`,
    '}',
  );
  return r;
}

function emitObject(scope: FastScope, node: PlainZodNode & { kind: 'object' }, x: string, lines: string[]): string {
  lines.push(`if (typeof ${x} !== 'object' || ${x} === null || Array.isArray(${x})) ${REFUSE}`);
  const o = fresh(scope, 'o');
  lines.push(`const ${o} = ${x} as Record<string, unknown>;`);
  if (node.strict) {
    const k = fresh(scope, 'k');
    const keys = node.properties.map((p) => p.key);
    lines.push(`for (const ${k} in ${o}) {`, `if (${scope.module.notOneOf(keys, k)}) ${REFUSE}`, '}');
  }
  // Output keys in the schema's order, as zod writes them: a literal of the keys up to the first optional one, then
  // one assignment per key, an optional key's only when it is present.
  const r = fresh(scope, 'r');
  const literal: string[] = [];
  let built = false;
  const build = (typed: boolean) => {
    lines.push(
      `const ${r}${typed ? ': Record<string, unknown>' : ''} = {${literal.length ? ` ${literal.join(', ')} ` : ''}};`,
    );
    built = true;
  };
  const hasOptional = node.properties.some((p) => p.optional);
  for (const property of node.properties) {
    const v = fresh(scope, 'v');
    lines.push(`const ${v} = ${member(o, property.key)};`);
    if (property.optional) {
      if (!built) build(true);
      const body: string[] = [];
      const schema = property.schema.kind === 'optional' ? property.schema.of : property.schema;
      const output = emit(scope, schema, v, body);
      lines.push(`if (${v} !== undefined) {`, ...body, `${member(r, property.key)} = ${output};`, '}');
      continue;
    }
    // A required key must be present (`undefined` is what JSON.parse never gives); most schemas refuse it anyway.
    if (acceptsUndefined(property.schema)) lines.push(`if (${v} === undefined) ${REFUSE}`);
    const output = emit(scope, property.schema, v, lines);
    if (built) lines.push(`${member(r, property.key)} = ${output};`);
    else literal.push(entry(property, output));
  }
  if (!built) build(hasOptional);
  return r;
}

function entry(property: PlainZodProperty, output: string): string {
  const key = propertyKey(property.key);
  return key === output ? key : `${key}: ${output}`;
}

/** The first option that accepts gives the output (zod's union, and its discriminated union with distinct tags). */
function emitUnion(scope: FastScope, options: readonly PlainZodNode[], x: string, lines: string[]): string {
  const r = fresh(scope, 'r');
  const outer = scope.defers;
  scope.defers = false;
  options.forEach((option, index) => {
    scope.counter.helpers += 1;
    const helper = `${scope.prefix}$option${scope.counter.helpers}`;
    emitFunction(scope, helper, option, true);
    lines.push(index === 0 ? `let ${r} = ${helper}(${x});` : `if (${r} === undefined) ${r} = ${helper}(${x});`);
  });
  // An option that left the value to zod stops the union: the next option may accept what zod would not.
  if (scope.defers) lines.push(`if (${r} === ${DEFER}) ${deferral(scope)}`);
  scope.defers ||= outer;
  lines.push(`if (${r} === undefined) ${REFUSE}`);
  return r;
}
