import { resolve } from 'node:path';
import { isContract } from '@ssekit/contract';
import * as contractsModule from '@ssekit-examples/contracts';
import { describe, expect, it } from 'vitest';
import { asyncapiEmitter } from '../src/emitters/asyncapi/asyncapi.ts';
import { escapeHtml } from '../src/emitters/html/escape.ts';
import { renderDocsHtml } from '../src/emitters/html/html.ts';
import { buildOpenApi, openapiEmitter } from '../src/emitters/openapi/openapi.ts';
import type { EmitOptions } from '../src/emitters/types.ts';
import { generate } from '../src/generate.ts';
import { collectRefs, officialOpenApiValidator, parseAsyncApi, resolvePointer, schemaAt } from './docs-validators.ts';

const docs = resolve(import.meta.dirname, '../../docs');
const options: EmitOptions = { validation: 'zod', runtimeImport: '@ssekit/client', openapiVersion: '3.2' };

// The docs emitters on the real IR of contracts/ (every exported contract, through the loader and buildIr),
// driven by docs/ssekit.config.ts exactly as `ssekit generate` runs it.
const result = await generate({ cwd: docs, check: true });
const ir = result.ir;

describe('docs of contracts/ (real IR)', () => {
  it('covers every contract route, and the checked-in docs/api files are up to date', () => {
    const declared = Object.values(contractsModule as Record<string, unknown>)
      .filter(isContract)
      .flatMap((contract) => Object.keys(contract['~ssekit'].routes));
    expect(declared.length).toBeGreaterThanOrEqual(4);
    expect(ir.routes.map((r) => r.key).sort()).toEqual(declared.sort());
    expect(result.files.map((f) => f.name).sort()).toEqual([
      'asyncapi.json',
      'asyncapi.yaml',
      'docs/index.html',
      'openapi.json',
      'openapi.yaml',
    ]);
    const stale = result.files
      .filter((f) => f.status !== 'unchanged')
      .map((f) => `${f.name}: ${f.status}\n${f.diff ?? ''}`);
    expect(stale, 'run `cd docs && node ../codegen/bin/ssekit-dev.js generate`').toEqual([]);
  });

  it('AsyncAPI: @asyncapi/parser reports no error and no warning', async () => {
    const [json, yaml] = await asyncapiEmitter.emit(ir, options);
    for (const file of [json, yaml]) {
      const { ok, diagnostics } = await parseAsyncApi(file?.contents ?? '');
      expect(diagnostics.filter((d) => d.severity <= 1)).toEqual([]);
      expect(ok).toBe(true);
    }
    const doc = JSON.parse(json?.contents ?? '');
    expect(Object.keys(doc.channels)).toEqual(ir.routes.map((r) => r.key));
    expect(doc.channels.roomEvents.address).toBe('/rooms/{roomId}/events');
    expect(Object.keys(doc.channels.roomEvents.messages)).toEqual([
      'message',
      'roster',
      'presence',
      'reset',
      'error',
      'subscribeRequest',
    ]);
    expect(doc.operations.receiveGreetings.bindings.http.query.properties.count).toMatchObject({
      type: 'integer',
      default: 3,
    });
  });

  it('OpenAPI 3.2 and 3.1 are valid against the official schemas; every $ref resolves', async () => {
    for (const version of ['3.2', '3.1'] as const) {
      const [json] = await openapiEmitter.emit(ir, { ...options, openapiVersion: version });
      const doc = JSON.parse(json?.contents ?? '');
      const validate = officialOpenApiValidator(version);
      expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
      for (const ref of collectRefs(doc)) expect(resolvePointer(doc, ref), ref).toBeDefined();
    }
    const doc = buildOpenApi(ir, '3.2');
    const room = resolvePointer(doc, '#/paths/~1rooms~1{roomId}~1events/get');
    expect(room.parameters.map((p: { name: string }) => p.name)).toEqual(['roomId', 'Last-Event-ID']);
    const items = room.responses['200'].content['text/event-stream'].itemSchema.oneOf;
    expect(items.map((i: { properties: { event: { const: string } } }) => i.properties.event.const)).toEqual([
      'message',
      'roster',
      'presence',
      'reset',
      'error',
    ]);
    expect(resolvePointer(doc, items[0].properties.data.contentSchema.$ref).required).toEqual([
      'user',
      'text',
      'sentAt',
    ]);
  });

  it('every contract example is valid against the emitted OpenAPI and AsyncAPI schemas', async () => {
    const openapi = buildOpenApi(ir, '3.2');
    const [asyncapiJson] = await asyncapiEmitter.emit(ir, options);
    const asyncapi = JSON.parse(asyncapiJson?.contents ?? '');
    let checked = 0;
    for (const route of ir.routes) {
      for (const event of route.events) {
        const data = schemaAt(openapi, `/components/schemas/${route.key}.${event.name}`, '2020-12');
        const payload = schemaAt(asyncapi, `/components/messages/${route.key}.${event.name}/payload`, 'draft-07');
        for (const example of event.examples) {
          expect(data(example), `${route.key}.${event.name}`).toBe(true);
          expect(payload(example), `${route.key}.${event.name}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('HTML: every route and event, with its client call', () => {
    const html = renderDocsHtml(ir);
    for (const route of ir.routes) {
      expect(html).toContain(`data-route="${route.key}"`);
      expect(html).toContain(escapeHtml(`client.${route.key}.subscribe(`));
      for (const event of route.events) expect(html).toContain(`data-event="${event.name}"`);
    }
  });
});
