import { type OpenAPIObject as OpenAPIObject31, OpenApiBuilder as OpenApiBuilder31 } from 'openapi3-ts/oas31';
import {
  type ExampleObject,
  type MediaTypeObject,
  type OpenAPIObject,
  OpenApiBuilder,
  type OperationObject,
  type ParameterObject,
  type RequestBodyObject,
  type ResponsesObject,
  type SchemaObject,
  type SchemaObjectValue,
  type TagObject,
} from 'openapi3-ts/oas32';
import { isObject } from '../../ir/is-object.js';
import type { IrDocument, IrEvent, IrRequestPart, IrRoute, JsonSchema } from '../../ir/types.js';
import type { EmitOptions, EmittedFile, Emitter } from '../types.js';
import { toYaml } from '../yaml.js';
import { componentName, embedSchema, SchemaComponents } from './json-schema.js';
import { problemExample, problemSchema } from './problem.js';
import { exampleData, sseFrame } from './sse-frame.js';

type Version = '3.2' | '3.1';

const PROBLEM = 'Problem';

/** Copies `value` without `undefined` members, so JSON and YAML agree and nothing prints as `null`. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function roleText(route: IrRoute, event: IrEvent): string {
  if (event.role === 'error')
    return 'Error event: sent once when the handler fails after the stream started, then the stream ends.';
  if (event.role === 'reset') {
    return 'Reset event: the `Last-Event-ID` sent on reconnect could not be resumed (too old, another epoch, or malformed); start over from the current state.';
  }
  return route.replay ? 'Carries a resumable `id`.' : '';
}

function describeEvent(route: IrRoute, event: IrEvent): string {
  const schemaDescription = typeof event.schema.description === 'string' ? event.schema.description : '';
  return [`\`${event.name}\` event.`, schemaDescription, roleText(route, event)].filter((s) => s !== '').join(' ');
}

/** Turns each property of an object schema into parameters of one location. */
function partParameters(
  part: IrRequestPart | undefined,
  where: 'path' | 'query' | 'header',
  name: string,
  components: SchemaComponents,
  version: Version,
): ParameterObject[] {
  if (part === undefined) return [];
  const schema = embedSchema(part.schema, name, components);
  const properties = isObject(schema.properties) ? schema.properties : undefined;
  if (properties === undefined) {
    if (where === 'query' && version === '3.2') {
      // Not an object of fields (a union, a record...): the whole query string, as 3.2 allows.
      return [
        {
          name: 'query',
          in: 'querystring',
          required: part.required.length > 0,
          content: { 'application/x-www-form-urlencoded': { schema: schema as SchemaObject } },
        },
      ];
    }
    if (where === 'query') {
      // 3.1 has no `querystring`: free-form query parameters are one exploded object parameter.
      return [
        { name: 'query', in: 'query', required: false, style: 'form', explode: true, schema: schema as SchemaObject },
      ];
    }
    // Headers or params without named fields (a record): nothing a parameter list can name.
    return [];
  }
  return Object.entries(properties).map(([prop, propSchema]): ParameterObject => {
    const s = isObject(propSchema) ? propSchema : {};
    const description = typeof s.description === 'string' ? s.description : undefined;
    const isArray = s.type === 'array';
    const isNested = s.type === 'object';
    return defined({
      name: prop,
      in: where,
      description,
      required: where === 'path' ? true : part.required.includes(prop),
      style: where === 'query' && isNested ? ('deepObject' as const) : undefined,
      explode: where === 'query' && (isArray || isNested) ? true : undefined,
      schema: s as SchemaObject,
    });
  });
}

interface EventSchemas {
  item: SchemaObjectValue;
  examples: Record<string, ExampleObject>;
}

