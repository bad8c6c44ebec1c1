import { isObject } from '../ir/is-object.js';
import type { IrRoute, JsonSchema } from '../ir/types.js';
import { readItemEvents } from './events.js';
import { isJsonMediaType, mergeEvents, objectSchema, routeKey, toIrEvent, toRequestPart } from './ir-parts.js';
import { childPointer, type SchemaReader } from './schema.js';
import type { ReadRoutes } from './types.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace', 'query'];
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Headers the client runtime sets itself. */
const MANAGED_HEADERS = new Set(['accept', 'last-event-id', 'content-type', 'content-length']);

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
  content?: Record<string, { schema?: unknown }>;
}

function eventStreamMedia(content: unknown): [string, Record<string, unknown>] | undefined {
  if (!isObject(content)) return undefined;
  for (const [type, media] of Object.entries(content)) {
    if (type.split(';')[0]!.trim().toLowerCase() === 'text/event-stream' && isObject(media)) return [type, media];
  }
  return undefined;
}

/** Server URL with its `{variables}` replaced by their defaults. */
export function serverUrl(server: Record<string, unknown>): string {
  const variables = isObject(server.variables) ? server.variables : {};
  return String(server.url ?? '/').replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isObject(variable) && variable.default !== undefined ? String(variable.default) : whole;
  });
}

/**
 * The header a security scheme puts credentials in, as text for docs and notes; `undefined` when it is not a header
 * (an API key in the query or a cookie, mutual TLS...).
 */
export function describeScheme(scheme: Record<string, unknown>, name: string): string | undefined {
  const kind = String(scheme.scheme ?? '').toLowerCase();
  if (scheme.type === 'apiKey' && scheme.in === 'header') return `the \`${String(scheme.name)}\` header (${name})`;
  if (scheme.type === 'httpApiKey' && scheme.in === 'header') return `the \`${String(scheme.name)}\` header (${name})`;
  if (scheme.type === 'http' && kind === 'bearer') return `\`Authorization: Bearer <token>\` (${name})`;
  if (scheme.type === 'http' && kind === 'basic') return `\`Authorization: Basic <credentials>\` (${name})`;
  if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect')
    return `\`Authorization: Bearer <access token>\` (${name})`;
  return undefined;
}

/** How a security scheme reaches the server, as a sentence for the route's docs (or undefined if not a header). */
function securityNote(reader: SchemaReader, doc: Record<string, unknown>, requirement: unknown): string[] {
  if (!Array.isArray(requirement)) return [];
  const schemes =
    isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const notes: string[] = [];
  for (const alternative of requirement) {
    if (!isObject(alternative)) continue;
    for (const name of Object.keys(alternative)) {
      const at = `#/components/securitySchemes/${name}`;
      const raw = schemes[name];
      if (raw === undefined) {
        reader.warn(at, `security scheme "${name}" is not declared`);
        continue;
      }
      const { value: scheme } = reader.deref(raw, at);
      const text = describeScheme(scheme, name);
      if (text !== undefined) notes.push(text);
      else
        reader.warn(
          at,
          `security scheme "${name}" (${String(scheme.type)} in ${String(scheme.in)}) cannot be set through headers`,
        );
    }
  }
  return [...new Set(notes)];
}

function parameterSchema(reader: SchemaReader, parameter: Parameter, pointer: string): JsonSchema {
  if (parameter.schema !== undefined) return reader.readRequestPart(parameter.schema, childPointer(pointer, 'schema'));
  if (isObject(parameter.content)) {
    const [type, media] = Object.entries(parameter.content)[0] ?? [];
    if (type !== undefined && isObject(media) && media.schema !== undefined) {
      return reader.readRequestPart(media.schema, childPointer(pointer, 'content', type, 'schema'));
    }
  }
  reader.warn(pointer, `parameter "${parameter.name}" has no schema: any string`);
  return { type: 'string' };
}

