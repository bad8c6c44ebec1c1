import { CodegenError } from '../errors.js';
import { isObject } from '../ir/is-object.js';
import { jsonSchemaToTs } from '../ir/json-schema-to-ts.js';
import { defTypeName, eventTypeName } from '../ir/names.js';
import type { IrEvent, IrRequestPart, JsonSchema } from '../ir/types.js';

/** An event as a document describes it, before it becomes an {@link IrEvent}. */
export interface ReadEvent {
  name: string;
  encoding: 'text' | 'json';
  schema: JsonSchema;
  contentType: string;
  examples: unknown[];
  description?: string | undefined;
}

const ROUTE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A route key (`client.<key>`) from an operation id or, without one, from the method and path:
 * `get-user events` → `getUserEvents`, `GET /users/{id}/events` → `getUsersIdEvents`.
 *
 * @example
 * ```ts
 * routeKey('stream.Chat', 'POST', '/chat'); // 'streamChat'
 * routeKey(undefined, 'GET', '/users/{id}/events'); // 'getUsersIdEvents'
 * ```
 */
export function routeKey(operationId: string | undefined, method: string, path: string): string {
  const raw = operationId ?? `${method.toLowerCase()} ${path}`;
  if (ROUTE_KEY.test(raw)) return raw;
  const words = raw.split(/[^A-Za-z0-9_$]+/).filter(Boolean);
  let key = words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
  if (key === '') key = 'route';
  if (/^[0-9]/.test(key)) key = `_${key}`;
  return key;
}

/** True for `application/json`, `application/problem+json`, `text/json`...: data the client parses as JSON. */
export function isJsonMediaType(mediaType: string | undefined): boolean {
  if (mediaType === undefined) return false;
  const base = mediaType.split(';')[0]!.trim().toLowerCase();
  return base === 'application/json' || base === 'text/json' || base.endsWith('+json');
}

/** The IR event of a read event: TypeScript text and type names as `buildIr` makes them. */
export function toIrEvent(routeKeyName: string, event: ReadEvent): IrEvent {
  const typeName = eventTypeName(routeKeyName, event.name);
  const defName = (def: string) => defTypeName(typeName, def);
  const defs = (event.schema.$defs ?? {}) as Record<string, JsonSchema>;
  const schema =
    event.description !== undefined && event.schema.description === undefined
      ? { ...event.schema, description: event.description }
      : event.schema;
  return {
    name: event.name,
    encoding: event.encoding,
    schema,
    inputSchema: schema,
    tsType: jsonSchemaToTs(schema, { rootName: typeName, defName }),
    contentType: event.contentType,
    examples: event.examples,
    role: 'event',
    needsZod: false,
    zodOnly: [],
    typeName,
    tsDefinitions: Object.entries(defs).map(([def, json]) => ({
      name: defName(def),
      tsType: jsonSchemaToTs(json, { rootName: typeName, defName }),
    })),
  };
}

/** An object schema as an IR request part. */
export function toRequestPart(schema: JsonSchema): IrRequestPart {
  return {
    schema,
    tsType: jsonSchemaToTs(schema),
    required: Array.isArray(schema.required) ? (schema.required as string[]) : [],
  };
}

/** An object schema from named property schemas (path/query/header parameters). */
export function objectSchema(properties: Record<string, JsonSchema>, required: string[]): JsonSchema {
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
  };
}

/** Merges events of one route that share a name (an `enum` of names, repeated branches): their data as `anyOf`. */
export function mergeEvents(
  events: ReadEvent[],
  module: string,
  route: string,
  warn: (message: string) => void = () => {},
): ReadEvent[] {
  const byName = new Map<string, ReadEvent>();
  for (const event of events) {
    if (event.name === '' || /[\r\n\0]/.test(event.name)) {
      throw new CodegenError(`event name ${JSON.stringify(event.name)} is not a valid SSE event name`, {
        module,
        route,
      });
    }
    const seen = byName.get(event.name);
    if (!seen) {
      byName.set(event.name, event);
      continue;
    }
    if (JSON.stringify(seen.schema) === JSON.stringify(event.schema)) continue;
    if (seen.encoding !== event.encoding) {
      // A text sentinel next to JSON data (`data: [DONE]` after JSON chunks): keep the JSON event, report the rest.
      const text = seen.encoding === 'text' ? seen : event;
      if (text.schema.const !== undefined) {
        byName.set(event.name, seen.encoding === 'json' ? seen : event);
        warn(
          `event "${event.name}" is JSON but may also carry the text ${JSON.stringify(text.schema.const)}: the client reports that frame through onError`,
        );
        continue;
      }
      throw new CodegenError(`event "${event.name}" is described both as text and as JSON`, { module, route });
    }
    const { $defs: a, ...left } = seen.schema;
    const { $defs: b, ...right } = event.schema;
    const defs = { ...(isObject(a) ? a : {}), ...(isObject(b) ? b : {}) };
    byName.set(event.name, {
      ...seen,
      schema: { anyOf: [left, right], ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}) },
      examples: [...seen.examples, ...event.examples],
    });
  }
  return [...byName.values()];
}
