import { isObject } from '../ir/is-object.js';
import type { IrRoute, JsonSchema } from '../ir/types.js';
import { isJsonMediaType, mergeEvents, objectSchema, type ReadEvent, toIrEvent, toRequestPart } from './ir-parts.js';
import { describeScheme, serverUrl } from './openapi.js';
import { childPointer, type SchemaReader } from './schema.js';
import type { ReadRoutes } from './types.js';

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const JSON_SCHEMA_FORMAT = /^application\/(vnd\.aai\.asyncapi(\+json|\+yaml)?|schema(\+json|\+yaml)?)(;.*)?$/;

type Obj = Record<string, unknown>;

interface Channel {
  key: string;
  pointer: string;
  value: Obj;
}

function httpBinding(value: unknown): Obj | undefined {
  return isObject(value) && isObject(value.bindings) && isObject(value.bindings.http) ? value.bindings.http : undefined;
}

/** A message's payload schema: plain, or a Multi Format Schema Object whose format is JSON Schema. */
function payloadOf(reader: SchemaReader, message: Obj, pointer: string): [unknown, string] | undefined {
  const payload = message.payload;
  if (payload === undefined) return undefined;
  const at = childPointer(pointer, 'payload');
  if (isObject(payload) && typeof payload.schemaFormat === 'string' && 'schema' in payload) {
    if (!JSON_SCHEMA_FORMAT.test(payload.schemaFormat)) {
      reader.fail(at, `schemaFormat "${payload.schemaFormat}" is not supported (only AsyncAPI and JSON Schema)`);
    }
    return [payload.schema, childPointer(at, 'schema')];
  }
  return [payload, at];
}

function readMessage(reader: SchemaReader, doc: Obj, name: string, raw: unknown, pointer: string): ReadEvent {
  const { value: message, pointer: at } = reader.deref(raw, pointer);
  const eventName = typeof message.name === 'string' ? message.name : name;
  const defaultType = typeof doc.defaultContentType === 'string' ? doc.defaultContentType : 'application/json';
  const contentType = typeof message.contentType === 'string' ? message.contentType : defaultType;
  const payload = payloadOf(reader, message, at);
  if (payload === undefined)
    return { name: eventName, encoding: 'text', schema: { type: 'string' }, contentType, examples: [] };
  const schema = reader.read(payload[0], payload[1]);
  const { schema: seen } = reader.view(payload[0], payload[1]);
  const isString = seen.type === 'string';
  const encoding = isJsonMediaType(contentType) ? 'json' : isString ? 'text' : 'json';
  if (!isJsonMediaType(contentType) && !isString) {
    reader.warn(at, `content type ${contentType} with a non-string payload: the data is parsed as JSON`);
  }
  return { name: eventName, encoding, schema, contentType, examples: [] };
}

/** Is this channel served over HTTP: an HTTP binding, or only http(s) servers? */
function isHttp(doc: Obj, channel: Obj, operations: Obj[]): boolean {
  if (operations.some((op) => httpBinding(op) !== undefined)) return true;
  const servers = isObject(doc.servers) ? doc.servers : {};
  const refs = Array.isArray(channel.servers)
    ? channel.servers.map((s) => (isObject(s) && typeof s.$ref === 'string' ? s.$ref.split('/').pop()! : ''))
    : Object.keys(servers);
  const protocols = refs.map((key) => (isObject(servers[key]) ? String(servers[key].protocol).toLowerCase() : ''));
  return protocols.length > 0 && protocols.every((p) => p === 'http' || p === 'https' || p === 'sse');
}

/**
 * Reads the SSE routes of an AsyncAPI 3.0 document: per channel with an address, the `receive` operation's messages
 * are the events (named by the message `name`, else the channel's message key); a `send` operation whose `reply`
 * carries the events is the request (its message payload is the JSON body, its HTTP binding headers the headers).
 * HTTP bindings give the method and query. Channels of non-HTTP servers are skipped.
 */
