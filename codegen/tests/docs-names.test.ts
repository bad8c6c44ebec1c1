import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineContract } from '@ssekit/contract';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { asyncapiEmitter, buildAsyncApi } from '../src/emitters/asyncapi/asyncapi.ts';
import { clientSnippets } from '../src/emitters/html/client-snippet.ts';
import { escapeHtml } from '../src/emitters/html/escape.ts';
import { renderDocsHtml } from '../src/emitters/html/html.ts';
import { buildOpenApi, openapiEmitter } from '../src/emitters/openapi/openapi.ts';
import type { EmitOptions } from '../src/emitters/types.ts';
import { CodegenError } from '../src/errors.ts';
import { generate } from '../src/generate.ts';
import { buildIr } from '../src/ir/build.ts';
import { collectRefs, officialOpenApiValidator, parseAsyncApi, resolvePointer, schemaAt } from './docs-validators.ts';

const options: EmitOptions = { validation: 'zod', runtimeImport: '@ssekit/client', openapiVersion: '3.2' };
const out = await mkdtemp(join(tmpdir(), 'ssekit-docs-names-'));
afterAll(() => rm(out, { recursive: true, force: true }));

// The event-names fixture: `response.output_text.delta`, `user-created`, `a:b`, `thread.run.step.completed`,
// `onError`, `constructor`.
const { ir } = await generate({
  config: false,
  cwd: resolve(import.meta.dirname, '../..'),
  contracts: resolve(import.meta.dirname, 'fixtures/names-contract.ts'),
  out,
  outputs: ['asyncapi', 'openapi', 'html'],
  check: true,
});
const names = [
  'response.output_text.delta',
  'user-created',
  'a:b',
  'thread.run.step.completed',
  'onError',
  'constructor',
];

describe('docs of a contract with any SSE event names', () => {
  it('AsyncAPI parses without errors or warnings; message ids are sanitised, message names are the real names', async () => {
    const [json] = await asyncapiEmitter.emit(ir, options);
    const { ok, diagnostics } = await parseAsyncApi(json?.contents ?? '');
    expect(diagnostics.filter((d) => d.severity <= 1)).toEqual([]);
    expect(ok).toBe(true);
    const doc = JSON.parse(json?.contents ?? '');
    expect(Object.keys(doc.channels.responses.messages)).toEqual([
      'response.output_text.delta',
      'user-created',
      'a_b',
      'thread.run.step.completed',
      'onError',
      'constructor',
    ]);
    for (const id of Object.keys(doc.components.messages)) expect(id).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(doc.components.messages['responses.a_b'].name).toBe('a:b');
    const receive = doc.operations.receiveResponses.messages.map((m: { $ref: string }) => resolvePointer(doc, m.$ref));
    expect(receive.map((m: { $ref: string }) => resolvePointer(doc, m.$ref).name)).toEqual(names);
    // The payload of `user-created` accepts its data and rejects bad data.
    const check = schemaAt(doc, '/components/messages/responses.user-created/payload', 'draft-07');
    expect(check({ id: 'u1', name: 'Ada' })).toBe(true);
    expect(check({ id: '', name: 'Ada' })).toBe(false);
  });

  it('AsyncAPI fails with a CODEGEN error naming the route and both events when two names share an id', () => {
    const contract = defineContract({ feed: { path: '/feed', events: { 'a:b': z.string(), a_b: z.string() } } });
    const attempt = () => buildAsyncApi(buildIr(contract));
    expect(attempt).toThrow(CodegenError);
    expect(attempt).toThrow('route "feed"');
    expect(attempt).toThrow('events "a:b" and "a_b" both become the AsyncAPI message id "a_b"');
  });

  it('OpenAPI 3.2 and 3.1 are valid; each item fixes its exact event name; component names are sanitised', async () => {
    for (const version of ['3.2', '3.1'] as const) {
      const [json] = await openapiEmitter.emit(ir, { ...options, openapiVersion: version });
      const doc = JSON.parse(json?.contents ?? '');
      const validate = officialOpenApiValidator(version);
      expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
      for (const ref of collectRefs(doc)) expect(resolvePointer(doc, ref), ref).toBeDefined();
      for (const name of Object.keys(doc.components.schemas)) expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
      const media = doc.paths['/responses/{responseId}'].get.responses['200'].content['text/event-stream'];
      const items = (version === '3.2' ? media.itemSchema : media.schema).oneOf;
      expect(items.map((item: { properties: { event: { const: string } } }) => item.properties.event.const)).toEqual(
        names,
      );
    }
  });

  it('OpenAPI keeps every example when two event names sanitise to the same key', () => {
    const contract = defineContract({
      feed: {
        path: '/feed',
        events: { 'a:b': z.string(), a_b: z.string() },
        examples: { 'a:b': ['one'], a_b: ['two'] },
      },
    });
    // biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
    const doc = buildOpenApi(buildIr(contract), '3.2') as { paths: Record<string, any> };
    const examples = doc.paths['/feed'].get.responses['200'].content['text/event-stream'].examples;
    expect(Object.keys(examples)).toEqual(['a_b', 'a_b_2']);
    expect(examples.a_b.dataValue).toEqual({ event: 'a:b', data: 'one' });
    expect(examples.a_b_2.dataValue).toEqual({ event: 'a_b', data: 'two' });
  });

  it('HTML shows every event name, escaped; the snippet handles option-named events through `on`', () => {
    const html = renderDocsHtml(ir);
    for (const name of names) expect(html).toContain(`data-event="${escapeHtml(name)}"`);
    const hostile = defineContract({
      feed: { path: '/feed', events: { '<img src=x onerror="alert(1)">': z.string() } },
    });
    const page = renderDocsHtml(buildIr(hostile));
    expect(page).not.toContain('<img src=x');
    expect(page).toContain(escapeHtml('<img src=x onerror="alert(1)">'));
    const { subscribe } = clientSnippets(ir.routes[0]!);
    expect(subscribe).toContain("  on: {\n    'response.output_text.delta'(data) {");
    expect(subscribe).toContain('    onError(data) {');
    const plain = clientSnippets(ir.routes[1]!).subscribe;
    expect(plain).toContain(
      "client.runs.subscribe({ params: { threadId: 'threadId' } }, {\n  'thread.run.created'(data) {",
    );
  });
});

