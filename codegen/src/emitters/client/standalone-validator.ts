import { quote, tsLiteral } from '../../ir/ts-literal.js';
import type { JsonSchema } from '../../ir/types.js';
import {
  declaredTypes,
  describeTypes,
  fresh,
  guard,
  isEmptyObject,
  isSafeIntegerRange,
  issue,
  member,
  type Node,
  type Scope,
  type TypeName,
  type ValidatorModule,
} from './validator-parts.js';

export { AT_HELPER, CODE_POINTS_HELPER, ValidatorModule } from './validator-parts.js';

const literal = tsLiteral;

/**
 * Emits a straight-line TypeScript validator for a JSON Schema: one `function name(value: unknown): ValidationIssue |
 * undefined` that returns the first problem or `undefined`. No schema is interpreted at run time: every keyword
 * becomes an `if`. Unions and `$ref`s become calls to sibling functions, added to `module.functions` too.
 *
 * String lengths count code points, as JSON Schema and zod 4.6 do. Semantics follow zod where JSON Schema and zod
 * differ: extra object keys are accepted (zod strips them), `oneOf` is checked as `anyOf` (zod unions pick the first
 * match). `format` is not checked on its own (zod puts an equivalent `pattern` next to it).
 *
 * @example
 * ```ts
 * const module = new ValidatorModule();
 * compileValidator({ type: 'string', minLength: 1 }, 'checkName', module);
 * module.functions[0]; // 'function checkName(value: unknown): ValidationIssue | undefined { ... }'
 * ```
 */
export function compileValidator(schema: JsonSchema, name: string, module: ValidatorModule): void {
  const defs = (schema.$defs ?? {}) as Record<string, Node>;
  const defFunction = (def: string) => `${name}$${def.replace(/[^A-Za-z0-9_$]/g, '_')}`;
  const scope: Scope = {
    module,
    rootFunction: name,
    defFunction,
    helperPrefix: name,
    counter: { value: 0, helpers: 0 },
  };
  emitFunction(scope, name, schema);
  for (const [def, node] of Object.entries(defs)) emitFunction(scope, defFunction(def), node);
}

function emitFunction(scope: Scope, name: string, node: Node): void {
  const lines: string[] = [];
  const saved = scope.counter.value;
  scope.counter.value = 0;
  check(scope, node, 'value', [], lines);
  scope.counter.value = saved;
  // Helpers compiled while building this body were pushed first; declarations hoist, so order is only cosmetic.
  const body = indentBlocks(lines.flatMap(braceLongGuard), 1);
  scope.module.functions.push(
    `function ${name}(value: unknown): ValidationIssue | undefined {\n${body}  return undefined;\n}`,
  );
}

/**
 * Indents a function body's lines two spaces per open block, as the TypeScript formatter would: a line ending in `{`
 * opens one (an `if`, `for`, `switch` or `case` block), a line starting with `}` closes one. Every line here is one
 * statement, label or brace of code this module writes, so the braces that count are the ones at the line's ends.
 */
export function indentBlocks(lines: readonly string[], depth: number): string {
  let level = depth;
  let text = '';
  for (const line of lines) {
    if (line.startsWith('}')) level -= 1;
    text += `${'  '.repeat(level)}${line}\n`;
    if (line.endsWith('{')) level += 1;
  }
  return text;
}

