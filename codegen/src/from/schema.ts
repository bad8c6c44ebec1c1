import { CodegenError } from '../errors.js';
import { isObject } from '../ir/is-object.js';
import type { JsonSchema } from '../ir/types.js';

/** Escapes one JSON pointer segment (`/` → `~1`, `~` → `~0`). */
export function pointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `#/a/b` + `c/d` → `#/a/b/c~1d`. */
export function childPointer(pointer: string, ...segments: (string | number)[]): string {
  return [pointer, ...segments.map((s) => pointerSegment(String(s)))].join('/');
}

/** Patterns checking the string formats a JSON Schema validator commonly checks (as zod writes them, roughly). */
const FORMAT_PATTERNS: Readonly<Record<string, string>> = {
  uuid: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  'date-time': '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$',
  date: '^\\d{4}-\\d{2}-\\d{2}$',
  time: '^\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})?$',
  email:
    "^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$",
  ipv4: '^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$',
  uri: '^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]*$',
};
/** Formats that are only annotations for a JSON Schema validator (numbers' widths are bounds, below). */
const ANNOTATION_FORMATS = new Set(['float', 'double', 'int64', 'binary', 'byte', 'password', 'string']);
const INT32 = { minimum: -2147483648, maximum: 2147483647 };

/** Keywords copied as they are (their values are data or numbers). */
const PLAIN = new Set([
  'type',
  'enum',
  'const',
  'required',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'contentMediaType',
  'contentEncoding',
]);
/** Keywords whose value is one subschema. */
const ONE = new Set(['additionalProperties', 'propertyNames']);
/** Keywords whose value is a list of subschemas. */
const LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
/** Keywords with no effect on the data's shape: dropped without a word. */
const IGNORED = new Set([
  '$schema',
  '$id',
  '$comment',
  '$anchor',
  '$defs',
  'definitions',
  'xml',
  'externalDocs',
  'example',
  'nullable',
  'discriminator',
  'contentSchema',
  'additionalItems',
  'items',
]);
/** Keywords the standalone validator cannot check: reported, then left out (validation is looser there). */
const UNSUPPORTED = new Set([
  'not',
  'if',
  'then',
  'else',
  'patternProperties',
  'dependentSchemas',
  'dependentRequired',
  'dependencies',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contains',
  'minContains',
  'maxContains',
  'uniqueItems',
  '$dynamicRef',
  '$dynamicAnchor',
  '$recursiveRef',
]);

/** What reading a document noticed without failing: each names the JSON pointer it is about. */
export interface FromWarning {
  /** JSON pointer into the document, e.g. `#/components/schemas/Pet/not`. */
  pointer: string;
  message: string;
}

/**
 * Reads the schemas of an OpenAPI or AsyncAPI document into the IR's self-contained JSON Schema (2020-12): local
 * `$ref`s are inlined, recursive ones become `$defs`; OpenAPI 3.0 `nullable`, boolean exclusive bounds and
 * `example`, draft-07 tuple `items`, `discriminator` mappings and `int32` bounds are rewritten; known string
 * `format`s get an equivalent `pattern`. What the standalone validator cannot check is reported with its pointer.
 *
 * @example
 * ```ts
 * const reader = new SchemaReader(doc, 'api.yaml');
 * const schema = reader.read(doc.components.schemas.Pet, '#/components/schemas/Pet');
 * reader.warnings; // [{ pointer: '#/components/schemas/Pet/not', message: '...' }]
 * ```
 */
export class SchemaReader {
  readonly warnings: FromWarning[] = [];
  private readonly warned = new Set<string>();
  private defs: Record<string, JsonSchema> = {};
  private defNames = new Map<string, string>();
  private stack: string[] = [];
  private recursive = new Set<string>();

  constructor(
    readonly document: unknown,
    readonly module: string,
  ) {}