/**
 * Reads the SSE operations of an OpenAPI 3.0, 3.1 or 3.2 document: every GET or POST operation with a
 * `text/event-stream` success response. Its `itemSchema` (3.2) or `schema` describes one event per `oneOf` branch.
 */
export function readOpenApi(reader: SchemaReader, doc: Record<string, unknown>): ReadRoutes {
  const routes: IrRoute[] = [];
  const skipped: string[] = [];
  const notes: string[] = [];
  const owners = new Map<string, string>();
  const version = String(doc.openapi);
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const { value: pathItem, pointer: itemPointer } = reader.deref(rawItem, childPointer('#/paths', path));
    for (const method of METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation)) continue;
      const at = childPointer(itemPointer, method);
      const label = `${method.toUpperCase()} ${path}`;
      const responses = isObject(operation.responses) ? operation.responses : {};
      let stream: [string, Record<string, unknown>, string] | undefined;
      for (const [status, raw] of Object.entries(responses)) {
        if (!/^2(\d\d|XX)$/i.test(status)) continue;
        const { value: response, pointer } = reader.deref(raw, childPointer(at, 'responses', status));
        const found = eventStreamMedia(response.content);
        if (found) {
          stream = [found[0], found[1], childPointer(pointer, 'content', found[0])];
          break;
        }
      }
      if (!stream) {
        skipped.push(`${label}: no text/event-stream response`);
        continue;
      }
      if (method !== 'get' && method !== 'post') {
        reader.warn(at, `${label} streams events, but the client opens streams with GET or POST only: skipped`);
        skipped.push(`${label}: method ${method.toUpperCase()} is not supported`);
        continue;
      }
      const [, media, mediaPointer] = stream;
      const itemKey = media.itemSchema !== undefined ? 'itemSchema' : 'schema';
      if (media[itemKey] === undefined) {
        reader.fail(mediaPointer, 'a text/event-stream response needs an `itemSchema` (OpenAPI 3.2) or `schema`');
      }
      if (itemKey === 'schema' && version.startsWith('3.2')) {
        reader.warn(
          childPointer(mediaPointer, 'schema'),
          'OpenAPI 3.2 describes stream items with `itemSchema`; `schema` read as the item schema',
        );
      }
      const key = routeKey(typeof operation.operationId === 'string' ? operation.operationId : undefined, method, path);
      const clash = owners.get(key);
      if (clash !== undefined)
        reader.fail(at, `route key "${key}" is also the key of ${clash}: give one of them another operationId`);
      owners.set(key, at);

      // Parameters: the path item's, overridden by the operation's (same name and location).
      const parameters = new Map<string, [Parameter, string]>();
      for (const [list, base] of [
        [pathItem.parameters, childPointer(itemPointer, 'parameters')],
        [operation.parameters, childPointer(at, 'parameters')],
      ] as const) {
        if (!Array.isArray(list)) continue;
        list.forEach((raw, index) => {
          const { value, pointer } = reader.deref<Parameter>(raw, childPointer(base, index));
          parameters.set(`${value.in}:${value.name}`, [value, pointer]);
        });
      }
      const params: Record<string, JsonSchema> = {};
      const query: Record<string, JsonSchema> = {};
      const headers: Record<string, JsonSchema> = {};
      const required = { query: [] as string[], headers: [] as string[] };
      let querystring: JsonSchema | undefined;
      let replay = false;
      for (const [parameter, pointer] of parameters.values()) {
        if (parameter.in === 'path') params[parameter.name] = parameterSchema(reader, parameter, pointer);
        else if (parameter.in === 'query') {
          query[parameter.name] = parameterSchema(reader, parameter, pointer);
          if (parameter.required === true) required.query.push(parameter.name);
        } else if (parameter.in === 'querystring') querystring = parameterSchema(reader, parameter, pointer);
        else if (parameter.in === 'header') {
          const lower = parameter.name.toLowerCase();
          if (lower === 'last-event-id') replay = true;
          if (MANAGED_HEADERS.has(lower)) continue;
          headers[parameter.name] = parameterSchema(reader, parameter, pointer);
          if (parameter.required === true) required.headers.push(parameter.name);
        } else {
          reader.warn(pointer, `${String(parameter.in)} parameter "${parameter.name}" is not supported: left out`);
        }
      }
      const paramNames: string[] = [];
      const colonPath = path.replace(/\{([^}]*)\}/g, (_, name: string) => {
        if (!PARAM_NAME.test(name))
          reader.fail(at, `path parameter "${name}" is not an identifier; the client cannot name it`);
        paramNames.push(name);
        return `:${name}`;
      });
      for (const name of paramNames) {
        if (params[name] === undefined) {
          reader.warn(at, `path parameter "${name}" is not declared: any string`);
          params[name] = { type: 'string' };
        }
      }
      for (const name of Object.keys(params)) if (!paramNames.includes(name)) delete params[name];

      let body: JsonSchema | undefined;
      if (operation.requestBody !== undefined) {
        const { value: requestBody, pointer } = reader.deref(operation.requestBody, childPointer(at, 'requestBody'));
        const content = isObject(requestBody.content) ? requestBody.content : {};
        const json = Object.entries(content).find(([type]) => isJsonMediaType(type));
        if (json && isObject(json[1]) && json[1].schema !== undefined) {
          body = reader.readRequestPart(json[1].schema, childPointer(pointer, 'content', json[0], 'schema'));
        } else if (requestBody.required === true) {
          reader.warn(pointer, `${label} needs a request body the client cannot send (only JSON bodies): skipped`);
          skipped.push(`${label}: non-JSON request body`);
          continue;
        } else {
          reader.warn(pointer, 'the request body is not JSON: the client sends none');
        }
      }

      const streamPointer = childPointer(mediaPointer, itemKey);
      const events = mergeEvents(readItemEvents(reader, media[itemKey], streamPointer), reader.module, key, (message) =>
        reader.warn(streamPointer, message),
      );
      const security = securityNote(reader, doc, operation.security ?? doc.security);
      if (security.length > 0) {
        notes.push(`route "${key}": authenticate with ${security.join(' or ')}; set it with createClient({ headers })`);
      }
      const description = [
        typeof operation.description === 'string' ? operation.description : undefined,
        security.length > 0
          ? `Authentication: ${security.join(' or ')}, set through the client's \`headers\`.`
          : undefined,
      ]
        .filter((s) => s !== undefined)
        .join('\n\n');
      routes.push({
        key,
        method: method === 'get' ? 'GET' : 'POST',
        path: colonPath,
        templatePath: path,
        paramNames,
        params: toRequestPart(objectSchema(params, paramNames)),
        query:
          querystring !== undefined
            ? toRequestPart(querystring)
            : Object.keys(query).length > 0
              ? toRequestPart(objectSchema(query, required.query))
              : undefined,
        headers: Object.keys(headers).length > 0 ? toRequestPart(objectSchema(headers, required.headers)) : undefined,
        body: body !== undefined ? toRequestPart(body) : undefined,
        events: events.map((event) => toIrEvent(key, event)),
        errorEvent: undefined,
        resetEvent: undefined,
        replay,
        customSerialization: false,
        summary: typeof operation.summary === 'string' ? operation.summary : undefined,
        description: description === '' ? undefined : description,
        tags: Array.isArray(operation.tags) ? operation.tags.map(String) : [],
        deprecated: operation.deprecated === true,
      });
    }
  }
  const servers = (Array.isArray(doc.servers) ? doc.servers : []).filter(isObject).map((server, index) => ({
    name: typeof server.name === 'string' ? server.name : index === 0 ? 'default' : `server${index + 1}`,
    url: serverUrl(server),
    description: typeof server.description === 'string' ? server.description : undefined,
  }));
  return { routes, skipped, notes, servers };
}
