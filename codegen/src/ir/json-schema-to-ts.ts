import { quote } from './ts-literal.js';
import type { JsonSchema } from './types.js';

/** Options for {@link jsonSchemaToTs}. */
export interface JsonSchemaToTsOptions {
  /** Type name a `$ref: "#"` (a recursive root) refers to. Without it such refs become `unknown`. */
  readonly rootName?: string;
  /** Type name for `#/$defs/<name>`; without it such refs become `unknown`. */
  readonly defName?: (name: string) => string;
  /** Break objects over lines with this indent, and put `description`s in JSDoc. Default: one line. */
  readonly indent?: string;
}

type Node = JsonSchema | boolean;
interface Text {
  text: string;
  /** Needs parentheses inside `T[]` or an intersection. */
  compound: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const primary = (text: string): Text => ({ text, compound: false });

function join(members: Text[], op: '|' | '&'): Text {
  const unique = [...new Map(members.map((m) => [m.text, m])).values()];
  if (unique.length === 0) return primary(op === '|' ? 'never' : 'unknown');
  if (unique.length === 1) return unique[0]!;
  if (op === '|' && unique.some((m) => m.text === 'unknown')) return primary('unknown');
  const parts = unique.map((m) => (op === '&' && m.compound ? `(${m.text})` : m.text));
  return { text: parts.join(` ${op} `), compound: true };
}

function literal(value: unknown): Text {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return primary(typeof value === 'string' ? quote(value) : JSON.stringify(value));
  }
  return primary('unknown');
}

/**
 * A property key as TypeScript writes it, in a type or an object literal: bare when it is an identifier, quoted
 * otherwise, computed for `__proto__` (which an object literal would otherwise take as its prototype).
 *
 * @example
 * ```ts
 * propertyKey('id');                          // 'id'
 * propertyKey('response.output_text.delta');  // "'response.output_text.delta'"
 * ```
 */
export function propertyKey(name: string): string {
  if (name === '__proto__') return `[${quote(name)}]`;
  return IDENTIFIER.test(name) ? name : quote(name);
}

/**
 * A property read in generated code: `object.name` for an identifier, `object['a.b']` otherwise.
 *
 * @example
 * ```ts
 * propertyAccess('contract.feed.events', 'a.b'); // "contract.feed.events['a.b']"
 * ```
 */
export function propertyAccess(object: string, name: string): string {
  return IDENTIFIER.test(name) && name !== '__proto__' ? `${object}.${name}` : `${object}[${quote(name)}]`;
}

function docComment(description: unknown, indent: string): string {
  if (typeof description !== 'string' || description.trim() === '') return '';
  const safe = description.replaceAll('*/', '*\\/').trim();
  if (!safe.includes('\n')) return `${indent}/** ${safe} */\n`;
  return `${indent}/**\n${safe
    .split('\n')
    .map((line) => `${indent} * ${line}`.trimEnd())
    .join('\n')}\n${indent} */\n`;
}

/**
 * TypeScript type text for a JSON Schema (the subset `z.toJSONSchema` produces): objects, arrays, tuples, unions,
 * enums, consts, `$ref`s to `#` and `#/$defs`. Anything it cannot describe is `unknown`, never a wrong type.
 *
 * @example
 * ```ts
 * jsonSchemaToTs({ type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] }); // '{ id: number }'
 * ```
 */
export function jsonSchemaToTs(schema: JsonSchema | boolean, options: JsonSchemaToTsOptions = {}): string {
  return convert(schema, options, 0).text;
}