  /** Reports something the document says that the client cannot honour, once per pointer and message. */
  warn(pointer: string, message: string): void {
    const key = `${pointer}\0${message}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnings.push({ pointer, message });
  }

  /** Fails with the document and pointer in the message. */
  fail(pointer: string, message: string): never {
    throw new CodegenError(`${pointer}: ${message}`, { module: this.module });
  }

  /** The value a local `$ref` (`#/...`) points at; external refs and dangling pointers are errors. */
  resolve(ref: string, at: string): unknown {
    if (!ref.startsWith('#')) this.fail(at, `external $ref "${ref}" is not supported (only refs inside the document)`);
    const path = ref.slice(1);
    if (path !== '' && !path.startsWith('/')) this.fail(at, `$ref "${ref}" is not a JSON pointer`);
    let node: unknown = this.document;
    for (const raw of path === '' ? [] : path.slice(1).split('/')) {
      const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(node)) node = node[Number(segment)];
      else if (isObject(node)) node = node[segment];
      else node = undefined;
      if (node === undefined) this.fail(at, `$ref "${ref}" points at nothing`);
    }
    return node;
  }

  /** Follows `$ref`s of a non-schema object (parameters, responses, messages...) to the object itself. */
  deref<T = Record<string, unknown>>(value: unknown, at: string): { value: T; pointer: string } {
    let pointer = at;
    let node = value;
    const seen = new Set<string>();
    while (isObject(node) && typeof node.$ref === 'string') {
      if (seen.has(node.$ref)) this.fail(pointer, `$ref cycle through "${node.$ref}"`);
      seen.add(node.$ref);
      const target = this.resolve(node.$ref, pointer);
      pointer = node.$ref;
      node = target;
    }
    return { value: node as T, pointer };
  }

  /** One root schema (event data, a request part) as a self-contained IR JSON Schema. */
  read(schema: unknown, pointer: string): JsonSchema {
    this.defs = {};
    this.defNames = new Map();
    this.stack = [];
    this.recursive = new Set();
    const root = this.node(schema, pointer);
    const out: JsonSchema = typeof root === 'boolean' ? (root ? {} : { not: {} }) : root;
    if (Object.keys(this.defs).length > 0) return { ...out, $defs: this.defs };
    return out;
  }

  /**
   * A request part (params, query, headers, body) as {@link SchemaReader.read}. The client emitter types request parts
   * without `$defs`, so a recursive one is typed `unknown` there: that is reported at its pointer, never silent.
   */
  readRequestPart(schema: unknown, pointer: string): JsonSchema {
    const out = this.read(schema, pointer);
    if (out.$defs !== undefined) {
      this.warn(
        pointer,
        'a recursive schema in a request part is typed `unknown` in the generated client (sent as given; the server validates it)',
      );
    }
    return out;
  }

  /**
   * Follows `$ref`s (with their sibling keywords) and `allOf`s of a schema and merges what they say into one flat
   * object: enough to see an event item's `event` and `data` properties. A property both parts declare becomes
   * `allOf` of the two.
   */
  view(schema: unknown, pointer: string): { schema: Record<string, unknown>; pointer: string } {
    if (!isObject(schema)) return { schema: {}, pointer };
    const parts: [unknown, string][] = [];
    let own: Record<string, unknown> = schema;
    const at = pointer;
    if (typeof schema.$ref === 'string') {
      const { $ref, ...siblings } = schema;
      const target = this.deref({ $ref }, pointer);
      if (Object.keys(siblings).length === 0) return this.view(target.value, target.pointer);
      parts.push([target.value, target.pointer]);
      own = siblings;
    }
    if (Array.isArray(own.allOf)) {
      for (const [index, part] of own.allOf.entries()) parts.push([part, childPointer(at, 'allOf', index)]);
    }
    let merged: Record<string, unknown> = { ...own };
    delete merged.allOf;
    for (const [part, partPointer] of parts) merged = mergeViews(merged, this.view(part, partPointer).schema);
    return { schema: merged, pointer: at };
  }

  private defName(ref: string): string {
    const existing = this.defNames.get(ref);
    if (existing) return existing;
    const base = (ref.split('/').pop() ?? 'def').replace(/[^A-Za-z0-9_]/g, '_') || 'def';
    let name = base;
    let n = 2;
    while ([...this.defNames.values()].includes(name)) name = `${base}_${n++}`;
    this.defNames.set(ref, name);
    return name;
  }

