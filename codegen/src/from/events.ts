import { isObject } from '../ir/is-object.js';
import { isJsonMediaType, type ReadEvent } from './ir-parts.js';
import { childPointer, mergeViews, type SchemaReader } from './schema.js';

function types(schema: Record<string, unknown>): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === 'string');
  return [];
}

/** The names an `event` property allows: its `const`, its `enum`, or `message` when it is absent. */
function eventNames(reader: SchemaReader, property: unknown, pointer: string): string[] {
  if (property === undefined) return ['message'];
  const { schema, pointer: at } = reader.view(property, pointer);
  if (typeof schema.const === 'string') return [schema.const];
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every((v) => typeof v === 'string')) {
    return schema.enum as string[];
  }
  return reader.fail(at, 'the `event` property must fix the event name with `const` or a string `enum`');
}

/**
 * The `data` of one event: JSON when its schema is not a string (object, array, number...) or is a string whose
 * `contentMediaType` is JSON (its `contentSchema` is the data's schema); text otherwise.
 */
function eventData(
  reader: SchemaReader,
  property: unknown,
  pointer: string,
): Pick<ReadEvent, 'encoding' | 'schema' | 'contentType'> {
  if (property === undefined) return { encoding: 'text', schema: { type: 'string' }, contentType: 'text/plain' };
  const { schema: data, pointer: at } = reader.view(property, pointer);
  const mediaType = typeof data.contentMediaType === 'string' ? data.contentMediaType : undefined;
  const t = types(data);
  const isString = t.length === 1 && t[0] === 'string';
  if (isString && data.contentSchema !== undefined) {
    if (mediaType !== undefined && !isJsonMediaType(mediaType)) {
      reader.warn(
        childPointer(at, 'contentMediaType'),
        `data of type ${mediaType} with a contentSchema: read as text (only JSON content is parsed)`,
      );
      return { encoding: 'text', schema: { type: 'string' }, contentType: mediaType };
    }
    return {
      encoding: 'json',
      schema: reader.read(data.contentSchema, childPointer(at, 'contentSchema')),
      contentType: mediaType ?? 'application/json',
    };
  }
  if (isString && isJsonMediaType(mediaType)) {
    reader.warn(at, 'JSON data without a contentSchema: any JSON value is accepted');
    return { encoding: 'json', schema: {}, contentType: mediaType! };
  }
  if (isString || (t.length === 0 && mediaType !== undefined && !isJsonMediaType(mediaType))) {
    const { contentMediaType: _, ...schema } = reader.read(property, pointer);
    return {
      encoding: 'text',
      schema: t.length === 0 ? { type: 'string', ...schema } : schema,
      contentType: mediaType ?? 'text/plain',
    };
  }
  return { encoding: 'json', schema: reader.read(property, pointer), contentType: mediaType ?? 'application/json' };
}

/**
 * The events an OpenAPI `text/event-stream` item schema describes: one per `oneOf`/`anyOf` branch (nested unions
 * and `allOf` bases included), each named by its `event` property's `const` (or every value of its `enum`).
 *
 * @example
 * ```ts
 * readItemEvents(reader, { oneOf: [{ properties: { event: { const: 'tick' }, data: { type: 'integer' } } }] }, '#/x');
 * // [{ name: 'tick', encoding: 'json', schema: { type: 'integer' }, ... }]
 * ```
 */
export function readItemEvents(
  reader: SchemaReader,
  item: unknown,
  pointer: string,
  base: Record<string, unknown> = {},
): ReadEvent[] {
  const { schema: own, pointer: at } = reader.view(item, pointer);
  const variants = Array.isArray(own.oneOf) ? 'oneOf' : Array.isArray(own.anyOf) ? 'anyOf' : undefined;
  if (variants !== undefined) {
    // Keywords next to the union (the generic event shape) apply to every branch.
    const { oneOf: _o, anyOf: _a, ...rest } = own;
    const shared = mergeViews(rest, base);
    return (own[variants] as unknown[]).flatMap((branch, index) =>
      readItemEvents(reader, branch, childPointer(at, variants, index), shared),
    );
  }
  const schema = mergeViews(own, base);
  if (isObject(schema.const) && schema.properties === undefined) {
    // A sentinel such as `const: { data: '[DONE]' }`: a fixed frame.
    const frame = schema.const;
    const name = typeof frame.event === 'string' ? frame.event : 'message';
    if (typeof frame.data !== 'string') reader.fail(at, 'a constant event needs a string `data`');
    return [
      {
        name,
        encoding: 'text',
        schema: { type: 'string', const: frame.data },
        contentType: 'text/plain',
        examples: [],
      },
    ];
  }
  const properties = isObject(schema.properties) ? schema.properties : {};
  if (properties.event === undefined && properties.data === undefined) {
    reader.warn(at, 'the stream item has no `event` or `data` property: read as the data of `message` events');
    const data = eventData(reader, item, pointer);
    return [{ name: 'message', ...data, examples: [] }];
  }
  const names = eventNames(reader, properties.event, childPointer(at, 'properties', 'event'));
  const data = eventData(reader, properties.data, childPointer(at, 'properties', 'data'));
  return names.map((name) => ({ name, ...data, examples: [] }));
}
