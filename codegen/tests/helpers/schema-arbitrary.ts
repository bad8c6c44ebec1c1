import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { compileValidator, ValidatorModule } from '../../src/emitters/client/standalone-validator.ts';
import type { JsonSchema } from '../../src/ir/types.ts';

type Node = JsonSchema | boolean;

/**
 * Values for a JSON Schema (the subset `z.toJSONSchema` writes): mostly valid ones, recursion cut at `depth`
 * (where it may produce an invalid value: fine for verdict comparisons). Unknown shapes give any JSON value.
 */
export function schemaArbitrary(schema: JsonSchema, depth = 3): fc.Arbitrary<unknown> {
  const defs = (schema.$defs ?? {}) as Record<string, Node>;
  const go = (node: Node, level: number): fc.Arbitrary<unknown> => {
    if (node === true) return fc.jsonValue({ maxDepth: 2 });
    if (node === false) return fc.constant(undefined);
    if (typeof node.$ref === 'string') {
      if (level >= depth) return fc.constant(null);
      if (node.$ref === '#') return go(schema, level + 1);
      const def = /^#\/\$defs\/(.+)$/.exec(node.$ref)?.[1];
      return def !== undefined && defs[decodeURIComponent(def)] !== undefined
        ? go(defs[decodeURIComponent(def)]!, level + 1)
        : fc.jsonValue({ maxDepth: 2 });
    }
    if ('const' in node) return fc.constant(node.const);
    if (Array.isArray(node.enum) && node.enum.length > 0) return fc.constantFrom(...node.enum);
    const variants = (node.anyOf ?? node.oneOf) as Node[] | undefined;
    if (Array.isArray(variants) && variants.length > 0) return fc.oneof(...variants.map((v) => go(v, level)));
    if (Array.isArray(node.allOf) && node.allOf.length > 0) {
      return fc
        .tuple(...(node.allOf as Node[]).map((v) => go(v, level)))
        .map((parts) =>
          parts.every((p) => p !== null && typeof p === 'object' && !Array.isArray(p))
            ? Object.assign({}, ...parts)
            : parts[0],
        );
    }
    const types = Array.isArray(node.type) ? (node.type as string[]) : typeof node.type === 'string' ? [node.type] : [];
    if (types.length === 0) return fc.jsonValue({ maxDepth: 2 });
    return fc.oneof(...types.map((type) => typed(type, node, level)));
  };
  const typed = (type: string, node: JsonSchema, level: number): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'string': {
        if (typeof node.pattern === 'string') {
          return fc.stringMatching(new RegExp(node.pattern)).filter((s) => {
            const min = typeof node.minLength === 'number' ? node.minLength : 0;
            const max = typeof node.maxLength === 'number' ? node.maxLength : Number.POSITIVE_INFINITY;
            return s.length >= min && s.length <= max;
          });
        }
        return fc.string({
          minLength: typeof node.minLength === 'number' ? node.minLength : 0,
          maxLength: typeof node.maxLength === 'number' ? node.maxLength : 12,
        });
      }
      case 'integer':
      case 'number': {
        const min =
          typeof node.minimum === 'number'
            ? node.minimum
            : typeof node.exclusiveMinimum === 'number'
              ? node.exclusiveMinimum + 1
              : -1e6;
        const max =
          typeof node.maximum === 'number'
            ? node.maximum
            : typeof node.exclusiveMaximum === 'number'
              ? node.exclusiveMaximum - 1
              : 1e6;
        const lo = Math.max(Math.ceil(min), Number.MIN_SAFE_INTEGER);
        const hi = Math.min(Math.floor(max), Number.MAX_SAFE_INTEGER);
        const int = fc.integer({ min: Math.min(lo, hi), max: Math.max(lo, hi) });
        return type === 'integer'
          ? int
          : fc.oneof(
              int,
              int.map((n) => n + 0.5),
            );
      }
      case 'array': {
        const prefix = Array.isArray(node.prefixItems) ? (node.prefixItems as Node[]).map((v) => go(v, level)) : [];
        const items = node.items === undefined || node.items === false ? undefined : go(node.items as Node, level + 1);
        const rest = items
          ? fc.array(items, {
              minLength: Math.max(0, (typeof node.minItems === 'number' ? node.minItems : 0) - prefix.length),
              maxLength: level >= depth ? 0 : typeof node.maxItems === 'number' ? node.maxItems - prefix.length : 3,
            })
          : fc.constant([]);
        return fc.tuple(fc.tuple(...prefix), rest).map(([a, b]) => [...a, ...b]);
      }
      case 'object': {
        const properties = (node.properties ?? {}) as Record<string, Node>;
        const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [key, sub] of Object.entries(properties)) record[key] = go(sub, level);
        const known = fc.record(record, { requiredKeys: [...required].filter((k) => k in properties) });
        const additional = node.additionalProperties;
        if (
          additional !== undefined &&
          additional !== false &&
          additional !== true &&
          Object.keys(properties).length === 0
        ) {
          return fc.dictionary(fc.string({ maxLength: 6 }), go(additional as Node, level + 1), { maxKeys: 3 });
        }
        return known;
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  };
  return go(schema, 0);
}

/** Values at and just past the usual bounds: empty and long strings, zero, negatives, fractions, huge numbers. */
const EDGES: unknown[] = ['', 'x', 'x'.repeat(300), 0, -1, 1, 0.5, -0.5, 2 ** 31, 2 ** 53, 1e300, null, true, [], {}];

/** Near misses of a value: one leaf (or the whole value) replaced by any JSON value or an edge value, or removed. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const paths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
    if (value === null || typeof value !== 'object') return [prefix];
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    return [prefix, ...keys.flatMap((k) => paths((value as Record<string, unknown>)[k], [...prefix, k]))];
  };
  return valid
    .chain((sample) =>
      fc.tuple(
        fc.constant(sample),
        fc.constantFrom(...paths(sample)),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...EDGES)),
        fc.boolean(),
      ),
    )
    .map(([sample, path, replacement, remove]) => {
      if (path.length === 0) return replacement;
      const copy = structuredClone(sample) as Record<string | number, unknown>;
      let node: Record<string | number, unknown> = copy;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
      const last = path[path.length - 1]!;
      if (remove) delete node[last];
      else node[last] = replacement;
      return copy;
    });
}

/** A loaded standalone validator: `undefined` for valid data, else the first issue. */
export type LoadedValidator = (value: unknown) => { path?: PropertyKey[]; message: string } | undefined;

/** Emits the standalone validator of a JSON Schema (as the client emitter does), strips types and loads it. */
export function loadValidator(schema: JsonSchema): LoadedValidator {
  const module = new ValidatorModule();
  compileValidator(schema, 'checkIt', module);
  const source = [
    'type ValidationIssue = { path?: readonly PropertyKey[]; message: string };',
    ...module.constants,
    ...module.helpers(),
    ...module.functions,
  ].join('\n');
  const js = transformSync(`${source}\nreturn checkIt;`, { loader: 'ts' }).code;
  return new Function(js)() as LoadedValidator;
}