  private node(schema: unknown, pointer: string): JsonSchema | boolean {
    if (typeof schema === 'boolean') return schema;
    if (!isObject(schema)) this.fail(pointer, `expected a schema object, got ${JSON.stringify(schema)}`);
    if (typeof schema.$ref === 'string') return this.ref(schema, pointer);
    const out: JsonSchema = {};
    for (const [key, value] of Object.entries(schema)) {
      const at = childPointer(pointer, key);
      if (key.startsWith('x-')) continue;
      if (PLAIN.has(key)) out[key] = structuredClone(value);
      else if (ONE.has(key)) out[key] = this.node(value, at);
      else if (LIST.has(key) && Array.isArray(value)) out[key] = value.map((v, i) => this.node(v, childPointer(at, i)));
      else if (key === 'properties' && isObject(value)) {
        out.properties = Object.fromEntries(
          Object.entries(value).map(([name, sub]) => [name, this.node(sub, childPointer(at, name))]),
        );
      } else if (key === 'format') out.format = value;
      else if (key === 'not' && isObject(value) && Object.keys(value).length === 0) out.not = {};
      else if (UNSUPPORTED.has(key)) {
        this.warn(at, `\`${key}\` is not checked by the generated validator (left out: validation is looser here)`);
      } else if (!IGNORED.has(key)) this.warn(at, `unknown keyword \`${key}\` ignored`);
    }
    // Tuples and arrays: 2020-12 `prefixItems`/`items`, or draft-07 `items: [..]` + `additionalItems`.
    if (Array.isArray(schema.items)) {
      out.prefixItems = schema.items.map((v, i) => this.node(v, childPointer(pointer, 'items', i)));
      if (schema.additionalItems !== undefined) {
        out.items = this.node(schema.additionalItems, childPointer(pointer, 'additionalItems'));
      }
    } else if (schema.items !== undefined) out.items = this.node(schema.items, childPointer(pointer, 'items'));
    if (schema.contentSchema !== undefined) {
      out.contentSchema = this.node(schema.contentSchema, childPointer(pointer, 'contentSchema'));
    }
    if (schema.example !== undefined && out.examples === undefined) out.examples = [structuredClone(schema.example)];
    // OpenAPI 3.0: boolean exclusive bounds qualify minimum/maximum.
    for (const [flag, bound] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof out[flag] === 'boolean') {
        if (out[flag] === true && typeof out[bound] === 'number') {
          out[flag] = out[bound];
          delete out[bound];
        } else delete out[flag];
      }
    }
    this.format(out, pointer);
    if (Array.isArray(out.allOf)) simplifyAllOf(out);
    if (schema.discriminator !== undefined) this.discriminator(schema, out, pointer);
    if (schema.nullable === true) return nullable(out);
    return out;
  }

  private format(out: JsonSchema, pointer: string): void {
    const format = out.format;
    if (typeof format !== 'string') return;
    const types = Array.isArray(out.type) ? out.type : [out.type];
    if (format === 'int32' && (types.includes('integer') || types.includes('number'))) {
      if (out.minimum === undefined && out.exclusiveMinimum === undefined) out.minimum = INT32.minimum;
      if (out.maximum === undefined && out.exclusiveMaximum === undefined) out.maximum = INT32.maximum;
      return;
    }
    if (ANNOTATION_FORMATS.has(format)) return;
    const pattern = FORMAT_PATTERNS[format];
    if (pattern !== undefined) {
      if (out.pattern === undefined) out.pattern = pattern;
      return;
    }
    if (out.pattern === undefined) {
      this.warn(childPointer(pointer, 'format'), `format "${format}" is not checked by the generated validator`);
    }
  }

  /** OpenAPI `discriminator` on a `oneOf`/`anyOf` of refs: each variant gets its tag as a `const` (or `enum`). */
  private discriminator(schema: Record<string, unknown>, out: JsonSchema, pointer: string): void {
    const at = childPointer(pointer, 'discriminator');
    const d = schema.discriminator;
    const variants = (
      Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined
    ) as unknown[] | undefined;
    const key = Array.isArray(schema.oneOf) ? 'oneOf' : 'anyOf';
    if (!isObject(d) || typeof d.propertyName !== 'string' || !variants) {
      this.warn(at, '`discriminator` outside a oneOf/anyOf is not honoured (the variants are tried in turn)');
      return;
    }
    const property = d.propertyName;
    const mapping = isObject(d.mapping) ? (d.mapping as Record<string, string>) : {};
    const converted = out[key] as (JsonSchema | boolean)[];
    out[key] = variants.map((variant, index) => {
      const ref = isObject(variant) && typeof variant.$ref === 'string' ? variant.$ref : undefined;
      if (ref === undefined) {
        this.warn(childPointer(pointer, key, index), 'a discriminated variant without $ref has no tag: tried as is');
        return converted[index]!;
      }
      const name = ref.split('/').pop()!;
      const tags = Object.entries(mapping)
        .filter(([, target]) => target === ref || target === name || target.endsWith(`/${name}`))
        .map(([tag]) => tag);
      if (tags.length === 0) tags.push(name);
      const tag: JsonSchema = tags.length === 1 ? { const: tags[0] } : { enum: tags };
      return { allOf: [converted[index]!, { type: 'object', properties: { [property]: tag }, required: [property] }] };
    });
  }

  private ref(schema: Record<string, unknown>, pointer: string): JsonSchema | boolean {
    const ref = schema.$ref as string;
    const { $ref: _, ...siblings } = schema;
    const withSiblings = (target: JsonSchema | boolean): JsonSchema | boolean => {
      const kept = Object.fromEntries(
        Object.entries(siblings).filter(
          ([k]) => !['description', 'title', 'summary', 'example', 'examples'].includes(k),
        ),
      );
      if (Object.keys(kept).length === 0) {
        if (typeof target === 'object' && typeof siblings.description === 'string' && !('$ref' in target)) {
          return { ...target, description: siblings.description };
        }
        return target;
      }
      const rest = this.node(kept, pointer);
      if (kept.nullable === true && Object.keys(kept).length === 1) return nullable({ allOf: [target] });
      return { allOf: [target, rest] };
    };
    if (this.stack.includes(ref)) {
      this.recursive.add(ref);
      return withSiblings({ $ref: `#/$defs/${this.defName(ref)}` });
    }
    const target = this.resolve(ref, pointer);
    this.stack.push(ref);
    const converted = this.node(target, ref);
    this.stack.pop();
    if (this.recursive.has(ref)) {
      this.defs[this.defName(ref)] = typeof converted === 'boolean' ? (converted ? {} : { not: {} }) : converted;
      return withSiblings({ $ref: `#/$defs/${this.defName(ref)}` });
    }
    return withSiblings(converted);
  }
}

