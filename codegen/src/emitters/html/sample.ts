import { isObject } from '../../ir/is-object.js';
import type { JsonSchema } from '../../ir/types.js';

/** A candidate that `pattern` accepts, when a simple variant of `base` does (as is, lower case, literal prefix). */
function matchPattern(pattern: string, base: string): string {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return base;
  }
  const prefix = /^\^([A-Za-z0-9 _:/-]+)/.exec(pattern)?.[1] ?? '';
  const candidates = [base, base.toLowerCase(), `${prefix}${base}`, `${prefix}${base.toLowerCase()}`];
  return candidates.find((c) => re.test(c)) ?? base;
}

/**
 * A plausible value for a schema, for the copy-paste client snippets: its example, default, const or first enum
 * value, else a value of its type that respects simple bounds. `$ref`s are followed through `resolve`, `depth` stops
 * recursive schemas.
 */
export function sampleValue(
  schema: unknown,
  resolve: (ref: string) => JsonSchema | undefined,
  name = 'value',
  depth = 0,
): unknown {
  if (!isObject(schema) || depth > 4) return null;
  if (typeof schema.$ref === 'string') {
    const target = resolve(schema.$ref);
    return target ? sampleValue(target, resolve, name, depth + 1) : null;
  }
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) {
      const first = list.find((s) => !(isObject(s) && s.type === 'null')) ?? list[0];
      return sampleValue(first, resolve, name, depth + 1);
    }
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'uuid') return '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
      if (schema.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/';
      if (schema.format === 'email') return 'ada@example.com';
      const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
      const base = name.length >= min ? name : name.padEnd(min, 'x');
      return typeof schema.pattern === 'string' ? matchPattern(schema.pattern, base) : base;
    }
    case 'integer':
    case 'number': {
      if (typeof schema.minimum === 'number') return schema.minimum;
      if (typeof schema.exclusiveMinimum === 'number')
        return type === 'integer' ? Math.floor(schema.exclusiveMinimum) + 1 : schema.exclusiveMinimum + 1;
      if (typeof schema.maximum === 'number' && schema.maximum < 1) return schema.maximum;
      return 1;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      if (Array.isArray(schema.prefixItems))
        return schema.prefixItems.map((s, i) => sampleValue(s, resolve, `${name}${i}`, depth + 1));
      const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
      return Array.from({ length: Math.min(Math.max(min, 1), 3) }, () =>
        sampleValue(schema.items, resolve, name, depth + 1),
      );
    }
    case 'object': {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required : [];
      const out: Record<string, unknown> = {};
      for (const [key, sub] of Object.entries(properties)) {
        if (required.includes(key)) out[key] = sampleValue(sub, resolve, key, depth + 1);
      }
      return out;
    }
    default:
      return null;
  }
}
