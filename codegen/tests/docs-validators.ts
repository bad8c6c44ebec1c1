/**
 * Validators for the docs emitters' tests (ajv and @asyncapi/parser are test-only dependencies, so this lives
 * outside `src`).
 */
import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { Ajv } from 'ajv';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

const cache = new Map<string, ValidateFunction>();

/**
 * The official OpenAPI document schema of a version (from OAI/OpenAPI-Specification, see `schema/README.md`
 * beside the emitter) compiled with ajv's draft 2020-12 validator.
 */
export function officialOpenApiValidator(version: '3.2' | '3.1'): ValidateFunction {
  const cached = cache.get(version);
  if (cached) return cached;
  const url = new URL(`../src/emitters/openapi/schema/openapi-${version}.schema.json`, import.meta.url);
  const text = readFileSync(url, 'utf8');
  if (text.split('"$dynamicAnchor": "meta"').length !== 2)
    throw new Error('expected exactly one `meta` dynamic anchor');
  // ajv resolves `$dynamicRef` only to anchors at a resource root, so the schema's `$dynamicRef: "#meta"` would
  // land on the document root. With this schema alone the dynamic scope holds no other `meta` anchor, so the
  // reference always means `$defs/schema` (the one `$dynamicAnchor: meta`): say that statically.
  const schema = JSON.parse(text.replaceAll('"$dynamicRef": "#meta"', '"$ref": "#/$defs/schema"'));
  // strict: false because the official schema itself uses keywords without `type` (ajv's strictTypes), not ours.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its typed default export is the module object.
  ajvFormats.default(ajv);
  ajv.addFormat('media-range', /^[^\s/]+\/[^\s/;]+(\s*;.*)?$/);
  const validate = ajv.compile(schema);
  cache.set(version, validate);
  return validate;
}

/** Every `$ref` string in a document (outside example data). */
export function collectRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, sub] of Object.entries(value)) {
      if (key === '$ref' && typeof sub === 'string') out.push(sub);
      else if (!['examples', 'example', 'const', 'enum', 'default'].includes(key)) collectRefs(sub, out);
    }
  }
  return out;
}

/** Follows a local JSON pointer (`#/a/b~1c`) in a document. */
// biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
export function resolvePointer(doc: unknown, ref: string): any {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** One diagnostic of the AsyncAPI parser, flattened. */
export interface AsyncApiDiagnostic {
  severity: number;
  code: string;
  message: string;
  path: string;
}

/**
 * Parses an AsyncAPI document with `@asyncapi/parser` (schema validation plus its Spectral ruleset). Severity 0 is
 * an error, 1 a warning, 2 information, 3 a hint.
 */
export async function parseAsyncApi(text: string): Promise<{ ok: boolean; diagnostics: AsyncApiDiagnostic[] }> {
  const { document, diagnostics } = await new Parser().parse(text);
  return {
    ok: document !== undefined,
    diagnostics: diagnostics.map((d) => ({
      severity: d.severity as number,
      code: String(d.code),
      message: d.message,
      path: d.path.join('/'),
    })),
  };
}

/**
 * Compiles `#/<pointer>` of a whole OpenAPI (JSON Schema 2020-12) or AsyncAPI (draft-07) document as a schema, so a
 * test can check values against an emitted schema with every `$ref` resolved inside that document.
 */
export function schemaAt(doc: object, pointer: string, dialect: '2020-12' | 'draft-07'): ValidateFunction {
  const options = { strict: false, allErrors: true, validateSchema: false };
  const ajv = dialect === '2020-12' ? new Ajv2020(options) : new Ajv(options);
  ajvFormats.default(ajv);
  // The document itself is not a schema; only its `$id` matters for resolving `doc#/...` references.
  ajv.addSchema({ ...doc, $id: 'https://ssekit.test/doc.json' } as object);
  return ajv.compile({ $ref: `https://ssekit.test/doc.json#${pointer}` });
}