const ANNOTATIONS = new Set(['title', 'description', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly']);

/** True for a schema that constrains nothing: only annotations (and a format no validator checks). */
function isAnnotationOnly(node: JsonSchema | boolean): boolean {
  if (node === true) return true;
  if (node === false) return false;
  return Object.entries(node).every(
    ([key, value]) => ANNOTATIONS.has(key) || (key === 'format' && ANNOTATION_FORMATS.has(String(value))),
  );
}

/** Drops `allOf` parts that constrain nothing; a lone remaining part merges into its parent when nothing clashes. */
function simplifyAllOf(out: JsonSchema): void {
  const parts = (out.allOf as (JsonSchema | boolean)[]).filter((part) => !isAnnotationOnly(part));
  if (parts.length === 0) {
    delete out.allOf;
    return;
  }
  out.allOf = parts;
  const [only] = parts;
  if (parts.length === 1 && typeof only === 'object' && Object.keys(only).every((k) => !(k in out))) {
    delete out.allOf;
    Object.assign(out, only);
  }
}

/** `a` and `b` as one flat schema: properties declared by both become `allOf`, `required` lists join, `a` wins. */
export function mergeViews(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...b, ...a };
  const pa = isObject(a.properties) ? a.properties : {};
  const pb = isObject(b.properties) ? b.properties : {};
  if (Object.keys(pa).length + Object.keys(pb).length > 0) {
    const properties: Record<string, unknown> = { ...pb };
    for (const [key, value] of Object.entries(pa)) {
      properties[key] = key in pb ? { allOf: [pb[key], value] } : value;
    }
    out.properties = properties;
  }
  const required = [
    ...new Set([...(Array.isArray(b.required) ? b.required : []), ...(Array.isArray(a.required) ? a.required : [])]),
  ];
  if (required.length > 0) out.required = required;
  return out;
}

/** OpenAPI 3.0 `nullable: true`: `null` joins the type (or the enum), else the schema becomes `anyOf [it, null]`. */
function nullable(schema: JsonSchema): JsonSchema {
  const out = { ...schema };
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    return out;
  }
  if (Array.isArray(out.type)) {
    if (!out.type.includes('null')) out.type = [...out.type, 'null'];
    return out;
  }
  if (Array.isArray(out.enum)) return out;
  return { anyOf: [out, { type: 'null' }] };
}
