import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asyncapiEmitter } from '../src/emitters/asyncapi/asyncapi.ts';
import { escapeHtml } from '../src/emitters/html/escape.ts';
import { renderDocsHtml } from '../src/emitters/html/html.ts';
import { schemaRows } from '../src/emitters/html/schema-table.ts';
import { resolveLocalRef } from '../src/emitters/openapi/json-schema.ts';
import { openapiEmitter } from '../src/emitters/openapi/openapi.ts';
import type { EmitOptions } from '../src/emitters/types.ts';
import { generate } from '../src/generate.ts';
import { collectRefs, officialOpenApiValidator, parseAsyncApi, resolvePointer } from './docs-validators.ts';

const options: EmitOptions = { validation: 'zod', runtimeImport: '@ssekit/client', openapiVersion: '3.2' };
const out = await mkdtemp(join(tmpdir(), 'ssekit-docs-exotic-'));
afterAll(() => rm(out, { recursive: true, force: true }));

// The real IR of codegen's exotic fixture contract: recursion, POST with body and headers, zod-only schemas,
// a custom (de)serializer, a tagged union, quoted keys, a text enum event, a deprecated route.
const { ir, files } = await generate({
  config: false,
  cwd: resolve(import.meta.dirname, '../..'),
  contracts: resolve(import.meta.dirname, 'fixtures/exotic-contract.ts'),
  out,
  outputs: ['asyncapi', 'openapi', 'html'],
  check: true,
});

describe('docs of the exotic fixture contract (real IR)', () => {
  it('ssekit generate runs the three docs emitters', () => {
    expect(files.map((f) => f.name)).toEqual([
      'asyncapi.json',
      'asyncapi.yaml',
      'openapi.json',
      'openapi.yaml',
      'docs/index.html',
    ]);
  });

  it('AsyncAPI parses without errors or warnings', async () => {
    const [json] = await asyncapiEmitter.emit(ir, options);
    const { ok, diagnostics } = await parseAsyncApi(json?.contents ?? '');
    expect(diagnostics.filter((d) => d.severity <= 1)).toEqual([]);
    expect(ok).toBe(true);
    const doc = JSON.parse(json?.contents ?? '');
    expect(doc.components.messages['tree.node'].payload).toEqual({ $ref: '#/components/schemas/tree.node' });
    expect(doc.components.messages['orders.subscribeRequest'].payload.required).toEqual(['item', 'qty']);
  });

  it('OpenAPI 3.2 and 3.1 are valid against the official schemas', async () => {
    for (const version of ['3.2', '3.1'] as const) {
      const [json] = await openapiEmitter.emit(ir, { ...options, openapiVersion: version });
      const doc = JSON.parse(json?.contents ?? '');
      const validate = officialOpenApiValidator(version);
      expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
      for (const ref of collectRefs(doc)) expect(resolvePointer(doc, ref), ref).toBeDefined();
      expect(doc.paths['/orders'].post.requestBody.content['application/json']).toBeDefined();
      expect(doc.paths['/tagged'].get.deprecated).toBe(true);
    }
  });

  it('HTML shows every route and event; a tagged union becomes one block of rows per variant', () => {
    const html = renderDocsHtml(ir);
    for (const route of ir.routes) {
      expect(html).toContain(`data-route="${route.key}"`);
      for (const event of route.events) expect(html).toContain(`data-event="${event.name}"`);
    }
    const shape = ir.routes.find((r) => r.key === 'orders')?.events.find((e) => e.name === 'shape');
    if (!shape) throw new Error('no shape event');
    const rows = schemaRows(shape.schema, (ref) => resolveLocalRef(shape.schema, ref));
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.field}`)).toEqual([
      '(data)',
      '  (data) (kind = "circle")',
      '    kind',
      '    r',
      '  (data) (kind = "rect")',
      '    kind',
      '    w',
      '    h',
    ]);
    expect(html).toContain(escapeHtml('(kind = "rect")'));
  });
});
