import { CodegenError } from '../../errors.js';
import { isObject } from '../../ir/is-object.js';
import type { IrDocument, IrEvent, IrRequestPart, IrRoute, JsonSchema } from '../../ir/types.js';
import { schemaSummary } from '../html/schema-text.js';
import { componentName, embedSchema, SchemaComponents } from '../openapi/json-schema.js';
import type { EmittedFile, Emitter } from '../types.js';
import { toYaml } from '../yaml.js';
import { toDraft07 } from './draft-07.js';

/** An AsyncAPI 3.0 document as plain JSON data. */
export type AsyncApiDocument = { asyncapi: '3.0.0' } & Record<string, unknown>;

const HTTP_BINDING = '0.3.0';

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function pointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** An IR schema as an AsyncAPI (draft-07 based) Schema Object, its `$defs` moved to `components.schemas`. */
function asyncSchema(schema: JsonSchema, name: string, components: SchemaComponents): JsonSchema {
  return toDraft07(embedSchema(schema, name, components)) as JsonSchema;
}

function servers(ir: IrDocument): Record<string, unknown> | undefined {
  if (ir.servers.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const server of ir.servers) {
    let key = componentName(server.name).replace(/\./g, '_');
    while (key in out) key = `${key}_`;
    let url: URL | undefined;
    try {
      url = new URL(server.url);
    } catch {
      url = undefined;
    }
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) {
      const pathname = url.pathname.replace(/\/+$/, '');
      out[key] = defined({
        host: url.host,
        protocol: url.protocol.slice(0, -1),
        pathname: pathname === '' ? undefined : pathname,
        description: server.description,
      });
    } else {
      // A relative (or odd) URL: AsyncAPI needs a host, so it becomes a variable the reader fills in.
      out[key] = defined({
        host: '{host}',
        protocol: 'http',
        pathname: server.url.startsWith('/') ? server.url.replace(/\/+$/, '') || undefined : undefined,
        description: server.description ?? `Serves the API at ${server.url}`,
        variables: { host: { default: 'localhost', description: 'Host (and port) serving the API.' } },
      });
    }
  }
  return out;
}

function paramObjects(route: IrRoute): Record<string, unknown> | undefined {
  if (route.paramNames.length === 0) return undefined;
  const properties = isObject(route.params.schema.properties) ? route.params.schema.properties : {};
  const out: Record<string, unknown> = {};
  for (const name of route.paramNames) {
    const schema = isObject(properties[name]) ? (properties[name] as JsonSchema) : { type: 'string' };
    const description = [
      typeof schema.description === 'string' ? schema.description : '',
      `Path parameter: ${schemaSummary(schema)}.`,
    ]
      .filter((s) => s !== '')
      .join(' ');
    const enumValues = Array.isArray(schema.enum) ? schema.enum.map(String) : undefined;
    const examples = Array.isArray(schema.examples) ? schema.examples.map(String) : undefined;
    out[name] = defined({
      description,
      enum: enumValues,
      default: schema.default === undefined ? undefined : String(schema.default),
      examples,
    });
  }
  return out;
}

function roleSummary(route: IrRoute, event: IrEvent): string {
  if (event.role === 'error')
    return 'Error event: sent once when the handler fails after the stream started; then the stream ends.';
  if (event.role === 'reset') {
    return 'Reset event: the Last-Event-ID sent on reconnect could not be resumed (too old, another epoch, or malformed).';
  }
  return `\`${event.name}\` event of ${route.method} ${route.path}.`;
}

function objectPart(
  part: IrRequestPart | undefined,
  name: string,
  components: SchemaComponents,
): JsonSchema | undefined {
  if (part === undefined) return undefined;
  const schema = asyncSchema(part.schema, name, components);
  // HTTP bindings want an object schema with `properties`.
  return { type: 'object', properties: {}, ...schema };
}

function withLastEventId(headers: JsonSchema | undefined, route: IrRoute): JsonSchema | undefined {
  if (!route.replay) return headers;
  const base: JsonSchema = headers ?? { type: 'object', properties: {} };
  const properties = isObject(base.properties) ? base.properties : {};
  if (Object.keys(properties).some((k) => k.toLowerCase() === 'last-event-id')) return base;
  return {
    ...base,
    properties: {
      ...properties,
      'last-event-id': {
        type: 'string',
        description:
          'Sent on reconnect: the id of the last event received. The stream resumes after it, or sends the reset event.',
      },
    },
  };
}

/**
 * The message id of each event of a route: its name with every character AsyncAPI does not allow in an id
 * (`^[A-Za-z0-9._-]+$`) replaced by `_` (`a:b` → `a_b`). The message's `name` keeps the real event name. Two events
 * whose ids would be equal fail with a {@link CodegenError} naming the route and both events.
 */
function messageIds(route: IrRoute): Map<string, string> {
  const ids = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const event of route.events) {
    const id = componentName(event.name);
    const previous = owners.get(id);
    if (previous !== undefined) {
      throw new CodegenError(
        `events ${JSON.stringify(previous)} and ${JSON.stringify(event.name)} both become the AsyncAPI message id ${JSON.stringify(id)}; rename one`,
        { route: route.key, event: event.name },
      );
    }
    owners.set(id, event.name);
    ids.set(event.name, id);
  }
  return ids;
}

/**
 * The AsyncAPI 3.0 document of a contract set, from the point of view of a client: one channel per route, one
 * message per event, one `receive` operation per route (HTTP binding: method and query), plus, for routes whose
 * request carries headers or a body, a `send` operation for that request whose reply is the event stream.
 *
 * @example
 * ```ts
 * const doc = buildAsyncApi(ir);
 * doc.channels; // { events: { address: '/events', ... }, ... }
 * ```
 */