// Docs of contracts validated by valibot and arktype: JSON Schema from each validator, valid documents.
describe.each(['valibotContract', 'arktypeContract'])('docs of the %s fixture', (exportName) => {
  it('AsyncAPI parses and OpenAPI 3.2 validates; schemas carry the validator constraints', async () => {
    const { ir: docsIr } = await generate({
      config: false,
      cwd: resolve(import.meta.dirname, '../..'),
      contracts: resolve(import.meta.dirname, '../../contracts/src/validators.ts'),
      exportName,
      out: join(out, exportName),
      outputs: ['asyncapi', 'openapi', 'html'],
      check: true,
    });
    const [asyncJson] = await asyncapiEmitter.emit(docsIr, options);
    const { ok, diagnostics } = await parseAsyncApi(asyncJson?.contents ?? '');
    expect(diagnostics.filter((d) => d.severity <= 1)).toEqual([]);
    expect(ok).toBe(true);
    const asyncDoc = JSON.parse(asyncJson?.contents ?? '');
    const item = schemaAt(asyncDoc, '/components/messages/search.item/payload', 'draft-07');
    expect(item({ id: 'a', n: 1 })).toBe(true);
    expect(item({ id: '', n: 1 })).toBe(false);
    const [openJson] = await openapiEmitter.emit(docsIr, options);
    const doc = JSON.parse(openJson?.contents ?? '');
    const validate = officialOpenApiValidator('3.2');
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const body = schemaAt(doc, '/paths/~1orders/post/requestBody/content/application~1json/schema', '2020-12');
    expect(body({ sku: 's', qty: 1 })).toBe(true);
    expect(body({ sku: 's', qty: 0 })).toBe(false);
    expect(renderDocsHtml(docsIr)).toContain('data-event="item"');
  });
});
