import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { collectRefs, officialOpenApiValidator, resolvePointer, schemaAt } from '../../../tests/docs-validators.js';
import { seedIr } from '../../../tests/fixtures/seed-ir.js';
import type { IrDocument } from '../../ir/types.js';
import type { EmitOptions } from '../types.js';
import { buildOpenApi, openapiEmitter } from './openapi.js';

const options32: EmitOptions = { validation: 'zod', runtimeImport: '@ssekit/client', openapiVersion: '3.2' };
const options31: EmitOptions = { ...options32, openapiVersion: '3.1' };

// biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
type Json = any;

async function emitted(ir: IrDocument, options: EmitOptions): Promise<{ json: Json; yaml: Json; text: string }> {
  const files = await openapiEmitter.emit(ir, options);
  expect(files.map((f) => f.path)).toEqual(['openapi.json', 'openapi.yaml']);
  const text = files[0]?.contents ?? '';
  return { json: JSON.parse(text), yaml: parseYaml(files[1]?.contents ?? ''), text };
}

describe('openapi emitter, OpenAPI 3.2', () => {
  it('is valid against the official OpenAPI 3.2 schema, and JSON and YAML hold the same document', async () => {
    const { json, yaml } = await emitted(seedIr, options32);
    const validate = officialOpenApiValidator('3.2');
    expect(validate(json), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(json.openapi).toBe('3.2.0');
    expect(yaml).toEqual(json);
  });

  it('the official schema is a real check: it rejects a broken document and a 3.1 document', async () => {
    const { json } = await emitted(seedIr, options32);
    const validate = officialOpenApiValidator('3.2');
    const broken = structuredClone(json);
    broken.paths['/events'].get.parameters = [{ name: 'x', in: 'body', schema: {} }];
    expect(validate(broken)).toBe(false);
    const wrongVersion = { ...structuredClone(json), openapi: '3.1.1' };
    expect(validate(wrongVersion)).toBe(false);
  });

  it('has info, servers and one path per route with operationId, summary, tags and deprecated', async () => {
    const { json } = await emitted(seedIr, options32);
    expect(json.info).toEqual({
      title: 'ssekit seed API',
      version: '0.1.0',
      description: 'Seed contracts of ssekit, plus routes that cover every IR feature.',
    });
    expect(json.servers).toEqual([
      { url: 'http://localhost:8080', description: 'Local development server', name: 'local' },
      { url: 'https://api.example.com/sse', name: 'production' },
    ]);
    expect(Object.keys(json.paths)).toEqual(seedIr.routes.map((r) => r.templatePath));
    expect(json.paths['/sessions/{sessionId}/completions'].post.operationId).toBe('completions');
    expect(json.paths['/rooms/{roomId}/messages'].get.tags).toEqual(['rooms']);
    expect(json.paths['/catalog'].get.deprecated).toBe(true);
    expect(json.tags).toEqual([{ name: 'rooms' }, { name: 'ai' }]);
  });

  it('turns params, query and headers into parameters, with Last-Event-ID on replay routes', async () => {
    const { json } = await emitted(seedIr, options32);
    const greetings = json.paths['/greetings/{name}'].get;
    expect(greetings.parameters).toEqual([
      { name: 'name', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 64 } },
      {
        name: 'count',
        in: 'query',
        required: false,
        schema: { default: 3, type: 'integer', minimum: 1, maximum: 1000 },
      },
    ]);
    const room = json.paths['/rooms/{roomId}/messages'].get;
    const byName = Object.fromEntries(room.parameters.map((p: Json) => [`${p.in}:${p.name}`, p]));
    expect(Object.keys(byName)).toEqual([
      'path:roomId',
      'query:kinds',
      'query:limit',
      'header:authorization',
      'header:x-tenant',
      'header:Last-Event-ID',
    ]);
    expect(byName['query:kinds']).toMatchObject({ explode: true, schema: { type: 'array' } });
    expect(byName['header:authorization'].required).toBe(true);
    expect(byName['header:x-tenant'].required).toBe(false);
  });

  it('describes the POST body as a required JSON request body', async () => {
    const { json } = await emitted(seedIr, options32);
    const op = json.paths['/sessions/{sessionId}/completions'].post;
    expect(op.requestBody.required).toBe(true);
    const ref = op.requestBody.content['application/json'].schema.$ref;
    const body = resolvePointer(json, ref);
    expect(body.required).toEqual(['prompt']);
    expect(body.properties.messages.items.properties.role.enum).toEqual(['system', 'user', 'assistant']);
  });

  it('describes each event of a stream as an itemSchema oneOf: event const, data with contentMediaType and contentSchema', async () => {
    const { json } = await emitted(seedIr, options32);
    for (const route of seedIr.routes) {
      const op = json.paths[route.templatePath][route.method.toLowerCase()];
      const media = op.responses['200'].content['text/event-stream'];
      expect(media.schema).toBeUndefined();
      const items: Json[] = route.events.length === 1 ? [media.itemSchema] : media.itemSchema.oneOf;
      expect(items.map((i) => i.properties.event.const)).toEqual(route.events.map((e) => e.name));
      route.events.forEach((event, index) => {
        const item = items[index];
        expect(item.properties.id.type).toBe('string');
        expect(item.properties.retry).toMatchObject({ type: 'integer', minimum: 0 });
        expect(item.required).toContain('data');
        const data = item.properties.data;
        expect(data.contentMediaType).toBe(event.contentType);
        if (event.encoding === 'json' || route.customSerialization) {
          expect(data.type).toBe('string');
          expect(data.contentSchema.$ref).toMatch(/^#\/components\/schemas\//);
        }
      });
    }
    const customer = resolvePointer(json, '#/components/schemas/json.customer');
    expect(customer).toMatchObject({
      type: 'object',
      required: ['id', 'firstName', 'lastName'],
      examples: [{ id: 0, firstName: 'Jet', lastName: 'Brains' }],
    });
    expect(customer.$schema).toBeUndefined();
  });

  it('gives examples as data and as SSE text; error and reset events are documented', async () => {
    const { json } = await emitted(seedIr, options32);
    const media = json.paths['/json'].get.responses['200'].content['text/event-stream'];
    expect(media.examples.customer).toEqual({
      summary: 'A `customer` event',
      dataValue: { event: 'customer', data: '{"id":0,"firstName":"Jet","lastName":"Brains"}' },
      serializedValue: 'event: customer\ndata: {"id":0,"firstName":"Jet","lastName":"Brains"}\n\n',
    });
    const room = json.paths['/rooms/{roomId}/messages'].get.responses['200'].content['text/event-stream'].itemSchema;
    const titles = room.oneOf.map((i: Json) => [i.title, i.description]);
    expect(titles[1][0]).toBe('reset');
    expect(titles[1][1]).toMatch(/Reset event/);
    expect(titles[2][1]).toMatch(/Error event/);
  });

  it('answers 400 with the problem body where anything is validated, 404 for path params, 204 and 405 everywhere', async () => {
    const { json } = await emitted(seedIr, options32);
    const problem = resolvePointer(json, '#/components/schemas/Problem');
    expect(problem.required).toEqual(['type', 'title', 'status']);
    expect(Object.keys(problem.properties)).toEqual(['type', 'title', 'status', 'detail', 'errors']);
    expect(problem.properties.errors.items.required).toEqual(['path', 'message']);
    const codes = (path: string, method = 'get') => Object.keys(json.paths[path][method].responses);
    expect(codes('/events')).toEqual(['200', '204', '405']);
    expect(codes('/greetings/{name}')).toEqual(['200', '204', '400', '404', '405']);
    expect(codes('/sessions/{sessionId}/completions', 'post')).toEqual([
      '200',
      '204',
      '400',
      '404',
      '405',
      '413',
      '415',
    ]);
    const bad = json.paths['/greetings/{name}'].get.responses['400'].content['application/problem+json'];
    expect(bad.schema).toEqual({ $ref: '#/components/schemas/Problem' });
    expect(json.paths['/events'].get.responses['405'].headers.Allow.schema.const).toBe('GET');
    // Two routes on one path (GET and POST): one path item, both operations, Allow names both.
    const shared = structuredClone(seedIr);
    shared.routes.push({ ...structuredClone(shared.routes[0]!), key: 'postEvents', method: 'POST' });
    const doc = buildOpenApi(shared, '3.2') as Json;
    expect(Object.keys(doc.paths['/events'])).toEqual(['get', 'post']);
    expect(doc.paths['/events'].post.responses['405'].headers.Allow.schema.const).toBe('GET, POST');
    expect(officialOpenApiValidator('3.2')(doc)).toBe(true);
  });

  it('moves $defs and recursive schemas into components, and every $ref resolves', async () => {
    const { json } = await emitted(seedIr, options32);
    expect(json.components.schemas.Author).toMatchObject({
      properties: { role: { enum: ['member', 'moderator', 'bot'] } },
    });
    const tree = json.components.schemas['catalog.tree'];
    expect(tree.properties.children.items).toEqual({ $ref: '#/components/schemas/catalog.tree' });
    const refs = collectRefs(json);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(resolvePointer(json, ref), ref).toBeDefined();
    expect(JSON.stringify(json)).not.toContain('$defs');
  });

  it('the emitted schemas accept the contract examples, and each SSE item matches exactly one event', async () => {
    const { json } = await emitted(seedIr, options32);
    let checked = 0;
    for (const route of seedIr.routes) {
      const media = `/paths/${route.templatePath.replace(/\//g, '~1')}/${route.method.toLowerCase()}/responses/200/content/text~1event-stream/itemSchema`;
      const item = schemaAt(json, media, '2020-12');
      for (const event of route.events) {
        const data = schemaAt(json, `/components/schemas/${route.key}.${event.name}`, '2020-12');
        for (const example of event.examples) {
          expect(data(example), `${route.key}.${event.name}: ${JSON.stringify(data.errors)}`).toBe(true);
          checked++;
        }
        expect(item({ event: event.name, data: 'x' }), `${route.key}.${event.name}`).toBe(true);
        expect(item({ event: `${event.name}-not`, data: 'x' })).toBe(false);
      }
      expect(item({ data: 'x' })).toBe(route.events.some((e) => e.name === 'message'));
    }
    expect(checked).toBe(seedIr.routes.flatMap((r) => r.events).flatMap((e) => e.examples).length);
    const customer = schemaAt(json, '/components/schemas/json.customer', '2020-12');
    expect(customer({ id: 'x', firstName: 'a', lastName: 'b' })).toBe(false);
    const tree = schemaAt(json, '/components/schemas/catalog.tree', '2020-12');
    expect(tree({ name: 'a', children: [{ name: 'b', children: [{ name: 1, children: [] }] }] })).toBe(false);
  });

  it('is deterministic', async () => {
    const a = await openapiEmitter.emit(seedIr, options32);
    const b = await openapiEmitter.emit(structuredClone(seedIr), options32);
    expect(b).toEqual(a);
  });
});

describe('openapi emitter, OpenAPI 3.1 option', () => {
  it('is valid against the official OpenAPI 3.1 schema and uses `schema` in place of `itemSchema`', async () => {
    const { json, yaml } = await emitted(seedIr, options31);
    const validate = officialOpenApiValidator('3.1');
    expect(validate(json), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(json.openapi).toBe('3.1.1');
    expect(yaml).toEqual(json);
    const media = json.paths['/json'].get.responses['200'].content['text/event-stream'];
    expect(media.itemSchema).toBeUndefined();
    expect(media.schema.oneOf.map((i: Json) => i.properties.event.const)).toEqual(['customer', 'product']);
    expect(media.examples.customer.value).toBe(
      'event: customer\ndata: {"id":0,"firstName":"Jet","lastName":"Brains"}\n\n',
    );
    expect(json.servers[0].name).toBeUndefined();
    // And the 3.2 document is not a valid 3.1 one: the two schemas really differ.
    expect(validate(buildOpenApi(seedIr, '3.2'))).toBe(false);
  });
});

describe('openapi emitter, query without named fields', () => {
  it('is the whole query string in 3.2 and one exploded object parameter in 3.1; both valid', () => {
    const ir = structuredClone(seedIr);
    ir.routes[0]!.query = {
      schema: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'string' } },
      tsType: 'Record<string, string>',
      required: [],
    };
    const doc32 = buildOpenApi(ir, '3.2') as Json;
    expect(doc32.paths['/events'].get.parameters).toEqual([
      {
        name: 'query',
        in: 'querystring',
        required: false,
        content: { 'application/x-www-form-urlencoded': { schema: ir.routes[0]!.query.schema } },
      },
    ]);
    expect(officialOpenApiValidator('3.2')(doc32)).toBe(true);
    const doc31 = buildOpenApi(ir, '3.1') as Json;
    expect(doc31.paths['/events'].get.parameters).toEqual([
      { name: 'query', in: 'query', required: false, style: 'form', explode: true, schema: ir.routes[0]!.query.schema },
    ]);
    expect(officialOpenApiValidator('3.1')(doc31)).toBe(true);
  });
});