function eventItem(route: IrRoute, event: IrEvent, components: SchemaComponents, version: Version): EventSchemas {
  const name = `${route.key}.${event.name}`;
  let data = embedSchema(event.schema, name, components);
  if (event.examples.length > 0 && !('$ref' in data) && data.examples === undefined) {
    data = { ...data, examples: structuredClone(event.examples) };
  }
  const dataRef = typeof data.$ref === 'string' ? data : components.ref(components.add(name, data, `${name}.data`));
  const dataProperty: JsonSchema =
    event.encoding === 'text' && !route.customSerialization
      ? { ...dataRef, contentMediaType: event.contentType }
      : { type: 'string', contentMediaType: event.contentType, contentSchema: dataRef };
  const item: SchemaObjectValue = {
    title: event.name,
    description: describeEvent(route, event),
    type: 'object',
    properties: {
      event:
        event.name === 'message'
          ? { const: 'message', description: 'May be absent: `message` is the default event type.' }
          : { const: event.name },
      data: dataProperty,
      id: {
        type: 'string',
        description: route.replay
          ? 'Stream position; reconnect with it as `Last-Event-ID` to resume after this event.'
          : 'Last event id, if the handler set one.',
      },
      retry: { type: 'integer', minimum: 0, description: 'Reconnection delay in milliseconds.' },
    },
    required: event.name === 'message' ? ['data'] : ['event', 'data'],
  };
  const examples: Record<string, ExampleObject> = {};
  event.examples.forEach((value, index) => {
    const text = exampleData(route, event, value);
    if (text === undefined) return;
    const key = componentName(event.examples.length > 1 ? `${event.name}_${index + 1}` : event.name);
    examples[key] =
      version === '3.2'
        ? {
            summary: `A \`${event.name}\` event`,
            dataValue: { event: event.name, data: text },
            serializedValue: sseFrame(event.name, text),
          }
        : { summary: `A \`${event.name}\` event`, value: sseFrame(event.name, text) };
  });
  return { item, examples };
}

function requestBody(route: IrRoute, components: SchemaComponents): RequestBodyObject | undefined {
  if (route.body === undefined) return undefined;
  const schema = embedSchema(route.body.schema, `${route.key}.body`, components);
  const bodyRef =
    typeof schema.$ref === 'string'
      ? schema
      : components.ref(components.add(`${route.key}.body`, schema, `${route.key}.requestBody`));
  return { required: true, content: { 'application/json': { schema: bodyRef as SchemaObject } } };
}

