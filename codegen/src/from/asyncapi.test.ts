import { describe, expect, it } from 'vitest';
import { parseApiDocument } from './index.js';

const tickMessage = { name: 'tick', contentType: 'application/json', payload: { type: 'integer', minimum: 0 } };

function asyncapi(extra: Record<string, unknown>) {
  return JSON.stringify({ asyncapi: '3.0.0', info: { title: 'A', version: '1' }, ...extra });
}

describe('parseApiDocument (AsyncAPI 3)', () => {
  it('reads a receive operation: channel address and parameters, messages, method and query from HTTP bindings', () => {
    const text = asyncapi({
      servers: { local: { host: 'localhost:8080', protocol: 'http', pathname: '/api' } },
      channels: {
        ticks: {
          address: '/rooms/{roomId}/ticks',
          parameters: { roomId: { enum: ['a', 'b'] } },
          messages: {
            tick: { $ref: '#/components/messages/tick' },
            note: { payload: { type: 'string' }, contentType: 'text/plain' },
          },
        },
      },
      operations: {
        receiveTicks: {
          action: 'receive',
          channel: { $ref: '#/channels/ticks' },
          bindings: {
            http: { method: 'GET', query: { type: 'object', properties: { since: { type: 'integer' } } } },
          },
        },
      },
      components: { messages: { tick: tickMessage } },
    });
    const { ir } = parseApiDocument(text, 'a.json');
    const route = ir.routes[0]!;
    expect(route).toMatchObject({ key: 'ticks', method: 'GET', path: '/rooms/:roomId/ticks', paramNames: ['roomId'] });
    expect(route.params.schema).toEqual({
      type: 'object',
      properties: { roomId: { type: 'string', enum: ['a', 'b'] } },
      required: ['roomId'],
    });
    expect(route.query?.schema).toEqual({ type: 'object', properties: { since: { type: 'integer' } } });
    expect(route.events.map((e) => [e.name, e.encoding, e.tsType])).toEqual([
      ['tick', 'json', 'number'],
      ['note', 'text', 'string'],
    ]);
    expect(ir.servers).toEqual([{ name: 'local', url: 'http://localhost:8080/api', description: undefined }]);
  });

  it('reads a send operation with a reply as a POST stream: body, headers (Last-Event-ID means replay), events', () => {
    const text = asyncapi({
      channels: {
        chat: {
          address: '/chat',
          messages: {
            request: {
              payload: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] },
              bindings: {
                http: {
                  headers: {
                    type: 'object',
                    properties: { 'x-user': { type: 'string' }, 'last-event-id': { type: 'string' } },
                  },
                },
              },
            },
            delta: { name: 'response.delta', payload: { type: 'object', properties: { text: { type: 'string' } } } },
          },
        },
      },
      operations: {
        openChat: {
          action: 'send',
          channel: { $ref: '#/channels/chat' },
          bindings: { http: { method: 'POST' } },
          messages: [{ $ref: '#/channels/chat/messages/request' }],
          reply: { channel: { $ref: '#/channels/chat' }, messages: [{ $ref: '#/channels/chat/messages/delta' }] },
        },
      },
    });
    const { ir } = parseApiDocument(text, 'a.json');
    const route = ir.routes[0]!;
    expect(route).toMatchObject({ key: 'chat', method: 'POST', replay: true });
    expect(route.body?.required).toEqual(['prompt']);
    expect(route.headers?.schema).toEqual({ type: 'object', properties: { 'x-user': { type: 'string' } } });
    expect(route.events.map((e) => e.name)).toEqual(['response.delta']);
  });

  it("reads a server's send operation (no reply) as the events a client receives; accepts the sse protocol", () => {
    const text = asyncapi({
      servers: { sse: { host: 'localhost:7114', protocol: 'sse' } },
      channels: { events: { address: '/events', messages: { event: { name: 'Event', payload: { type: 'object' } } } } },
      operations: { sendEvents: { action: 'send', channel: { $ref: '#/channels/events' } } },
    });
    const { ir, notes } = parseApiDocument(text, 'a.json');
    expect(ir.routes.map((r) => [r.key, r.method, r.events.map((e) => e.name)])).toEqual([
      ['events', 'GET', ['Event']],
    ]);
    expect(notes).toEqual([
      `channel "events": read from the server's point of view (its send operation's messages are the events)`,
    ]);
  });

  it('skips channels of other protocols and channels no operation uses', () => {
    const text = asyncapi({
      servers: { kafka: { host: 'broker:9092', protocol: 'kafka' }, web: { host: 'example.com', protocol: 'https' } },
      channels: {
        orders: { address: 'orders', servers: [{ $ref: '#/servers/kafka' }], messages: { order: tickMessage } },
        ticks: { address: '/ticks', servers: [{ $ref: '#/servers/web' }], messages: { tick: tickMessage } },
        idle: { address: '/idle' },
        nowhere: { address: null, messages: { tick: tickMessage } },
      },
      operations: {
        receiveNowhere: { action: 'receive', channel: { $ref: '#/channels/nowhere' } },
        receiveOrders: { action: 'receive', channel: { $ref: '#/channels/orders' } },
        receiveTicks: { action: 'receive', channel: { $ref: '#/channels/ticks' } },
      },
    });
    const { ir, skipped } = parseApiDocument(text, 'a.json');
    expect(ir.routes.map((r) => r.key)).toEqual(['ticks']);
    expect(skipped).toEqual([
      'channel "idle": no operation uses it',
      'channel "nowhere": no address',
      'channel "orders": not served over HTTP',
    ]);
  });

  it('reads JSON Schema payloads in a multi-format schema and fails on other schema formats with the pointer', () => {
    const base = (schemaFormat: string) =>
      asyncapi({
        servers: { web: { host: 'example.com', protocol: 'https' } },
        channels: { a: { address: '/a', messages: { m: { payload: { schemaFormat, schema: { type: 'string' } } } } } },
        operations: { r: { action: 'receive', channel: { $ref: '#/channels/a' } } },
      });
    expect(
      parseApiDocument(base('application/schema+yaml;version=draft-07'), 'a.json').ir.routes[0]!.events[0]!.schema,
    ).toEqual({
      type: 'string',
    });
    expect(() => parseApiDocument(base('application/vnd.apache.avro;version=1.9.0'), 'a.json')).toThrow(
      'a.json: #/channels/a/messages/m/payload: schemaFormat "application/vnd.apache.avro;version=1.9.0" is not supported (only AsyncAPI and JSON Schema)',
    );
  });
});
