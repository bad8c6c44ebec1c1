import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { emitClientSource } from '../emitters/client/emit-client.js';
import { parseApiDocument } from './index.js';

const ok = { description: 'ok' };

function doc(paths: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return JSON.stringify({ openapi: '3.2.0', info: { title: 'T', version: '1' }, paths, ...extra });
}

function stream(itemSchema: unknown, key: 'itemSchema' | 'schema' = 'itemSchema') {
  return { responses: { '200': { description: 'events', content: { 'text/event-stream': { [key]: itemSchema } } } } };
}

const tick = { properties: { event: { const: 'tick' }, data: { type: 'integer' } }, required: ['event', 'data'] };

describe('parseApiDocument (OpenAPI)', () => {
  it('reads events discriminated by const and enum, with JSON, string-encoded JSON and text data', () => {
    const text = doc({
      '/feed': {
        get: {
          operationId: 'feed',
          ...stream({
            oneOf: [
              tick,
              {
                properties: {
                  event: { type: 'string', enum: ['created', 'updated'] },
                  data: {
                    type: 'string',
                    contentMediaType: 'application/json',
                    contentSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
                  },
                },
              },
              { properties: { event: { const: 'note' }, data: { type: 'string', maxLength: 5 } } },
              { properties: { data: { type: 'string' } } },
            ],
          }),
        },
      },
    });
    const { ir } = parseApiDocument(text, 'api.json');
    const events = ir.routes[0]!.events.map((e) => [e.name, e.encoding, e.tsType]);
    expect(events).toEqual([
      ['tick', 'json', 'number'],
      ['created', 'json', '{ id: string }'],
      ['updated', 'json', '{ id: string }'],
      ['note', 'text', 'string'],
      ['message', 'text', 'string'],
    ]);
    expect(ir.routes[0]!.events[3]!.schema).toEqual({ type: 'string', maxLength: 5 });
  });

  it('reads a constant sentinel item as a text event, and a 3.2 querystring parameter as the query', () => {
    const text = doc({
      '/llm': {
        get: {
          operationId: 'llm',
          parameters: [
            {
              name: 'q',
              in: 'querystring',
              content: {
                'application/x-www-form-urlencoded': {
                  schema: { type: 'object', properties: { model: { type: 'string' } } },
                },
              },
            },
          ],
          ...stream({ oneOf: [{ properties: { data: { type: 'object' } } }, { const: { data: '[DONE]' } }] }),
        },
      },
    });
    const { ir, warnings } = parseApiDocument(text, 'api.json');
    const route = ir.routes[0]!;
    expect(route.query?.schema).toEqual({ type: 'object', properties: { model: { type: 'string' } } });
    // Both branches are `message` events: JSON chunks, then a `[DONE]` text frame. The JSON event is kept, the
    // sentinel reported (the client passes that frame to onError).
    expect(route.events.map((e) => [e.name, e.encoding])).toEqual([['message', 'json']]);
    expect(warnings.map((w) => w.message)).toEqual([
      'event "message" is JSON but may also carry the text "[DONE]": the client reports that frame through onError',
    ]);
    const named = doc({
      '/llm': {
        get: stream({ oneOf: [tick, { const: { event: 'done', data: '[DONE]' } }] }),
      },
    });
    expect(parseApiDocument(named, 'api.json').ir.routes[0]!.events.map((e) => [e.name, e.encoding, e.schema])).toEqual(
      [
        ['tick', 'json', { type: 'integer' }],
        ['done', 'text', { type: 'string', const: '[DONE]' }],
      ],
    );
  });

  it('fails on a path parameter that is not an identifier', () => {
    const text = doc({ '/users/{user-id}': { get: stream(tick) } });
    expect(() => parseApiDocument(text, 'api.json')).toThrow(
      'api.json: #/paths/~1users~1{user-id}/get: path parameter "user-id" is not an identifier; the client cannot name it',
    );
  });

  it('fails with the pointer when the event name is not fixed', () => {
    const text = doc({ '/a': { get: stream({ properties: { event: { type: 'string' }, data: {} } }) } });
    expect(() => parseApiDocument(text, 'api.json')).toThrow(
      'api.json: #/paths/~1a/get/responses/200/content/text~1event-stream/itemSchema/properties/event: the `event` property must fix the event name with `const` or a string `enum`',
    );
  });

  it('reports a recursive request body at its pointer: the client types it unknown, never silently', () => {
    const text = doc(
      {
        '/search': {
          post: {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Node' } } },
            },
            ...stream(tick),
          },
        },
      },
      {
        components: {
          schemas: {
            Node: {
              type: 'object',
              properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } },
            },
          },
        },
      },
    );
    const { ir, warnings } = parseApiDocument(text, 'api.json');
    expect(ir.routes[0]?.body?.schema.$defs).toBeDefined();
    expect(warnings).toEqual([
      {
        pointer: '#/paths/~1search/post/requestBody/content/application~1json/schema',
        message:
          'a recursive schema in a request part is typed `unknown` in the generated client (sent as given; the server validates it)',
      },
    ]);
  });

  it('reads path, query and header parameters (path-level ones too); Last-Event-ID means replay', () => {
    const text = doc({
      '/rooms/{roomId}/events': {
        parameters: [{ name: 'roomId', in: 'path', required: true, schema: { type: 'string', minLength: 1 } }],
        get: {
          parameters: [
            { name: 'limit', in: 'query', required: true, schema: { type: 'integer', minimum: 1 } },
            { name: 'X-Tenant', in: 'header', schema: { type: 'string' } },
            { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } },
            { name: 'session', in: 'cookie', schema: { type: 'string' } },
          ],
          ...stream(tick),
        },
      },
    });
    const { ir, warnings } = parseApiDocument(text, 'api.json');
    const route = ir.routes[0]!;
    expect(route).toMatchObject({
      key: 'getRoomsRoomIdEvents',
      method: 'GET',
      path: '/rooms/:roomId/events',
      templatePath: '/rooms/{roomId}/events',
      paramNames: ['roomId'],
      replay: true,
    });
    expect(route.params.schema).toEqual({
      type: 'object',
      properties: { roomId: { type: 'string', minLength: 1 } },
      required: ['roomId'],
    });
    expect(route.query?.required).toEqual(['limit']);
    expect(Object.keys(route.headers?.schema.properties as object)).toEqual(['X-Tenant']);
    expect(warnings).toEqual([
      {
        pointer: '#/paths/~1rooms~1{roomId}~1events/get/parameters/3',
        message: 'cookie parameter "session" is not supported: left out',
      },
    ]);
  });

  it('reads a POST stream with a JSON body, and skips one whose body the client cannot send', () => {
    const body = (type: string) => ({
      required: true,
      content: { [type]: { schema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } } },
    });
    const text = doc({
      '/chat': { post: { operationId: 'chat', requestBody: body('application/json'), ...stream(tick) } },
      '/upload': { post: { operationId: 'upload', requestBody: body('multipart/form-data'), ...stream(tick) } },
    });
    const { ir, skipped } = parseApiDocument(text, 'api.json');
    expect(ir.routes.map((r) => [r.key, r.method, r.body?.required])).toEqual([['chat', 'POST', ['q']]]);
    expect(skipped).toEqual(['POST /upload: non-JSON request body']);
  });

  it('maps bearer and header API key security to notes and route docs (set through the client headers)', () => {
    const text = doc(
      { '/a': { get: { operationId: 'a', security: [{ token: [] }, { key: [] }], ...stream(tick) } } },
      {
        components: {
          securitySchemes: {
            token: { type: 'http', scheme: 'bearer' },
            key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
            basic: { type: 'http', scheme: 'basic' },
            oauth: { type: 'oauth2', flows: {} },
            cookie: { type: 'apiKey', in: 'cookie', name: 'sid' },
          },
        },
      },
    );
    const { ir, notes } = parseApiDocument(text, 'api.json');
    const others = doc(
      {
        '/a': { get: { operationId: 'a', security: [{ basic: [] }, { oauth: [] }, { cookie: [] }], ...stream(tick) } },
      },
      JSON.parse(text).components ? { components: JSON.parse(text).components } : {},
    );
    const read = parseApiDocument(others, 'api.json');
    expect(read.notes[0]).toContain(
      '`Authorization: Basic <credentials>` (basic) or `Authorization: Bearer <access token>` (oauth)',
    );
    expect(read.warnings).toEqual([
      {
        pointer: '#/components/securitySchemes/cookie',
        message: 'security scheme "cookie" (apiKey in cookie) cannot be set through headers',
      },
    ]);
    expect(notes).toEqual([
      'route "a": authenticate with `Authorization: Bearer <token>` (token) or the `X-Api-Key` header (key); set it with createClient({ headers })',
    ]);
    expect(ir.routes[0]!.description).toContain('Authorization: Bearer');
  });

  it('sanitises operation ids into route keys and fails on a clash', () => {
    const a = doc({ '/a': { get: { operationId: 'stream.events', ...stream(tick) } } });
    expect(parseApiDocument(a, 'a.json').ir.routes[0]!.key).toBe('streamEvents');
    const clash = doc({
      '/a': { get: { operationId: 'stream-events', ...stream(tick) } },
      '/b': { get: { operationId: 'stream.events', ...stream(tick) } },
    });
    expect(() => parseApiDocument(clash, 'api.json')).toThrow(
      'api.json: #/paths/~1b/get: route key "streamEvents" is also the key of #/paths/~1a/get: give one of them another operationId',
    );
  });

  it('skips non-SSE operations and methods the client cannot use, and fails when nothing is left', () => {
    const text = doc({
      '/json': { get: { responses: { '200': { description: 'x', content: { 'application/json': { schema: {} } } } } } },
      '/put': { put: stream(tick) },
      '/ok': { get: stream(tick) },
    });
    const { skipped, warnings } = parseApiDocument(text, 'api.json');
    expect(skipped).toEqual(['GET /json: no text/event-stream response', 'PUT /put: method PUT is not supported']);
    expect(warnings[0]?.pointer).toBe('#/paths/~1put/put');
    expect(() => parseApiDocument(doc({ '/json': { get: { responses: { '200': ok } } } }), 'none.json')).toThrow(
      /no SSE operation found.*skipped: GET \/json: no text\/event-stream response/,
    );
  });

  it('reads an OpenAPI 3.0 document in YAML: `schema`, `nullable`, $ref responses and servers with variables', () => {
    const text = stringify({
      openapi: '3.0.3',
      info: { title: 'Old', version: '1' },
      servers: [{ url: 'https://{region}.example.com/v1', variables: { region: { default: 'eu' } } }],
      paths: { '/s': { get: { operationId: 's', responses: { '200': { $ref: '#/components/responses/Stream' } } } } },
      components: {
        responses: {
          Stream: {
            description: 'x',
            content: {
              'text/event-stream': {
                schema: {
                  type: 'object',
                  properties: {
                    event: { type: 'string', enum: ['price'] },
                    data: { $ref: '#/components/schemas/Price' },
                  },
                },
              },
            },
          },
        },
        schemas: {
          Price: {
            type: 'object',
            properties: { value: { type: 'number', nullable: true } },
            required: ['value'],
            additionalProperties: { type: 'string' },
          },
        },
      },
    });
    const { ir, format } = parseApiDocument(text, 'old.yaml');
    expect(format).toBe('openapi 3.0.3');
    expect(ir.servers).toEqual([{ name: 'default', url: 'https://eu.example.com/v1', description: undefined }]);
    const event = ir.routes[0]!.events[0]!;
    expect([event.name, event.encoding]).toEqual(['price', 'json']);
    expect(event.schema).toEqual({
      type: 'object',
      properties: { value: { type: ['number', 'null'] } },
      required: ['value'],
      additionalProperties: { type: 'string' },
    });
    const source = emitClientSource(ir, {
      validation: 'standalone',
      runtimeImport: '@ssekit/client',
      openapiVersion: '3.2',
    });
    expect(source).toContain('checkSPriceData');
  });

  it('rejects what is not OpenAPI 3 or AsyncAPI 3', () => {
    expect(() => parseApiDocument('swagger: "2.0"\n', 'old.yaml')).toThrow(
      'old.yaml: unsupported document (swagger 2.0): expected OpenAPI 3.0, 3.1 or 3.2, or AsyncAPI 3.0',
    );
    expect(() => parseApiDocument('{ nope', 'bad.json')).toThrow(/bad\.json: not a YAML or JSON document/);
  });
});
