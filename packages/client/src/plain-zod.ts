/**
 * A zod 4 schema that a generated function can check exactly, described as plain data: what `ssekit generate` compiles
 * into a zod-mode client's fast path (`createZodFastPathDecoder`).
 *
 * Only what JSON can carry and what zod checks the same way in every zod 4 release is described: strings (length
 * checks), finite numbers (`int()`, `gt`/`gte`/`lt`/`lte`), booleans, `null`, `any`/`unknown`, primitive literals and
 * string enums, `optional`, `nullable`, arrays (length checks), strip or strict objects, unions and discriminated
 * unions of objects. A `transform`, `refine`, `default`, `pipe`, string format or pattern, loose object, `lazy` or
 * anything else leaves the schema undescribed, and zod alone checks it. (zod releases count a string's length
 * differently, in UTF-16 units before 4.6 and in code points since: the compiled check leaves a string on which the
 * two counts disagree to zod.)
 */
export type PlainZodNode =
  | { readonly kind: 'boolean' | 'null' | 'any' }
  | { readonly kind: 'string'; readonly checks: readonly LengthCheck[] }
  | { readonly kind: 'number'; readonly checks: readonly NumberCheck[] }
  | { readonly kind: 'values'; readonly values: readonly (string | number | boolean | null)[] }
  | { readonly kind: 'optional' | 'nullable'; readonly of: PlainZodNode }
  | { readonly kind: 'array'; readonly of: PlainZodNode; readonly checks: readonly LengthCheck[] }
  | { readonly kind: 'object'; readonly strict: boolean; readonly properties: readonly PlainZodProperty[] }
  | { readonly kind: 'union'; readonly of: readonly PlainZodNode[] };

/** One key of a {@link PlainZodNode} object: its name, its schema, and whether it may be absent. */
export interface PlainZodProperty {
  readonly key: string;
  readonly optional: boolean;
  readonly schema: PlainZodNode;
}

/** `['int']`, or a bound: `['>', 0, false]` is `gt(0)`, `['<', 10, true]` is `lte(10)`. */
export type NumberCheck = readonly ['int'] | readonly ['>' | '<', number, boolean];
/** A string or array length bound: `['min', 1]`, `['max', 10]`, `['length', 3]`. */
export type LengthCheck = readonly ['min' | 'max' | 'length', number];

type Def = Record<string, unknown> & { type: string };
interface ZodLike {
  _zod: { def: Def; optin?: unknown; optout?: unknown };
}

const COMMON = ['type', 'checks', 'error'];
const CHECK_KEYS = ['check', 'abort', 'error', 'type'];
const LENGTH_CHECKS: Readonly<Record<string, [LengthCheck[0], string]>> = {
  min_length: ['min', 'minimum'],
  max_length: ['max', 'maximum'],
  length_equals: ['length', 'length'],
};

function isZod(value: unknown): value is ZodLike {
  const internals = (value as { _zod?: { def?: unknown } } | null)?._zod;
  return typeof internals?.def === 'object' && internals.def !== null;
}

function onlyKeys(object: object, allowed: readonly string[]): boolean {
  return Object.keys(object).every((key) => allowed.includes(key));
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || Number.isFinite(value);
}

/** The checks of a def: its `checks`, and the def itself when it is one (`z.int()`). */
function checksOf(def: Def): Def[] | undefined {
  const checks = def.checks === undefined ? [] : def.checks;
  if (!Array.isArray(checks)) return undefined;
  const defs: Def[] = 'check' in def ? [def] : [];
  for (const check of checks) {
    if (!isZod(check)) return undefined;
    defs.push(check._zod.def);
  }
  return defs;
}

function numberNode(def: Def): PlainZodNode | undefined {
  const own = 'check' in def ? ['check', 'abort', 'format'] : [];
  const checks = checksOf(def);
  if (!checks || !onlyKeys(def, [...COMMON, ...own])) return undefined;
  const out: NumberCheck[] = [];
  for (const check of checks) {
    if (check.check === 'number_format' && check.format === 'safeint' && onlyKeys(check, [...CHECK_KEYS, 'format'])) {
      out.push(['int']);
    } else if (
      (check.check === 'greater_than' || check.check === 'less_than') &&
      Number.isFinite(check.value) &&
      typeof check.inclusive === 'boolean' &&
      onlyKeys(check, [...CHECK_KEYS, 'value', 'inclusive'])
    ) {
      out.push([check.check === 'greater_than' ? '>' : '<', check.value as number, check.inclusive]);
    } else return undefined;
  }
  return { kind: 'number', checks: out };
}

/** The length bounds of a string or array def, or `undefined` when it has another check. */
function lengthChecks(def: Def): LengthCheck[] | undefined {
  const checks = checksOf(def);
  if (!checks || 'check' in def) return undefined;
  const out: LengthCheck[] = [];
  for (const check of checks) {
    const known = LENGTH_CHECKS[check.check as string];
    const bound = known && check[known[1]];
    // zod gives every length check its own `when` ("the value has a length"); a custom one (`z.minLength(1, { when })`)
    // may skip the check, so it leaves the schema to zod.
    const when = check.when as { name?: unknown } | undefined;
    if (when !== undefined && (typeof when !== 'function' || when.name !== '_whenHasLength')) return undefined;
    if (!known || !Number.isSafeInteger(bound) || !onlyKeys(check, [...CHECK_KEYS, 'when', known[1]])) return undefined;
    out.push([known[0], bound as number]);
  }
  return out;
}

