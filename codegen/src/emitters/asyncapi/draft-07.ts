import { isObject } from '../../ir/is-object.js';
import type { JsonSchema } from '../../ir/types.js';

const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples', 'example']);
/** Keywords whose value is one subschema. */
const SUBSCHEMA = new Set([
  'additionalProperties',
  'propertyNames',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'items',
  'additionalItems',
  'contentSchema',
]);
/** Keywords whose value is a list of subschemas. */
const SUBSCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords whose value maps names to subschemas. */
const SUBSCHEMA_MAP = new Set(['properties', 'patternProperties', 'definitions', 'dependentSchemas']);
/** 2020-12 keywords with no draft-07 meaning: dropped (the IR schema stays the precise one, in OpenAPI). */
const DROPPED = new Set([
  '$schema',
  '$id',
  '$anchor',
  '$dynamicAnchor',
  '$dynamicRef',
  '$vocabulary',
  '$comment',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contentSchema',
  'minContains',
  'maxContains',
]);

/**
 * Rewrites a JSON Schema 2020-12 (already embedded: no `$defs`) as the draft-07 dialect AsyncAPI 3.0's Schema
 * Object extends: `prefixItems`/`items` become `items` (list)/`additionalItems`, `dependentRequired` and
 * `dependentSchemas` become `dependencies`, keywords draft-07 lacks are dropped.
 */
export function toDraft07(schema: unknown): unknown {
  if (typeof schema === 'boolean') return schema;
  if (!isObject(schema)) return schema;
  const out: JsonSchema = {};
  const dependencies: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key)) continue;
    if (DATA_KEYWORDS.has(key)) out[key] = structuredClone(value);
    else if (key === 'prefixItems' && Array.isArray(value)) {
      out.items = value.map(toDraft07);
      if (schema.items !== undefined) out.additionalItems = toDraft07(schema.items);
    } else if (key === 'items' && Array.isArray(schema.prefixItems)) {
      // handled with prefixItems
    } else if (key === 'dependentRequired' && isObject(value)) Object.assign(dependencies, structuredClone(value));
    else if (key === 'dependentSchemas' && isObject(value)) {
      for (const [name, sub] of Object.entries(value)) dependencies[name] = toDraft07(sub);
    } else if (SUBSCHEMA.has(key)) out[key] = toDraft07(value);
    else if (SUBSCHEMA_LIST.has(key) && Array.isArray(value)) out[key] = value.map(toDraft07);
    else if (SUBSCHEMA_MAP.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toDraft07(sub)]));
    } else out[key] = structuredClone(value);
  }
  if (Object.keys(dependencies).length > 0) out.dependencies = dependencies;
  return out;
}
