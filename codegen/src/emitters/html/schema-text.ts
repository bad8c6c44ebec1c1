import { isObject } from '../../ir/is-object.js';
import type { JsonSchema } from '../../ir/types.js';

/** Formats JSON Schema 2020-12 defines (plus `uuid`-like ones everybody knows). */
const STANDARD_FORMATS = new Set([
  'date-time',
  'date',
  'time',
  'duration',
  'email',
  'idn-email',
  'hostname',
  'idn-hostname',
  'ipv4',
  'ipv6',
  'uri',
  'uri-reference',
  'iri',
  'iri-reference',
  'uuid',
  'uri-template',
  'json-pointer',
  'relative-json-pointer',
  'regex',
]);

function literal(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value));
}

/**
 * The validation keywords of one schema level as short phrases (`>= 1`, `max length 64`, `format uuid`), for the
 * HTML tables and the AsyncAPI parameter descriptions. Type, enum and nesting are rendered elsewhere.
 */
export function constraintPhrases(schema: JsonSchema): string[] {
  const out: string[] = [];
  const num = (key: string, text: string) => {
    const value = schema[key];
    // zod bounds every int() by the safe-integer range: noise, not a contract.
    if (typeof value === 'number' && Math.abs(value) !== Number.MAX_SAFE_INTEGER) out.push(`${text} ${value}`);
  };
  num('minimum', '>=');
  num('exclusiveMinimum', '>');
  num('maximum', '<=');
  num('exclusiveMaximum', '<');
  num('multipleOf', 'multiple of');
  num('minLength', 'min length');
  num('maxLength', 'max length');
  num('minItems', 'min items');
  num('maxItems', 'max items');
  num('minProperties', 'min properties');
  num('maxProperties', 'max properties');
  // zod writes a pattern next to every standard format (the long ISO datetime regex...): the format says it better.
  // Its own formats (starts_with, regex...) are implementation names: the pattern is what the reader needs.
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  const standardFormat = format !== undefined && STANDARD_FORMATS.has(format);
  if (typeof schema.pattern === 'string' && !standardFormat) out.push(`pattern ${schema.pattern}`);
  if (format !== undefined && (standardFormat || typeof schema.pattern !== 'string')) out.push(`format ${format}`);
  if (schema.uniqueItems === true) out.push('unique items');
  if (schema.default !== undefined) out.push(`default ${literal(schema.default)}`);
  if (typeof schema.contentMediaType === 'string') out.push(`media type ${schema.contentMediaType}`);
  return out;
}

/** A one-line type name of a schema level: `string`, `integer`, `array of object`, `"a" | "b"`, `string | null`. */
export function typeName(schema: unknown, resolve?: (ref: string) => JsonSchema | undefined): string {
  if (schema === true || (isObject(schema) && Object.keys(schema).length === 0)) return 'any';
  if (schema === false) return 'never';
  if (!isObject(schema)) return 'any';
  if (typeof schema.$ref === 'string') {
    const target = resolve?.(schema.$ref);
    const title = typeof target?.title === 'string' ? target.title : undefined;
    return title ?? (target ? typeName(target) : schema.$ref.replace(/^.*\//, ''));
  }
  if ('const' in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map(literal).join(' | ');
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) {
      const names = list.map((s) => typeName(s, resolve));
      const distinct = [...new Set(names)];
      return distinct.length === 1 && names.length > 1
        ? `one of ${names.length} ${distinct[0]} variants`
        : names.join(' | ');
    }
  }
  if (Array.isArray(schema.allOf)) return schema.allOf.map((s) => typeName(s, resolve)).join(' & ');
  const types = Array.isArray(schema.type) ? schema.type : typeof schema.type === 'string' ? [schema.type] : [];
  if (types.length === 0) return isObject(schema.properties) ? 'object' : 'any';
  return types
    .map((t) => {
      if (t === 'array') {
        if (Array.isArray(schema.prefixItems))
          return `[${schema.prefixItems.map((s) => typeName(s, resolve)).join(', ')}]`;
        return schema.items === undefined ? 'array' : `array of ${typeName(schema.items, resolve)}`;
      }
      if (t === 'object' && !isObject(schema.properties) && isObject(schema.additionalProperties)) {
        return `record of ${typeName(schema.additionalProperties, resolve)}`;
      }
      return String(t);
    })
    .join(' | ');
}

/** `string, min length 1, max length 64`: a type name and its constraints, for plain-text descriptions. */
export function schemaSummary(schema: JsonSchema): string {
  return [typeName(schema), ...constraintPhrases(schema)].join(', ');
}