export function readAsyncApi(reader: SchemaReader, doc: Obj): ReadRoutes {
  const routes: IrRoute[] = [];
  const skipped: string[] = [];
  const notes: string[] = [];
  const channels = isObject(doc.channels) ? doc.channels : {};
  const operations = isObject(doc.operations) ? doc.operations : {};
  const byChannel = new Map<
    string,
    { channel: Channel; receive: [Obj, string][]; send: [Obj, string][]; publish: [Obj, string][] }
  >();
  for (const [id, raw] of Object.entries(operations)) {
    const { value: op, pointer } = reader.deref(raw, childPointer('#/operations', id));
    if (!isObject(op.channel) || typeof op.channel.$ref !== 'string') {
      reader.fail(pointer, 'operation without a channel $ref');
    }
    const ref = op.channel.$ref as string;
    const key = ref.split('/').pop()!.replace(/~1/g, '/').replace(/~0/g, '~');
    const { value: channel } = reader.deref(op.channel, childPointer(pointer, 'channel'));
    const entry = byChannel.get(ref) ?? {
      channel: { key, pointer: ref, value: channel },
      receive: [],
      send: [],
      publish: [],
    };
    if (op.action === 'receive') entry.receive.push([op, pointer]);
    else if (op.action === 'send' && op.reply !== undefined) entry.send.push([op, pointer]);
    else if (op.action === 'send') entry.publish.push([op, pointer]);
    else skipped.push(`operation "${id}": unknown action ${JSON.stringify(op.action)}`);
    byChannel.set(ref, entry);
  }
  const used = new Set([...byChannel.values()].map((entry) => entry.channel.key));
  for (const key of Object.keys(channels)) {
    if (!used.has(key)) skipped.push(`channel "${key}": no operation uses it`);
  }
  for (const { channel, receive, send, publish } of byChannel.values()) {
    const { key, pointer, value } = channel;
    const label = `channel "${key}"`;
    if (typeof value.address !== 'string') {
      skipped.push(`${label}: no address`);
      continue;
    }
    const ops = [...receive, ...send, ...publish].map(([op]) => op);
    if (!isHttp(doc, value, ops)) {
      skipped.push(`${label}: not served over HTTP`);
      continue;
    }
    const channelMessages = isObject(value.messages) ? value.messages : {};
    const messageKey = (ref: string) => ref.split('/').pop()!.replace(/~1/g, '/').replace(/~0/g, '~');
    const read = (refs: unknown, base: string): ReadEvent[] => {
      if (!Array.isArray(refs)) {
        return Object.entries(channelMessages).map(([name, raw]) =>
          readMessage(reader, doc, name, raw, childPointer(pointer, 'messages', name)),
        );
      }
      return refs.map((ref, index) => {
        const at = childPointer(base, index);
        const name = isObject(ref) && typeof ref.$ref === 'string' ? messageKey(ref.$ref) : `message${index}`;
        return readMessage(reader, doc, name, ref, at);
      });
    };
    let events: ReadEvent[] = [];
    let body: JsonSchema | undefined;
    let headers: JsonSchema | undefined;
    let binding: Obj | undefined;
    if (send.length > 0) {
      const [op, at] = send[0]!;
      binding = httpBinding(op);
      const reply = reader.deref(op.reply, childPointer(at, 'reply'));
      events = read(reply.value.messages, childPointer(reply.pointer, 'messages'));
      const first = Array.isArray(op.messages) ? op.messages[0] : undefined;
      if (first !== undefined) {
        const { value: message, pointer: messagePointer } = reader.deref(first, childPointer(at, 'messages', 0));
        const payload = payloadOf(reader, message, messagePointer);
        if (payload) body = reader.readRequestPart(payload[0], payload[1]);
        const http = httpBinding(message);
        const rawHeaders = http?.headers ?? message.headers;
        if (rawHeaders !== undefined)
          headers = reader.readRequestPart(
            rawHeaders,
            childPointer(messagePointer, http ? 'bindings/http/headers' : 'headers'),
          );
      }
    } else if (receive.length > 0) {
      const [op, at] = receive[0]!;
      binding = httpBinding(op);
      events = read(op.messages, childPointer(at, 'messages'));
    } else {
      // Written from the server's point of view: what it sends on the channel is what a client receives.
      const [op, at] = publish[0]!;
      binding = httpBinding(op);
      events = read(op.messages, childPointer(at, 'messages'));
      notes.push(`${label}: read from the server's point of view (its send operation's messages are the events)`);
    }
    if (receive.length > 1 || publish.length > 1) {
      reader.warn(pointer, 'several receive operations on one channel: the first one is read');
    }
    if (binding === undefined) binding = receive[0] ? httpBinding(receive[0][0]) : undefined;
    const method = String(binding?.method ?? (body !== undefined ? 'POST' : 'GET')).toUpperCase();
    if (method !== 'GET' && method !== 'POST') {
      skipped.push(`${label}: method ${method} is not supported`);
      continue;
    }
    let replay = false;
    if (headers && isObject(headers.properties)) {
      const properties = { ...headers.properties };
      for (const name of Object.keys(properties)) {
        if (name.toLowerCase() === 'last-event-id') {
          replay = true;
          delete properties[name];
        }
      }
      const required = Array.isArray(headers.required)
        ? (headers.required as string[]).filter((n) => n.toLowerCase() !== 'last-event-id')
        : [];
      headers = Object.keys(properties).length > 0 ? { ...headers, properties, required } : undefined;
      if (headers && required.length === 0) delete headers.required;
    }
    const query =
      binding?.query !== undefined
        ? reader.readRequestPart(binding.query, childPointer(pointer, 'bindings/http/query'))
        : undefined;
    const parameters = isObject(value.parameters) ? value.parameters : {};
    const paramNames: string[] = [];
    const params: Record<string, JsonSchema> = {};
    const path = value.address.replace(/\{([^}]*)\}/g, (_, name: string) => {
      if (!PARAM_NAME.test(name)) reader.fail(pointer, `address parameter "${name}" is not an identifier`);
      paramNames.push(name);
      const { value: parameter } = reader.deref(parameters[name] ?? {}, childPointer(pointer, 'parameters', name));
      const schema: JsonSchema = { type: 'string' };
      if (Array.isArray(parameter.enum)) schema.enum = parameter.enum;
      if (typeof parameter.description === 'string') schema.description = parameter.description;
      params[name] = schema;
      return `:${name}`;
    });
    const keyName = key.replace(/[^A-Za-z0-9_$]/g, '_').replace(/^([0-9])/, '_$1');
    const merged = mergeEvents(events, reader.module, keyName);
    routes.push({
      key: keyName,
      method,
      path: path.startsWith('/') ? path : `/${path}`,
      templatePath: value.address.startsWith('/') ? value.address : `/${value.address}`,
      paramNames,
      params: toRequestPart(objectSchema(params, paramNames)),
      query: query ? toRequestPart(query) : undefined,
      headers: headers ? toRequestPart(headers) : undefined,
      body: body ? toRequestPart(body) : undefined,
      events: merged.map((event) => toIrEvent(keyName, event)),
      errorEvent: undefined,
      resetEvent: undefined,
      replay,
      customSerialization: false,
      summary: typeof value.summary === 'string' ? value.summary : undefined,
      description: typeof value.description === 'string' ? value.description : undefined,
      tags: Array.isArray(value.tags) ? value.tags.filter(isObject).map((t) => String(t.name)) : [],
      deprecated: false,
    });
  }
  const keys = new Set<string>();
  for (const route of routes) {
    if (keys.has(route.key)) reader.fail('#/channels', `two channels give the route key "${route.key}"`);
    keys.add(route.key);
  }
  const servers = Object.entries(isObject(doc.servers) ? doc.servers : {})
    .filter(([, s]) => isObject(s))
    .map(([name, raw]) => {
      const server = raw as Obj;
      const host = serverUrl({ url: server.host, variables: server.variables });
      const pathname =
        typeof server.pathname === 'string' ? serverUrl({ url: server.pathname, variables: server.variables }) : '';
      return {
        name,
        url: `${String(server.protocol ?? 'https')}://${host}${pathname}`,
        description: typeof server.description === 'string' ? server.description : undefined,
      };
    });
  const security = new Set<string>();
  for (const [name, raw] of Object.entries(isObject(doc.servers) ? doc.servers : {})) {
    if (!isObject(raw) || !Array.isArray(raw.security)) continue;
    raw.security.forEach((entry, index) => {
      const at = childPointer('#/servers', name, 'security', index);
      const { value: scheme, pointer } = reader.deref(entry, at);
      const text = describeScheme(scheme, pointer.split('/').pop() ?? name);
      if (text !== undefined) security.add(text);
      else reader.warn(pointer, `security scheme of type ${String(scheme.type)} cannot be set through headers`);
    });
  }
  if (security.size > 0) {
    const text = [...security].join(' or ');
    notes.push(`authenticate with ${text}; set it with createClient({ headers })`);
    for (const route of routes) {
      route.description = [route.description, `Authentication: ${text}, set through the client's \`headers\`.`]
        .filter((s) => s !== undefined)
        .join('\n\n');
    }
  }
  return { routes, skipped, notes, servers };
}
