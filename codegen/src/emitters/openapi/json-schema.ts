import { isObject } from '../../ir/is-object.js';
import type { JsonSchema } from '../../ir/types.js';

/** Keywords whose values are data, not subschemas: never rewrite `$ref`-looking strings inside them. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples', 'example']);

/** Component names both OpenAPI and AsyncAPI accept. */
export function componentName(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._-]/g, '_');
  return cleaned === '' ? '_' : cleaned;
}

/** Deep copy of JSON-like data, `$ref` strings passed through `mapRef` outside data keywords. */
function rewrite(value: unknown, mapRef: (ref: string) => string, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, mapRef));
  if (!isObject(value)) return value;
  if (key !== undefined && DATA_KEYWORDS.has(key)) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string') out[k] = mapRef(v);
    else if (DATA_KEYWORDS.has(k)) out[k] = structuredClone(v);
    else out[k] = rewrite(v, mapRef, k);
  }
  return out;
}

function hasRootRef(value: unknown, key?: string): boolean {
  if (key !== undefined && DATA_KEYWORDS.has(key)) return false;
  if (Array.isArray(value)) return value.some((item) => hasRootRef(item));
  if (!isObject(value)) return false;
  return Object.entries(value).some(([k, v]) => (k === '$ref' && v === '#') || hasRootRef(v, k));
}

/**
 * Where hoisted schemas go: a document's `components.schemas`, shared by all events of a document so equal
 * named definitions (zod `.meta({ id })`) are written once.
 */
export class SchemaComponents {
  readonly schemas = new Map<string, JsonSchema>();
  constructor(readonly refBase: string) {}

  ref(name: string): JsonSchema {
    return { $ref: `${this.refBase}${name}` };
  }

  /** The name {@link add} would pick, without adding: `wanted`, else `fallback`, else `fallback_2`... */
  choose(wanted: string, schema: JsonSchema, fallback: string): string {
    const json = JSON.stringify(schema);
    for (const candidate of [componentName(wanted), componentName(fallback)]) {
      const existing = this.schemas.get(candidate);
      if (existing === undefined || JSON.stringify(existing) === json) return candidate;
    }
    let n = 2;
    while (this.schemas.has(`${componentName(fallback)}_${n}`)) n++;
    return `${componentName(fallback)}_${n}`;
  }

  /** Adds a schema under {@link choose}'s name (reusing an equal schema already there) and returns that name. */
  add(wanted: string, schema: JsonSchema, fallback: string): string {
    const name = this.choose(wanted, schema, fallback);
    if (!this.schemas.has(name)) this.schemas.set(name, schema);
    return name;
  }

  /** Name-sorted entries, so the output does not depend on insertion order of shared definitions. */
  sorted(): [string, JsonSchema][] {
    return [...this.schemas.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/**
 * Makes one IR schema (a standalone JSON Schema whose `$ref`s point at its own root and `$defs`) safe to embed in a
 * bigger document: `$defs` move to `components`, refs are rewritten, `$schema` is dropped. A schema that refers to
 * its own root (`$ref: '#'`, zod's recursion) is itself moved to `components` under `name` and returned as a ref.
 */
export function embedSchema(schema: JsonSchema, name: string, components: SchemaComponents): JsonSchema {
  const { $schema: _dialect, $defs, ...root } = schema;
  const defs = isObject($defs) ? $defs : {};
  const rootName = hasRootRef(root) ? componentName(name) : undefined;
  const wanted = new Map<string, string>();
  for (const defName of Object.keys(defs))
    wanted.set(defName, defName.startsWith('__') ? `${name}${defName}` : defName);
  let names = new Map<string, string>([...wanted].map(([defName, want]) => [defName, componentName(want)]));
  const mapRef = (ref: string): string => {
    if (ref === '#' && rootName !== undefined) return `${components.refBase}${rootName}`;
    const match = /^#\/\$defs\/([^/]+)(.*)$/.exec(ref);
    const defName = match?.[1] === undefined ? undefined : decodePointer(match[1]);
    const target = defName === undefined ? undefined : names.get(defName);
    return target === undefined ? ref : `${components.refBase}${target}${match?.[2] ?? ''}`;
  };
  // A definition's final name depends on its body (equal bodies share a name), and bodies hold the names of the
  // definitions they refer to: iterate to a fixed point (two rounds unless names collide in chains).
  let bodies = new Map<string, JsonSchema>();
  for (let round = 0; round < 8; round++) {
    bodies = new Map([...wanted.keys()].map((defName) => [defName, rewrite(defs[defName], mapRef) as JsonSchema]));
    const next = new Map(
      [...wanted].map(([defName, want]) => [
        defName,
        components.choose(want, bodies.get(defName) ?? {}, `${name}.${defName}`),
      ]),
    );
    const stable = [...next].every(([defName, chosen]) => names.get(defName) === chosen);
    names = next;
    if (stable) break;
  }
  for (const [defName, body] of bodies) components.add(names.get(defName) ?? defName, body, `${name}.${defName}`);
  const body = rewrite(root, mapRef) as JsonSchema;
  if (rootName === undefined) return body;
  return components.ref(components.add(rootName, body, `${name}.root`));
}

function decodePointer(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Resolves a `#/$defs/...` or `#` ref inside one IR schema, for readers that walk schemas (the HTML tables). */
export function resolveLocalRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const part = decodePointer(raw);
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return isObject(node) ? node : undefined;
}