/** `if (long condition) return {...};` → a braced block, so the file stays within ~120 columns. */
function braceLongGuard(line: string): string[] {
  const at = line.lastIndexOf(') return { path: ');
  if (line.length <= 96 || at < 0 || !/^(else )?if \(/.test(line)) return [line];
  return [`${line.slice(0, at + 1)} {`, line.slice(at + 2), '}'];
}

function helper(scope: Scope, node: Node): string {
  scope.counter.helpers += 1;
  const name = `${scope.helperPrefix}$variant${scope.counter.helpers}`;
  emitFunction(scope, name, node);
  return name;
}

function call(scope: Scope, fn: string, x: string, path: readonly string[], lines: string[]): void {
  const e = fresh(scope, 'issue');
  lines.push(`const ${e} = ${fn}(${x});`);
  if (path.length === 0) {
    lines.push(`if (${e} !== undefined) return ${e};`);
  } else {
    scope.module.usesAt = true;
    lines.push(`if (${e} !== undefined) return at([${path.join(', ')}], ${e});`);
  }
}

function check(scope: Scope, node: Node, x: string, path: readonly string[], lines: string[]): void {
  if (node === true) return;
  if (node === false || isEmptyObject(node.not)) {
    lines.push(issue(path, 'no value is allowed here'));
    return;
  }
  if (typeof node.$ref === 'string') {
    const ref = node.$ref;
    const def = /^#\/\$defs\/(.+)$/.exec(ref)?.[1];
    if (ref === '#') call(scope, scope.rootFunction, x, path, lines);
    // A JSON Pointer in a URI fragment: percent-decoded, then `~1` is `/` and `~0` is `~` (RFC 6901).
    else if (def !== undefined) call(scope, scope.defFunction(pointerToken(decodeURIComponent(def))), x, path, lines);
    return;
  }
  if ('const' in node) {
    const value = node.const;
    if (value !== null && typeof value === 'object') {
      lines.push(
        `if (JSON.stringify(${x}) !== ${quote(JSON.stringify(value))}) ${issue(path, `expected ${JSON.stringify(value)}`)}`,
      );
    } else {
      lines.push(`if (${x} !== ${literal(value)}) ${issue(path, `expected ${JSON.stringify(value)}`)}`);
    }
  }
  if (Array.isArray(node.enum)) enumCheck(scope, node.enum, x, path, lines);
  const variants = (node.anyOf ?? node.oneOf) as Node[] | undefined;
  if (Array.isArray(variants)) unionCheck(scope, variants, x, path, lines);
  if (Array.isArray(node.allOf)) for (const part of node.allOf as Node[]) check(scope, part, x, path, lines);
  let types = declaredTypes(node);
  // A `const`/`enum` already pins the value (and so its type): only the other keywords still need a type guard.
  const pinned = 'const' in node ? [node.const] : Array.isArray(node.enum) ? node.enum : undefined;
  if (pinned && types.length === 1 && ['string', 'boolean', 'null'].includes(types[0]!)) {
    const type = types[0]!;
    const fits = pinned.every((v) => (type === 'null' ? v === null : typeof v === type));
    if (fits && (type !== 'string' || !hasStringKeywords(node))) types = [];
  }
  if (types.length === 0) return;
  // `integer` already covers `number`'s checks; keep one branch per runtime type.
  if (types.length === 1) {
    const type = types[0]!;
    lines.push(`if (!(${guard(type, x, node)})) ${issue(path, describeTypes(types))}`);
    keywordChecks(scope, type, node, x, path, lines);
    return;
  }
  types.forEach((type, index) => {
    const inner: string[] = [];
    keywordChecks(scope, type, node, x, path, inner);
    lines.push(`${index === 0 ? '' : 'else '}if (${guard(type, x, node)}) {`, ...inner, '}');
  });
  lines.push(`else ${issue(path, describeTypes(types))}`);
}

/** A JSON Pointer reference token, unescaped (`~1` is `/`, `~0` is `~`). */
function pointerToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

function hasStringKeywords(node: JsonSchema): boolean {
  return node.minLength !== undefined || node.maxLength !== undefined || node.pattern !== undefined;
}

function enumCheck(scope: Scope, values: unknown[], x: string, path: readonly string[], lines: string[]): void {
  const message = `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (values.some((v) => v !== null && typeof v === 'object')) {
    const set = scope.module.set(values.map((v) => JSON.stringify(v)));
    lines.push(`if (!${set}.has(JSON.stringify(${x}))) ${issue(path, message)}`);
  } else {
    lines.push(`if (${scope.module.notOneOf(values, x)}) ${issue(path, message)}`);
  }
}

function unionCheck(scope: Scope, variants: Node[], x: string, path: readonly string[], lines: string[]): void {
  if (variants.length === 0) {
    lines.push(issue(path, 'no value is allowed here'));
    return;
  }
  const discriminator = findDiscriminator(variants);
  if (discriminator) {
    // Tagged union (zod's discriminatedUnion): pick the member by its tag instead of trying each one.
    lines.push(`if (!(${guard('object', x, {})})) ${issue(path, 'expected an object')}`);
    const tag = fresh(scope, 'tag');
    lines.push(`const ${tag} = ${member(`(${x} as Record<string, unknown>)`, discriminator.key)};`);
    lines.push(`switch (${tag}) {`);
    discriminator.tags.forEach((tags, index) => {
      for (const [i, value] of tags.entries())
        lines.push(`case ${literal(value)}:${i === tags.length - 1 ? ' {' : ''}`);
      const fn = helper(scope, variants[index]!);
      call(scope, fn, x, path, lines);
      lines.push('break;', '}');
    });
    const expected = discriminator.tags
      .flat()
      .map((v) => JSON.stringify(v))
      .join(', ');
    lines.push(`default: ${issue([...path, quote(discriminator.key)], `expected one of ${expected}`)}`, '}');
    return;
  }
  const fns = variants.map((variant) => helper(scope, variant));
  lines.push(
    `if (${fns.map((fn) => `${fn}(${x}) !== undefined`).join(' && ')}) ${issue(path, 'matches none of the allowed shapes')}`,
  );
}

/** A property every variant pins with `const` (or a one-value `enum`), with distinct values: a tagged union. */
function findDiscriminator(variants: Node[]): { key: string; tags: unknown[][] } | undefined {
  const first = variants[0];
  if (typeof first !== 'object' || !first.properties) return undefined;
  for (const key of Object.keys(first.properties as object)) {
    const tags: unknown[][] = [];
    for (const variant of variants) {
      if (typeof variant !== 'object') return undefined;
      const required = Array.isArray(variant.required) && (variant.required as string[]).includes(key);
      const prop = (variant.properties as Record<string, Node> | undefined)?.[key];
      if (!required || typeof prop !== 'object') break;
      const values = 'const' in prop ? [prop.const] : Array.isArray(prop.enum) ? prop.enum : undefined;
      // `typeof null` is 'object' too: null and object tags are left to the member-by-member check.
      if (!values || values.some((v) => typeof v === 'object')) break;
      tags.push(values);
    }
    const all = tags.flat();
    if (tags.length === variants.length && new Set(all).size === all.length) return { key, tags };
  }
  return undefined;
}

function keywordChecks(
  scope: Scope,
  type: TypeName,
  node: JsonSchema,
  x: string,
  path: readonly string[],
  lines: string[],
): void {
  if (type === 'string') stringChecks(scope, node, x, path, lines);
  else if (type === 'number' || type === 'integer') numberChecks(type, node, x, path, lines);
  else if (type === 'array') arrayChecks(scope, node, x, path, lines);
  else if (type === 'object') objectChecks(scope, node, x, path, lines);
}

function stringChecks(scope: Scope, node: JsonSchema, x: string, path: readonly string[], lines: string[]): void {
  // Lengths are code points. A code point is one or two UTF-16 units, so `x.length` settles most strings alone: at
  // least twice the floor always clears it, and a string within the ceiling in units is within it in code points.
  if (typeof node.minLength === 'number' && node.minLength > 0) {
    scope.module.usesCodePoints = true;
    lines.push(
      `if (${x}.length < ${node.minLength * 2} && codePoints(${x}) < ${node.minLength}) ${issue(path, `must have at least ${node.minLength} characters`)}`,
    );
  }
  if (typeof node.maxLength === 'number') {
    scope.module.usesCodePoints = true;
    lines.push(
      `if (${x}.length > ${node.maxLength} && codePoints(${x}) > ${node.maxLength}) ${issue(path, `must have at most ${node.maxLength} characters`)}`,
    );
  }
  if (typeof node.pattern === 'string') {
    lines.push(
      `if (!${scope.module.pattern(node.pattern)}.test(${x})) ${issue(path, 'does not match the expected format')}`,
    );
  }
}

function numberChecks(type: TypeName, node: JsonSchema, x: string, path: readonly string[], lines: string[]): void {
  const safe = type === 'integer' && isSafeIntegerRange(node);
  if (typeof node.minimum === 'number' && !safe) {
    lines.push(`if (${x} < ${node.minimum}) ${issue(path, `must be at least ${node.minimum}`)}`);
  }
  if (typeof node.maximum === 'number' && !safe) {
    lines.push(`if (${x} > ${node.maximum}) ${issue(path, `must be at most ${node.maximum}`)}`);
  }
  if (typeof node.exclusiveMinimum === 'number') {
    lines.push(`if (${x} <= ${node.exclusiveMinimum}) ${issue(path, `must be greater than ${node.exclusiveMinimum}`)}`);
  }
  if (typeof node.exclusiveMaximum === 'number') {
    lines.push(`if (${x} >= ${node.exclusiveMaximum}) ${issue(path, `must be less than ${node.exclusiveMaximum}`)}`);
  }
  const step = node.multipleOf;
  if (typeof step === 'number' && step > 0) {
    const test = Number.isInteger(step)
      ? `${x} % ${step} !== 0`
      : `Math.abs(${x} / ${step} - Math.round(${x} / ${step})) > 1e-9`;
    lines.push(`if (${test}) ${issue(path, `must be a multiple of ${step}`)}`);
  }
}

function arrayChecks(scope: Scope, node: JsonSchema, x: string, path: readonly string[], lines: string[]): void {
  if (typeof node.minItems === 'number' && node.minItems > 0) {
    lines.push(`if (${x}.length < ${node.minItems}) ${issue(path, `must have at least ${node.minItems} items`)}`);
  }
  if (typeof node.maxItems === 'number') {
    lines.push(`if (${x}.length > ${node.maxItems}) ${issue(path, `must have at most ${node.maxItems} items`)}`);
  }
  const prefix = Array.isArray(node.prefixItems) ? (node.prefixItems as Node[]) : [];
  prefix.forEach((item, index) => {
    const v = fresh(scope, 'v');
    const inner: string[] = [];
    check(scope, item, v, [...path, String(index)], inner);
    if (inner.length === 0) return;
    lines.push(`if (${x}.length > ${index}) {`, `const ${v}: unknown = ${x}[${index}];`, ...inner, '}');
  });
  const items = node.items as Node | undefined;
  if (items === false && prefix.length > 0) {
    lines.push(`if (${x}.length > ${prefix.length}) ${issue(path, `must have at most ${prefix.length} items`)}`);
  } else if (items !== undefined && items !== true && !isEmptyObject(items)) {
    const i = fresh(scope, 'i');
    const v = fresh(scope, 'v');
    const inner: string[] = [];
    check(scope, items, v, [...path, i], inner);
    lines.push(
      `for (let ${i} = ${prefix.length}; ${i} < ${x}.length; ${i}++) {`,
      `const ${v}: unknown = ${x}[${i}];`,
      ...inner,
      '}',
    );
  }
}

function objectChecks(scope: Scope, node: JsonSchema, x: string, path: readonly string[], lines: string[]): void {
  const properties = (node.properties ?? {}) as Record<string, Node>;
  const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
  const o = fresh(scope, 'o');
  const body: string[] = [];
  for (const [key, schema] of Object.entries(properties)) {
    const v = fresh(scope, 'v');
    const inner: string[] = [];
    const at = [...path, quote(key)];
    check(scope, schema, v, at, inner);
    if (!required.has(key) && inner.length === 0) continue;
    body.push(`const ${v} = ${member(o, key)};`);
    if (required.has(key)) {
      body.push(`if (${v} === undefined) ${issue(at, 'is required')}`, ...inner);
    } else {
      body.push(`if (${v} !== undefined) {`, ...inner, '}');
    }
  }
  for (const key of required) {
    if (key in properties) continue;
    body.push(`if (${member(o, key)} === undefined) ${issue([...path, quote(key)], 'is required')}`);
  }
  if (typeof node.minProperties === 'number' && node.minProperties > 0) {
    body.push(
      `if (Object.keys(${o}).length < ${node.minProperties}) ${issue(path, `must have at least ${node.minProperties} properties`)}`,
    );
  }
  if (typeof node.maxProperties === 'number') {
    body.push(
      `if (Object.keys(${o}).length > ${node.maxProperties}) ${issue(path, `must have at most ${node.maxProperties} properties`)}`,
    );
  }
  const additional = node.additionalProperties as Node | undefined;
  const names = node.propertyNames as Node | undefined;
  const checksValues =
    additional !== undefined && additional !== false && additional !== true && !isEmptyObject(additional);
  const nameLines: string[] = [];
  const k = fresh(scope, 'k');
  if (names !== undefined && typeof names === 'object') {
    // Only what a key can fail: its string checks and enum (keys are always strings; the string checks are emitted
    // under the type, so it stays when there are some).
    const { type: _type, ...rest } = names;
    check(scope, hasStringKeywords(names) ? { ...rest, type: 'string' } : rest, k, [...path, k], nameLines);
  }
  if (checksValues || nameLines.length) {
    const known = Object.keys(properties);
    const v = fresh(scope, 'v');
    const inner: string[] = [];
    if (checksValues) check(scope, additional, v, [...path, k], inner);
    body.push(`for (const ${k} in ${o}) {`);
    if (known.length) body.push(`if (${known.map((name) => `${k} === ${quote(name)}`).join(' || ')}) continue;`);
    body.push(...nameLines);
    if (inner.length) body.push(`const ${v} = ${o}[${k}];`, ...inner);
    body.push('}');
  }
  if (body.length === 0) return;
  lines.push(`const ${o} = ${x} as Record<string, unknown>;`, ...body);
}
