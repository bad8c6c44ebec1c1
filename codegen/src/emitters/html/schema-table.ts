import { isObject } from '../../ir/is-object.js';
import type { JsonSchema } from '../../ir/types.js';
import { escapeHtml, escapeProse } from './escape.js';
import { constraintPhrases, typeName } from './schema-text.js';

/** One row of a schema table: a field at some depth. */
export interface SchemaRow {
  field: string;
  depth: number;
  type: string;
  required: boolean;
  nullable: boolean;
  enumValues: unknown[] | undefined;
  constraints: string[];
  description: string | undefined;
  note: string | undefined;
}

const MAX_DEPTH = 8;

type Resolve = (ref: string) => JsonSchema | undefined;

/** Follows `$ref`s (and `anyOf: [X, null]`), remembering the refs passed so recursion is reported, not followed. */
function unwrap(
  schema: unknown,
  resolve: Resolve,
  chain: readonly string[],
): { schema: JsonSchema; nullable: boolean; refs: string[]; cycle: string | undefined } {
  let current: unknown = schema;
  let nullable = false;
  const refs: string[] = [];
  for (let i = 0; i < 16; i++) {
    if (!isObject(current)) return { schema: {}, nullable, refs, cycle: undefined };
    if (typeof current.$ref === 'string') {
      const ref = current.$ref;
      if (chain.includes(ref) || refs.includes(ref)) return { schema: current, nullable, refs, cycle: ref };
      refs.push(ref);
      current = resolve(ref) ?? {};
      continue;
    }
    const union = Array.isArray(current.anyOf)
      ? current.anyOf
      : Array.isArray(current.oneOf)
        ? current.oneOf
        : undefined;
    if (union && union.length === 2) {
      const nonNull = union.filter((s) => !(isObject(s) && s.type === 'null'));
      if (nonNull.length === 1) {
        nullable = true;
        current = nonNull[0];
        continue;
      }
    }
    return { schema: current, nullable, refs, cycle: undefined };
  }
  return { schema: {}, nullable, refs, cycle: undefined };
}

function walk(
  schema: unknown,
  resolve: Resolve,
  field: string,
  depth: number,
  required: boolean,
  chain: readonly string[],
  out: SchemaRow[],
  childPrefix = field,
): void {
  const { schema: s, nullable, refs, cycle } = unwrap(schema, resolve, chain);
  const nextChain = [...chain, ...refs];
  const description =
    isObject(schema) && typeof schema.description === 'string'
      ? schema.description
      : typeof s.description === 'string'
        ? s.description
        : undefined;
  const enumValues = Array.isArray(s.enum) ? s.enum : undefined;
  const baseType =
    enumValues !== undefined
      ? [...new Set(enumValues.map((v) => (v === null ? 'null' : typeof v)))].join(' | ')
      : typeName(s, resolve);
  const title = cycle ? (resolve(cycle)?.title as string | undefined) : undefined;
  out.push({
    field,
    depth,
    type: cycle ? typeName(resolve(cycle) ?? {}, resolve) : baseType,
    required,
    nullable,
    enumValues,
    constraints: cycle ? [] : constraintPhrases(s),
    description,
    note: cycle
      ? `recursive: same shape as ${title ?? (cycle === '#' ? 'the whole data' : 'an enclosing field')}`
      : undefined,
  });
  if (cycle || depth >= MAX_DEPTH) return;
  childRows(s, resolve, childPrefix, depth + 1, nextChain, out);
  variantRows(s, resolve, field, childPrefix, depth + 1, nextChain, out);
}

/** `kind = "circle"` when a variant fixes a property (a tagged union), else its type name. */
function variantLabel(variant: JsonSchema, resolve: Resolve): string {
  if (isObject(variant.properties)) {
    for (const [name, sub] of Object.entries(variant.properties)) {
      if (isObject(sub) && 'const' in sub) return `${name} = ${literal(sub.const)}`;
    }
  }
  return typeName(variant, resolve);
}

/** A union of object shapes: one heading row per variant with its fields under it. */
function variantRows(
  s: JsonSchema,
  resolve: Resolve,
  field: string,
  childPrefix: string,
  depth: number,
  chain: readonly string[],
  out: SchemaRow[],
): void {
  const union = Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined;
  if (union === undefined) return;
  const members = union.map((member) => unwrap(member, resolve, chain));
  if (!members.some((m) => isObject(m.schema.properties))) return;
  members.forEach((member, index) => {
    const label = member.cycle ? typeName(resolve(member.cycle) ?? {}, resolve) : variantLabel(member.schema, resolve);
    out.push({
      field: `${field} (${label})`,
      depth,
      type: member.cycle ? 'recursive' : typeName(member.schema, resolve),
      required: true,
      nullable: member.nullable,
      enumValues: undefined,
      constraints: [],
      description: typeof member.schema.description === 'string' ? member.schema.description : undefined,
      note: `variant ${index + 1} of ${union.length}`,
    });
    if (!member.cycle) childRows(member.schema, resolve, childPrefix, depth + 1, [...chain, ...member.refs], out);
  });
}