function arrayNode(def: Def, seen: Set<ZodLike>): PlainZodNode | undefined {
  const checks = lengthChecks(def);
  const of = describe(def.element, seen);
  if (!checks || !of || !onlyKeys(def, [...COMMON, 'element'])) return undefined;
  return { kind: 'array', of, checks };
}

function objectNode(def: Def, seen: Set<ZodLike>): PlainZodNode | undefined {
  const catchall = def.catchall;
  const strict = isZod(catchall) && catchall._zod.def.type === 'never' && onlyKeys(catchall._zod.def, COMMON);
  if ((catchall !== undefined && !strict) || checksOf(def)?.length !== 0) return undefined;
  if (!onlyKeys(def, [...COMMON, 'shape', 'catchall'])) return undefined;
  const shape = def.shape as Record<string, unknown>;
  if (typeof shape !== 'object' || shape === null || Object.getOwnPropertySymbols(shape).length) return undefined;
  const properties: PlainZodProperty[] = [];
  for (const key of Object.keys(shape)) {
    const field = shape[key];
    // A key `Object.prototype` has (`__proto__`, `toString`…) is read through the prototype: left to zod.
    if (key in Object.prototype || !isZod(field)) return undefined;
    const { optin, optout } = field._zod;
    const optional = optin === 'optional' && optout === 'optional';
    const schema = describe(field, seen);
    if (!schema || (!optional && (optin !== undefined || optout !== undefined))) return undefined;
    properties.push({ key, optional, schema });
  }
  return { kind: 'object', strict, properties };
}

function unionNode(def: Def, seen: Set<ZodLike>): PlainZodNode | undefined {
  const options = def.options;
  if (!Array.isArray(options) || options.length === 0 || checksOf(def)?.length !== 0) return undefined;
  const of = options.map((option) => describe(option, seen));
  if (of.some((node) => node === undefined)) return undefined;
  const { discriminator } = def;
  // A plain union takes the first option that accepts; `z.xor` (`inclusive: false`) needs exactly one: left to zod.
  if (discriminator === undefined)
    return onlyKeys(def, [...COMMON, 'options']) ? { kind: 'union', of: of as PlainZodNode[] } : undefined;
  // A discriminated union picks its option by the tag. With every option an object whose tag is a required set of
  // values, no two options sharing one, the first option that accepts is the one the tag picks.
  if (!onlyKeys(def, [...COMMON, 'options', 'discriminator', 'inclusive']) || def.inclusive !== false) return undefined;
  const tags: unknown[] = [];
  for (const node of of) {
    const tag = node?.kind === 'object' ? node.properties.find((p) => p.key === discriminator) : undefined;
    if (!tag || tag.optional || tag.schema.kind !== 'values') return undefined;
    tags.push(...tag.schema.values);
  }
  return new Set(tags).size === tags.length ? { kind: 'union', of: of as PlainZodNode[] } : undefined;
}

function describe(schema: unknown, seen: Set<ZodLike>): PlainZodNode | undefined {
  if (!isZod(schema) || seen.has(schema)) return undefined;
  seen.add(schema);
  try {
    const def = schema._zod.def;
    switch (def.type) {
      case 'string': {
        const checks = lengthChecks(def);
        return checks && onlyKeys(def, COMMON) ? { kind: 'string', checks } : undefined;
      }
      case 'boolean':
      case 'null':
        return checksOf(def)?.length === 0 && onlyKeys(def, COMMON) ? { kind: def.type } : undefined;
      case 'any':
      case 'unknown':
        return checksOf(def)?.length === 0 && onlyKeys(def, COMMON) ? { kind: 'any' } : undefined;
      case 'number':
        return numberNode(def);
      case 'literal':
      case 'enum': {
        const values = def.type === 'literal' ? def.values : Object.values((def.entries ?? {}) as object);
        if (!Array.isArray(values) || !values.length || checksOf(def)?.length !== 0) return undefined;
        // An enum of strings only: a numeric TypeScript enum's reverse keys are zod's business.
        const fits = def.type === 'literal' ? values.every(isPrimitive) : values.every((v) => typeof v === 'string');
        return fits && onlyKeys(def, [...COMMON, def.type === 'literal' ? 'values' : 'entries'])
          ? { kind: 'values', values }
          : undefined;
      }
      case 'optional':
      case 'nullable': {
        const of = describe(def.innerType, seen);
        return of && checksOf(def)?.length === 0 && onlyKeys(def, [...COMMON, 'innerType'])
          ? { kind: def.type, of }
          : undefined;
      }
      case 'array':
        return arrayNode(def, seen);
      case 'object':
        return objectNode(def, seen);
      case 'union':
        return unionNode(def, seen);
      default:
        return undefined;
    }
  } finally {
    // The same schema may sit at two places of a tree; only a cycle (a `lazy` getter cannot make one here) must stop.
    seen.delete(schema);
  }
}

/**
 * Describes a zod 4 schema that a generated function can check exactly (see {@link PlainZodNode}), or `undefined`
 * when only zod can check it. `ssekit generate` compiles the description into a zod-mode client's fast path; browser
 * bundles do not carry this function.
 *
 * @example
 * ```ts
 * describePlainZod(z.object({ id: z.number().int() }));
 * // { kind: 'object', strict: false, properties: [{ key: 'id', optional: false, schema: { kind: 'number', checks: [['int']] } }] }
 * describePlainZod(z.string().transform(Number)); // undefined
 * ```
 */
export function describePlainZod(schema: unknown): PlainZodNode | undefined {
  return describe(schema, new Set());
}
