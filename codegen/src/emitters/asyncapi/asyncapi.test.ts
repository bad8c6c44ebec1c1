import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { collectRefs, parseAsyncApi, resolvePointer, schemaAt } from '../../../tests/docs-validators.js';
import { seedIr } from '../../../tests/fixtures/seed-ir.js';
import type { IrDocument } from '../../ir/types.js';
import type { EmitOptions } from '../types.js';
import { asyncapiEmitter, buildAsyncApi } from './asyncapi.js';
import { toDraft07 } from './draft-07.js';

const options: EmitOptions = { validation: 'zod', runtimeImport: '@ssekit/client', openapiVersion: '3.2' };

// biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
type Json = any;

async function emitted(ir: IrDocument): Promise<{ json: Json; yaml: Json; text: string }> {
  const files = await asyncapiEmitter.emit(ir, options);
  expect(files.map((f) => f.path)).toEqual(['asyncapi.json', 'asyncapi.yaml']);
  const text = files[0]?.contents ?? '';
  return { json: JSON.parse(text), yaml: parseYaml(files[1]?.contents ?? ''), text };
}

describe('asyncapi emitter', () => {
  it('parses with @asyncapi/parser without errors or warnings, from JSON and from YAML', async () => {
    const files = await asyncapiEmitter.emit(seedIr, options);
    for (const file of files) {
      const { ok, diagnostics } = await parseAsyncApi(file.contents);
      expect(diagnostics.filter((d) => d.severity <= 1)).toEqual([]);
      expect(ok).toBe(true);
      // The only information the parser gives is that AsyncAPI 3.1 exists; 3.0 is what we emit on purpose.
      expect(diagnostics.map((d) => d.code)).toEqual(['asyncapi-latest-version']);
    }
    const { json, yaml } = await emitted(seedIr);
    expect(yaml).toEqual(json);
  });

  it('the parser is a real check: it reports a channel parameter that the address lacks', async () => {
    const doc = buildAsyncApi(seedIr) as Json;
    doc.channels.greetings.parameters.other = { description: 'not in the address' };
    const { diagnostics } = await parseAsyncApi(JSON.stringify(doc));
    expect(diagnostics.some((d) => d.severity === 0 && d.path.startsWith('channels/greetings/parameters'))).toBe(true);
  });

  it('has info, and servers split into protocol, host and pathname', async () => {
    const { json } = await emitted(seedIr);
    expect(json.asyncapi).toBe('3.0.0');
    expect(json.info).toMatchObject({ title: 'ssekit seed API', version: '0.1.0' });
    expect(json.servers).toEqual({
      local: { host: 'localhost:8080', protocol: 'http', description: 'Local development server' },
      production: { host: 'api.example.com', protocol: 'https', pathname: '/sse' },
    });
  });

  it('turns a relative server URL into a host variable, still valid', async () => {
    const ir = structuredClone(seedIr);
    ir.servers = [{ name: 'same origin', url: '/api/sse', description: undefined }];
    const doc = buildAsyncApi(ir) as Json;
    expect(doc.servers).toEqual({
      same_origin: {
        host: '{host}',
        protocol: 'http',
        pathname: '/api/sse',
        description: 'Serves the API at /api/sse',
        variables: { host: { default: 'localhost', description: 'Host (and port) serving the API.' } },
      },
    });
    const { diagnostics } = await parseAsyncApi(JSON.stringify(doc));
    expect(diagnostics.filter((d) => d.severity <= 1)).toEqual([]);
  });

  it('has one channel per route, its address with {params} and each param described', async () => {
    const { json } = await emitted(seedIr);
    expect(Object.keys(json.channels)).toEqual(seedIr.routes.map((r) => r.key));
    expect(json.channels.greetings.address).toBe('/greetings/{name}');
    expect(json.channels.greetings.parameters).toEqual({
      name: { description: 'Path parameter: string, min length 1, max length 64.' },
    });
    expect(json.channels.events.parameters).toBeUndefined();
    expect(json.channels.roomMessages.description).toMatch(/Last-Event-ID/);
  });

  it('has one message per event: name, payload, contentType, examples; error and reset included', async () => {
    const { json } = await emitted(seedIr);
    for (const route of seedIr.routes) {
      for (const event of route.events) {
        const message = json.components.messages[`${route.key}.${event.name}`];
        expect(message.name).toBe(event.name);
        expect(message.contentType).toBe(event.contentType);
        expect(message.payload).toBeDefined();
        expect(message.examples?.map((e: Json) => e.payload) ?? []).toEqual(event.examples);
        expect(json.channels[route.key].messages[event.name]).toEqual({
          $ref: `#/components/messages/${route.key}.${event.name}`,
        });
      }
    }
    expect(json.components.messages['events.message'].payload).toEqual({ type: 'string' });
    expect(json.components.messages['events.message'].contentType).toBe('text/plain');
    expect(json.components.messages['greetings.error']).toMatchObject({
      title: 'error (error)',
      summary: expect.stringMatching(/^Error event/),
    });
    expect(json.components.messages['roomMessages.reset'].summary).toMatch(/^Reset event/);
    expect(json.components.messages['catalog.tree'].contentType).toBe('application/vnd.ssekit.tree');
  });

  it('has one receive operation per route with an HTTP binding naming the method and the query', async () => {
    const { json } = await emitted(seedIr);
    const receive = Object.entries(json.operations).filter(([, op]: [string, Json]) => op.action === 'receive');
    expect(receive.map(([id]) => id)).toEqual([
      'receiveEvents',
      'receiveJson',
      'receiveGreetings',
      'receiveRoomMessages',
      'receiveCompletions',
      'receiveCatalog',
    ]);
    const greetings = json.operations.receiveGreetings;
    expect(greetings.channel).toEqual({ $ref: '#/channels/greetings' });
    expect(greetings.messages).toEqual([
      { $ref: '#/channels/greetings/messages/greeting' },
      { $ref: '#/channels/greetings/messages/error' },
    ]);
    expect(greetings.bindings.http).toEqual({
      method: 'GET',
      query: {
        type: 'object',
        properties: { count: { default: 3, type: 'integer', minimum: 1, maximum: 1000 } },
      },
      bindingVersion: '0.3.0',
    });
    expect(json.operations.receiveCompletions.bindings.http.method).toBe('POST');
  });

  it('describes headers and the POST body on a request message, sent by an operation whose reply is the stream', async () => {
    const { json } = await emitted(seedIr);
    const request = json.components.messages['completions.subscribeRequest'];
    expect(request.contentType).toBe('application/json');
    expect(request.payload.required).toEqual(['prompt']);
    expect(request.payload.properties.stop).toMatchObject({ items: [{ type: 'string' }, { type: 'string' }] });
    expect(request.bindings.http.headers).toMatchObject({ required: ['x-api-key'] });
    const send = json.operations.sendCompletionsRequest;
    expect(send).toMatchObject({ action: 'send', bindings: { http: { method: 'POST' } } });
    expect(send.reply.messages).toHaveLength(3);
    const room = json.components.messages['roomMessages.subscribeRequest'];
    expect(room.payload).toBeUndefined();
    expect(Object.keys(room.bindings.http.headers.properties)).toEqual(['authorization', 'x-tenant', 'last-event-id']);
    expect(json.operations.sendEventsRequest).toBeUndefined();
  });

  it('moves $defs and recursive schemas into components.schemas; every $ref resolves', async () => {
    const { json } = await emitted(seedIr);
    expect(json.components.messages['catalog.tree'].payload).toEqual({ $ref: '#/components/schemas/catalog.tree' });
    expect(json.components.schemas['catalog.tree'].properties.children.items).toEqual({
      $ref: '#/components/schemas/catalog.tree',
    });
    expect(json.components.schemas.Author.properties.role.enum).toEqual(['member', 'moderator', 'bot']);
    for (const ref of collectRefs(json)) expect(resolvePointer(json, ref), ref).toBeDefined();
    const text = JSON.stringify(json);
    expect(text).not.toContain('$defs');
    expect(text).not.toContain('prefixItems');
    expect(text).not.toContain('"$schema"');
  });

  it('the draft-07 payloads accept the contract examples and reject wrong data', async () => {
    const { json } = await emitted(seedIr);
    for (const route of seedIr.routes) {
      for (const event of route.events) {
        const payload = schemaAt(json, `/components/messages/${route.key}.${event.name}/payload`, 'draft-07');
        for (const example of event.examples) {
          expect(payload(example), `${route.key}.${event.name}: ${JSON.stringify(payload.errors)}`).toBe(true);
        }
      }
    }
    const message = schemaAt(json, '/components/messages/roomMessages.message/payload', 'draft-07');
    const valid = seedIr.routes[3]?.events[0]?.examples[0] as Json;
    expect(message({ ...valid, author: { name: 'Ada', role: 'admin' } })).toBe(false);
    const body = schemaAt(json, '/components/messages/completions.subscribeRequest/payload', 'draft-07');
    expect(body({ prompt: 'hi', stop: ['a', 'b'] })).toBe(true);
    expect(body({ prompt: 'hi', stop: ['a', 'b', 'c'] })).toBe(false);
  });

  it('is deterministic', async () => {
    const a = await asyncapiEmitter.emit(seedIr, options);
    const b = await asyncapiEmitter.emit(structuredClone(seedIr), options);
    expect(b).toEqual(a);
  });
});

describe('toDraft07', () => {
  it('rewrites 2020-12 tuples and dependencies and drops keywords draft-07 lacks', () => {
    expect(
      toDraft07({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { t: { type: 'array', prefixItems: [{ type: 'string' }], items: false } },
        dependentRequired: { a: ['b'] },
        dependentSchemas: { c: { prefixItems: [{ const: { prefixItems: 1 } }] } },
        unevaluatedProperties: false,
        examples: [{ prefixItems: [] }],
      }),
    ).toEqual({
      type: 'object',
      properties: { t: { type: 'array', items: [{ type: 'string' }], additionalItems: false } },
      examples: [{ prefixItems: [] }],
      dependencies: { a: ['b'], c: { items: [{ const: { prefixItems: 1 } }] } },
    });
  });
});