function childRows(
  s: JsonSchema,
  resolve: Resolve,
  prefix: string,
  depth: number,
  chain: readonly string[],
  out: SchemaRow[],
): void {
  if (isObject(s.properties)) {
    const required = Array.isArray(s.required) ? s.required : [];
    for (const [name, sub] of Object.entries(s.properties)) {
      walk(sub, resolve, prefix === '' ? name : `${prefix}.${name}`, depth, required.includes(name), chain, out);
    }
    return;
  }
  if (s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array'))) {
    if (Array.isArray(s.prefixItems)) {
      s.prefixItems.forEach((item, index) => {
        walk(item, resolve, `${prefix}[${index}]`, depth, true, chain, out);
      });
      return;
    }
    const items = unwrap(s.items, resolve, chain);
    if (!items.cycle && (isObject(items.schema.properties) || items.schema.type === 'array')) {
      childRows(items.schema, resolve, `${prefix}[]`, depth, [...chain, ...items.refs], out);
    } else if (items.cycle) {
      walk(s.items, resolve, `${prefix}[]`, depth, true, chain, out);
    }
    return;
  }
  if (isObject(s.additionalProperties)) {
    const values = unwrap(s.additionalProperties, resolve, chain);
    if (!values.cycle && isObject(values.schema.properties)) {
      childRows(values.schema, resolve, `${prefix}[key]`, depth, [...chain, ...values.refs], out);
    }
  }
}

/**
 * Flattens a schema into table rows: one per field, nested objects and array items indented under their parent
 * (`author.role`, `attachments[].url`), recursion cut at the first repeat. A schema that is not an object of fields
 * (a string event, an array...) is one row named `(data)` with its children under it.
 */
export function schemaRows(schema: JsonSchema, resolve: Resolve, rootLabel = '(data)'): SchemaRow[] {
  const out: SchemaRow[] = [];
  // The root is `#`: a `$ref: '#'` below it (zod's recursion) is a cycle from the start.
  const root = unwrap(schema, resolve, ['#']);
  if (isObject(root.schema.properties) && !root.nullable && root.cycle === undefined) {
    childRows(root.schema, resolve, '', 0, ['#', ...root.refs], out);
    if (out.length === 0) {
      out.push({
        field: rootLabel,
        depth: 0,
        type: 'object',
        required: true,
        nullable: false,
        enumValues: undefined,
        constraints: ['no fields'],
        description: undefined,
        note: undefined,
      });
    }
    return out;
  }
  walk(schema, resolve, rootLabel, 0, true, ['#'], out, '');
  return out;
}

function literal(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** The rows as an HTML table; every piece of schema text is escaped. */
export function schemaTable(schema: JsonSchema, resolve: Resolve, rootLabel?: string): string {
  const rows = schemaRows(schema, resolve, rootLabel);
  const body = rows
    .map((row) => {
      const details: string[] = [];
      if (row.description) details.push(`<span class="desc">${escapeProse(row.description)}</span>`);
      if (row.enumValues) {
        details.push(
          `<span class="enum">one of ${row.enumValues.map((v) => `<code class="chip">${escapeHtml(literal(v))}</code>`).join(' ')}</span>`,
        );
      }
      if (row.constraints.length > 0) {
        details.push(
          `<span class="constraints">${row.constraints.map((c) => `<code>${escapeHtml(c)}</code>`).join(' ')}</span>`,
        );
      }
      if (row.note) details.push(`<span class="note">${escapeHtml(row.note)}</span>`);
      const depth = Math.min(row.depth, MAX_DEPTH);
      return `<tr><td class="field d${depth}"><code>${escapeHtml(row.field)}</code></td><td class="type"><code>${escapeHtml(row.type)}${row.nullable ? ' | null' : ''}</code></td><td class="req">${row.required ? '<span class="yes">required</span>' : '<span class="no">optional</span>'}</td><td class="details">${details.join(' ')}</td></tr>`;
    })
    .join('\n');
  return `<table class="schema"><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Details</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}