function responses(route: IrRoute, stream: MediaTypeObject, validates: boolean, allow: string[]): ResponsesObject {
  const problem = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: { $ref: `#/components/schemas/${PROBLEM}` } } },
  });
  const out: ResponsesObject = {
    '200': {
      description: `The event stream. Every event matches one of: ${route.events.map((e) => `\`${e.name}\``).join(', ')}. Comment lines (heartbeats) carry no event.`,
      headers: {
        'Cache-Control': { schema: { type: 'string', const: 'no-cache, no-transform' } },
      },
      content: { 'text/event-stream': stream },
    },
    '204': {
      description:
        'Nothing to stream (the handler answered 204 before the stream started): clients must not reconnect.',
    },
  };
  if (validates) {
    out['400'] = {
      ...problem('The request did not match the contract: `errors` names each invalid field.'),
    };
    (out['400'].content['application/problem+json'] as MediaTypeObject).example = problemExample;
  }
  if (route.paramNames.length > 0)
    out['404'] = problem('No resource for these path parameters (answered by the handler before the stream started).');
  if (route.body !== undefined) {
    out['413'] = problem('The request body is larger than the server accepts.');
    out['415'] = problem('The request body is not `application/json`.');
  }
  out['405'] = {
    ...problem(`Another method than ${allow.map((m) => `\`${m}\``).join(' or ')} was used on this path.`),
    headers: { Allow: { schema: { type: 'string', const: allow.join(', ') } } },
  };
  return out;
}

function operation(route: IrRoute, components: SchemaComponents, version: Version, allow: string[]): OperationObject {
  const parameters: ParameterObject[] = [
    ...partParameters(
      route.paramNames.length > 0 ? route.params : undefined,
      'path',
      `${route.key}.params`,
      components,
      version,
    ),
    ...partParameters(route.query, 'query', `${route.key}.query`, components, version),
    ...partParameters(route.headers, 'header', `${route.key}.headers`, components, version),
  ];
  if (route.replay && !parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'last-event-id')) {
    parameters.push({
      name: 'Last-Event-ID',
      in: 'header',
      required: false,
      description:
        'Sent on reconnect: the id of the last event received. The stream resumes after it, or sends a reset event.',
      schema: { type: 'string' },
    });
  }
  const items: SchemaObjectValue[] = [];
  const examples: Record<string, ExampleObject> = {};
  for (const event of route.events) {
    const built = eventItem(route, event, components, version);
    items.push(built.item);
    // Names that sanitise alike (`a.b`, `a:b`'s `a_b`) keep every example: later ones get a numbered key.
    for (const [key, example] of Object.entries(built.examples)) {
      let unique = key;
      for (let n = 2; Object.hasOwn(examples, unique); n++) unique = `${key}_${n}`;
      examples[unique] = example;
    }
  }
  const itemSchema: SchemaObjectValue = items.length === 1 && items[0] !== undefined ? items[0] : { oneOf: items };
  const stream: MediaTypeObject =
    version === '3.2'
      ? { itemSchema }
      : {
          schema: {
            ...itemSchema,
            description:
              'One event of the stream (OpenAPI 3.1 cannot describe stream items: every event of the stream matches this schema).',
          },
        };
  if (Object.keys(examples).length > 0) stream.examples = examples;
  const validates =
    route.paramNames.length > 0 || route.query !== undefined || route.headers !== undefined || route.body !== undefined;
  return defined({
    operationId: route.key,
    summary: route.summary,
    description: route.description,
    tags: route.tags.length > 0 ? [...route.tags] : undefined,
    deprecated: route.deprecated ? true : undefined,
    parameters: parameters.length > 0 ? parameters : undefined,
    requestBody: requestBody(route, components),
    responses: responses(route, stream, validates, allow),
  });
}

/**
 * The OpenAPI document of a contract set: one path per route, `200` as `text/event-stream` whose `itemSchema`
 * (3.2) or `schema` (3.1) is a `oneOf` over the route's events, each fixing `event` and describing `data` with
 * `contentMediaType` and `contentSchema`.
 *
 * @example
 * ```ts
 * const doc = buildOpenApi(ir, '3.2');
 * doc.paths?.['/json']?.get?.responses?.['200'];
 * ```
 */
export function buildOpenApi(ir: IrDocument, version: Version = '3.2'): OpenAPIObject {
  const components = new SchemaComponents('#/components/schemas/');
  const paths: Record<string, Record<string, OperationObject>> = {};
  for (const route of ir.routes) {
    const item = paths[route.templatePath] ?? {};
    const allow = ir.routes.filter((r) => r.templatePath === route.templatePath).map((r) => r.method);
    item[route.method.toLowerCase()] = operation(route, components, version, [...new Set(allow)]);
    paths[route.templatePath] = item;
  }
  const tags: TagObject[] = [];
  for (const route of ir.routes) {
    for (const name of route.tags) if (!tags.some((t) => t.name === name)) tags.push({ name });
  }
  const schemas: Record<string, SchemaObject> = { [PROBLEM]: problemSchema as SchemaObject };
  for (const [name, schema] of components.sorted()) schemas[name] = schema as SchemaObject;
  return defined({
    openapi: version === '3.2' ? '3.2.0' : '3.1.1',
    info: defined({ title: ir.info.title, version: ir.info.version, description: ir.info.description }),
    servers:
      ir.servers.length > 0
        ? ir.servers.map((server) =>
            defined({
              url: server.url,
              description: server.description,
              name: version === '3.2' ? server.name : undefined,
            }),
          )
        : undefined,
    tags: tags.length > 0 ? tags : undefined,
    paths,
    components: { schemas },
  });
}

/**
 * `openapi` emitter: `openapi.json` and `openapi.yaml` (OpenAPI 3.2, or 3.1 with `openapiVersion: '3.1'`).
 *
 * @example
 * ```ts
 * const files = await openapiEmitter.emit(ir, { validation: 'zod', runtimeImport: '@ssekit/client', openapiVersion: '3.2' });
 * ```
 */
export const openapiEmitter: Emitter = {
  name: 'openapi',
  emit(ir: IrDocument, options: EmitOptions): EmittedFile[] {
    const version = options.openapiVersion ?? '3.2';
    const doc = buildOpenApi(ir, version);
    // openapi3-ts holds the model (its 3.1 builder for the 3.1 document, so the model matches the version written);
    // the YAML is written by toYaml, the same text its getSpecAsYaml gives, faster.
    const builder = version === '3.2' ? OpenApiBuilder.create(doc) : OpenApiBuilder31.create(doc as OpenAPIObject31);
    return [
      { path: 'openapi.json', contents: `${builder.getSpecAsJson(undefined, 2)}\n` },
      { path: 'openapi.yaml', contents: toYaml(builder.getSpec()) },
    ];
  },
};