function convert(node: Node, options: JsonSchemaToTsOptions, depth: number): Text {
  if (node === true) return primary('unknown');
  if (node === false) return primary('never');
  if (typeof node.$ref === 'string') return reference(node.$ref, options);
  if ('const' in node) return literal(node.const);
  if (Array.isArray(node.enum)) return join(node.enum.map(literal), '|');
  const not = node.not;
  if (not !== undefined && typeof not === 'object' && not !== null && Object.keys(not).length === 0) {
    return primary('never');
  }
  const variants = (node.anyOf ?? node.oneOf) as Node[] | undefined;
  if (Array.isArray(variants))
    return join(
      variants.map((v) => convert(v, options, depth)),
      '|',
    );
  if (Array.isArray(node.allOf))
    return join(
      (node.allOf as Node[]).map((v) => convert(v, options, depth)),
      '&',
    );
  const types = Array.isArray(node.type) ? (node.type as unknown[]) : node.type === undefined ? [] : [node.type];
  if (types.length === 0) {
    if (node.properties !== undefined || node.additionalProperties !== undefined) {
      return objectType(node, options, depth);
    }
    if (node.items !== undefined || node.prefixItems !== undefined) return arrayType(node, options, depth);
    return primary('unknown');
  }
  return join(
    types.map((type) => {
      switch (type) {
        case 'string':
          return primary('string');
        case 'number':
        case 'integer':
          return primary('number');
        case 'boolean':
          return primary('boolean');
        case 'null':
          return primary('null');
        case 'array':
          return arrayType(node, options, depth);
        case 'object':
          return objectType(node, options, depth);
        default:
          return primary('unknown');
      }
    }),
    '|',
  );
}

function reference(ref: string, options: JsonSchemaToTsOptions): Text {
  if (ref === '#') return primary(options.rootName ?? 'unknown');
  const match = /^#\/\$defs\/(.+)$/.exec(ref);
  if (match?.[1] && options.defName) return primary(options.defName(decodeURIComponent(match[1])));
  return primary('unknown');
}

function arrayType(node: JsonSchema, options: JsonSchemaToTsOptions, depth: number): Text {
  const prefix = node.prefixItems as Node[] | undefined;
  const items = node.items as Node | undefined;
  if (Array.isArray(prefix)) {
    const min = typeof node.minItems === 'number' ? node.minItems : prefix.length;
    const elements = prefix.map((item, index) => {
      const text = convert(item, options, depth).text;
      return index >= min ? `${text}?` : text;
    });
    if (items !== undefined && items !== false) elements.push(`...${element(convert(items, options, depth))}[]`);
    return primary(`[${elements.join(', ')}]`);
  }
  return primary(`${element(items === undefined ? primary('unknown') : convert(items, options, depth))}[]`);
}

function element(type: Text): string {
  return type.compound ? `(${type.text})` : type.text;
}

function objectType(node: JsonSchema, options: JsonSchemaToTsOptions, depth: number): Text {
  const properties = (node.properties ?? {}) as Record<string, Node>;
  const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
  const members: { doc: string; text: string }[] = [];
  const indent = options.indent;
  const inner = indent === undefined ? '' : indent.repeat(depth + 1);
  for (const [name, schema] of Object.entries(properties)) {
    const optional = required.has(name) ? '' : '?';
    const doc = indent === undefined || typeof schema !== 'object' ? '' : docComment(schema.description, inner);
    members.push({ doc, text: `${propertyKey(name)}${optional}: ${convert(schema, options, depth + 1).text}` });
  }
  const additional = node.additionalProperties as Node | undefined;
  const keys = node.propertyNames as JsonSchema | undefined;
  if (additional !== undefined && additional !== false) {
    const value = convert(additional, options, depth + 1);
    if (Array.isArray(keys?.enum) && members.length === 0) {
      for (const key of keys.enum) {
        if (typeof key !== 'string') continue;
        members.push({ doc: '', text: `${propertyKey(key)}${required.has(key) ? '' : '?'}: ${value.text}` });
      }
    } else {
      // Declared properties must fit the index signature, so it widens to unknown when there are any.
      members.push({ doc: '', text: `[key: string]: ${members.length ? 'unknown' : value.text}` });
    }
  }
  if (members.length === 0) {
    return primary(additional === false ? 'Record<string, never>' : 'Record<string, unknown>');
  }
  if (indent === undefined) return primary(`{ ${members.map((m) => m.text).join('; ')} }`);
  const outer = indent.repeat(depth);
  return primary(`{\n${members.map((m) => `${m.doc}${inner}${m.text};`).join('\n')}\n${outer}}`);
}