export function buildAsyncApi(ir: IrDocument): AsyncApiDocument {
  const schemas = new SchemaComponents('#/components/schemas/');
  const messages: Record<string, unknown> = {};
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const tagNames: string[] = [];

  for (const route of ir.routes) {
    for (const tag of route.tags) if (!tagNames.includes(tag)) tagNames.push(tag);
    const tags = route.tags.length > 0 ? route.tags.map((name) => ({ name })) : undefined;
    const channelMessages: Record<string, unknown> = {};
    const channelRef = `#/channels/${pointer(route.key)}`;
    const messageKeys = messageIds(route);
    for (const event of route.events) {
      const key = messageKeys.get(event.name)!;
      const id = `${route.key}.${key}`;
      const payload = asyncSchema(event.schema, id, schemas);
      messages[id] = defined({
        name: event.name,
        title: event.role === 'event' ? event.name : `${event.name} (${event.role})`,
        summary: roleSummary(route, event),
        description: typeof event.schema.description === 'string' ? event.schema.description : undefined,
        contentType: event.contentType,
        payload,
        examples:
          event.examples.length > 0
            ? event.examples.map((value, index) => ({
                name: `${event.name}${index + 1}`,
                payload: structuredClone(value),
              }))
            : undefined,
        bindings: { http: { statusCode: 200, bindingVersion: HTTP_BINDING } },
      });
      // defineProperty: an event may be called `__proto__`.
      Object.defineProperty(channelMessages, key, {
        value: { $ref: `#/components/messages/${pointer(id)}` },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    const query = objectPart(route.query, `${route.key}.query`, schemas);
    const headers = withLastEventId(objectPart(route.headers, `${route.key}.headers`, schemas), route);
    const body = route.body ? asyncSchema(route.body.schema, `${route.key}.body`, schemas) : undefined;
    let requestKey: string | undefined;
    if (headers !== undefined || body !== undefined) {
      requestKey = 'subscribeRequest';
      while (Object.hasOwn(channelMessages, requestKey)) requestKey = `${requestKey}_`;
      const id = `${route.key}.${requestKey}`;
      messages[id] = defined({
        name: requestKey,
        title: `${route.method} ${route.path}`,
        summary:
          'The HTTP request that opens the stream; invalid params, query, headers or body are answered with 400 (problem+json) before any event.',
        contentType: body !== undefined ? 'application/json' : undefined,
        payload: body,
        bindings: { http: defined({ headers, bindingVersion: HTTP_BINDING }) },
      });
      channelMessages[requestKey] = { $ref: `#/components/messages/${pointer(id)}` };
    }
    channels[route.key] = defined({
      address: route.templatePath,
      title: route.key,
      summary: route.summary,
      description: route.description,
      messages: channelMessages,
      parameters: paramObjects(route),
      tags,
    });
    const operationBinding = { http: defined({ method: route.method, query, bindingVersion: HTTP_BINDING }) };
    const eventRefs = route.events.map((event) => ({
      $ref: `${channelRef}/messages/${pointer(messageKeys.get(event.name)!)}`,
    }));
    const deprecatedNote = route.deprecated ? ' Deprecated.' : '';
    operations[`receive${upperFirst(route.key)}`] = defined({
      action: 'receive',
      channel: { $ref: channelRef },
      title: `Receive ${route.key}`,
      summary: route.summary,
      description: `${route.method} ${route.path} answers \`text/event-stream\`: each SSE event's \`event:\` field is the message name, its \`data:\` the payload.${route.replay ? ' Ids are resumable with `Last-Event-ID`.' : ''}${deprecatedNote}`,
      tags,
      bindings: operationBinding,
      messages: eventRefs,
    });
    if (requestKey !== undefined) {
      operations[`send${upperFirst(route.key)}Request`] = defined({
        action: 'send',
        channel: { $ref: channelRef },
        title: `Open ${route.key}`,
        summary: `Sends the ${route.method} request that opens the ${route.key} stream.`,
        tags,
        bindings: operationBinding,
        messages: [{ $ref: `${channelRef}/messages/${pointer(requestKey)}` }],
        reply: { channel: { $ref: channelRef }, messages: eventRefs },
      });
    }
  }

  const schemaEntries = schemas.sorted().map(([name, schema]) => [name, toDraft07(schema)] as const);
  return defined({
    asyncapi: '3.0.0' as const,
    info: defined({
      title: ir.info.title,
      version: ir.info.version,
      description: ir.info.description,
      tags: tagNames.length > 0 ? tagNames.map((name) => ({ name })) : undefined,
    }),
    defaultContentType: 'application/json',
    servers: servers(ir),
    channels,
    operations,
    components: defined({
      schemas: schemaEntries.length > 0 ? Object.fromEntries(schemaEntries) : undefined,
      messages,
    }),
  });
}

/**
 * `asyncapi` emitter: `asyncapi.json` and `asyncapi.yaml` (AsyncAPI 3.0).
 *
 * @example
 * ```ts
 * const [json, yaml] = await asyncapiEmitter.emit(ir, options);
 * ```
 */
export const asyncapiEmitter: Emitter = {
  name: 'asyncapi',
  emit(ir: IrDocument): EmittedFile[] {
    const doc = buildAsyncApi(ir);
    return [
      { path: 'asyncapi.json', contents: `${JSON.stringify(doc, null, 2)}\n` },
      { path: 'asyncapi.yaml', contents: toYaml(doc) },
    ];
  },
};
