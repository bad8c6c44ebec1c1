import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describePlainZod, zodFastPathSignature } from '@ssekit/client';
import {
  type ContractInternals,
  type ContractRoute,
  type ContractSchema,
  isZodSchema,
  toTemplatePath,
} from '@ssekit/contract';
import { z } from 'zod';
import { CodegenError, describeError } from '../errors.js';
import type { NamedContract } from '../loader/find-contracts.js';
import { jsonSchemaToTs } from './json-schema-to-ts.js';
import { defTypeName, eventTypeName } from './names.js';
import { zodOnlyFeatures } from './needs-zod.js';
import type { IrDocument, IrEvent, IrRequestPart, IrRoute, JsonSchema } from './types.js';

/**
 * Any contract made by `defineContract` (typed loosely: a specific `Contract<Routes>` is not assignable to the
 * default `Contract` type, whose index signature clashes with `'~ssekit'`).
 */
export type AnyContract = { readonly '~ssekit': ContractInternals };

/** Inputs of {@link buildIr} besides the contracts. */
export interface BuildIrOptions {
  /** Title, version, description of the docs. Default title `SSE API`, version `0.0.0`. */
  readonly info?: { readonly title?: string; readonly version?: string; readonly description?: string | undefined };
  readonly servers?: readonly { readonly name?: string; readonly url: string; readonly description?: string }[];
  /** Specifier the generated client imports the contracts module from. Default `./contracts.js`. */
  readonly contractImport?: string;
  /** Module name for error messages. */
  readonly module?: string;
}

type Io = 'input' | 'output';

type Where = { module?: string; route: string; event?: string };

/**
 * The JSON Schema of a contract schema, from the validator where it offers one: zod's `z.toJSONSchema`; the Standard
 * JSON Schema (`~standard.jsonSchema`, e.g. arktype); arktype's `toJsonSchema()`; valibot's `@valibot/to-json-schema`
 * (installed next to valibot). Anything else fails with a {@link CodegenError} naming the route and the slot.
 */
function toJsonSchema(schema: ContractSchema, io: Io, where: Where, slot: string): JsonSchema {
  try {
    if (isZodSchema(schema)) return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
    const standard = schema['~standard'];
    if (standard.jsonSchema) return standard.jsonSchema[io]({ target: 'draft-2020-12' }) as JsonSchema;
    const own = (schema as { toJsonSchema?: unknown }).toJsonSchema;
    if (typeof own === 'function') return own.call(schema) as JsonSchema;
    if (standard.vendor === 'valibot') {
      const converter = valibotConverter();
      if (converter) return converter(schema) as JsonSchema;
      throw new CodegenError(
        `cannot get a JSON Schema for ${slot}: install @valibot/to-json-schema next to valibot so ssekit can convert it`,
        where,
      );
    }
  } catch (error) {
    if (error instanceof CodegenError) throw error;
    throw new CodegenError(`cannot express the ${io} schema of ${slot} as JSON Schema: ${describeError(error)}`, {
      ...where,
      cause: error,
    });
  }
  throw new CodegenError(
    `cannot get a JSON Schema for ${slot}: its ${schema['~standard'].vendor} validator offers none (no Standard JSON Schema, no known converter)`,
    where,
  );
}

let valibotToJson: ((schema: unknown) => unknown) | null | undefined;

/** `toJsonSchema` of `@valibot/to-json-schema`, resolved from the project (the working directory), if installed. */
function valibotConverter(): ((schema: unknown) => unknown) | undefined {
  if (valibotToJson === undefined) {
    valibotToJson = null;
    for (const base of [join(process.cwd(), 'package.json'), import.meta.url]) {
      try {
        const mod = createRequire(base)('@valibot/to-json-schema') as { toJsonSchema?: (s: unknown) => unknown };
        if (typeof mod.toJsonSchema === 'function') {
          valibotToJson = mod.toJsonSchema;
          break;
        }
      } catch {
        // not installed there
      }
    }
  }
  return valibotToJson ?? undefined;
}

function requestPart(schema: ContractSchema, route: string, part: string, module: string | undefined): IrRequestPart {
  const json = toJsonSchema(schema, 'input', { module, route, event: undefined }, `\`${part}\``);
  if (json.type !== 'object') {
    throw new CodegenError(`\`${part}\` must be an object schema (got ${JSON.stringify(json.type ?? 'any')})`, {
      module,
      route,
    });
  }
  return {
    schema: json,
    tsType: jsonSchemaToTs(json),
    required: Array.isArray(json.required) ? (json.required as string[]) : [],
  };
}

function buildEvent(route: ContractRoute, name: string, where: { module?: string; route: string }): IrEvent {
  const schema = route.events[name]!;
  const at = { ...where, event: name };
  const slot = `event ${JSON.stringify(name)}`;
  const output = toJsonSchema(schema, 'output', at, slot);
  const input = toJsonSchema(schema, 'input', at, slot);
  const typeName = eventTypeName(where.route, name);
  const defName = (def: string) => defTypeName(typeName, def);
  const defs = (output.$defs ?? {}) as Record<string, JsonSchema>;
  const encoding = route['~ssekit'].encodings[name] ?? 'json';
  const zodOnly = isZodSchema(schema) ? zodOnlyFeatures(schema) : [];
  // JSON events of routes without their own serializer: the values a fast path sees are what JSON.parse gives.
  const fastNode = encoding === 'json' && route.deserialize === undefined ? describePlainZod(schema) : undefined;
  const fastPath = fastNode && { node: fastNode, signature: zodFastPathSignature(schema) };
  const allExamples = route.examples as Record<string, readonly unknown[] | undefined> | undefined;
  // Own keys only: an event may be called `constructor`.
  const examples = allExamples && Object.hasOwn(allExamples, name) ? allExamples[name] : undefined;
  return {
    name,
    encoding,
    schema: output,
    inputSchema: input,
    tsType: jsonSchemaToTs(output, { rootName: typeName, defName }),
    contentType: route.contentType ?? (encoding === 'text' ? 'text/plain' : 'application/json'),
    examples: examples ? [...examples] : [],
    role: route.errorEvent === name ? 'error' : route.resetEvent === name ? 'reset' : 'event',
    needsZod: zodOnly.length > 0,
    zodOnly,
    ...(fastPath && { zodFastPath: fastPath }),
    typeName,
    tsDefinitions: Object.entries(defs).map(([def, json]) => ({
      name: defName(def),
      tsType: jsonSchemaToTs(json, { rootName: typeName, defName }),
    })),
  };
}

function buildRoute(key: string, route: ContractRoute, exportName: string, module: string | undefined): IrRoute {
  const internals = route['~ssekit'];
  const where = { module, route: key };
  return {
    key,
    method: route.method,
    path: route.path,
    templatePath: toTemplatePath(route.path),
    paramNames: [...internals.paramNames],
    params: requestPart(internals.params, key, 'params', module),
    query: route.query ? requestPart(route.query, key, 'query', module) : undefined,
    headers: route.headers ? requestPart(route.headers, key, 'headers', module) : undefined,
    body: route.body ? requestPart(route.body, key, 'body', module) : undefined,
    events: internals.eventNames.map((name) => buildEvent(route, name, where)),
    errorEvent: route.errorEvent,
    resetEvent: route.resetEvent,
    replay: route.replay === true,
    customSerialization: route.deserialize !== undefined,
    contractExport: exportName,
    summary: route.summary,
    description: route.description,
    tags: [...(route.tags ?? [])],
    deprecated: route.deprecated === true,
  };
}

/**
 * Builds the IR every emitter reads: per route its params/query/headers/body and events, each event as JSON Schema
 * (output side in `schema`, input side in `inputSchema`), TypeScript type text, and whether only zod can check it.
 * Several contracts merge into one document; a route key used twice is an error.
 *
 * @example
 * ```ts
 * const ir = buildIr(seedContract, { info: { title: 'Seed', version: '1.0.0' }, contractImport: '@acme/contracts' });
 * ir.routes.map((r) => r.key); // ['events', 'json', 'greetings']
 * ```
 */
export function buildIr(contracts: AnyContract | readonly NamedContract[], options: BuildIrOptions = {}): IrDocument {
  const named: readonly NamedContract[] = Array.isArray(contracts)
    ? contracts
    : [{ exportName: 'contract', contract: contracts as AnyContract }];
  if (named.length === 0) throw new CodegenError('no contracts to generate from', { module: options.module });
  const routes: IrRoute[] = [];
  const owner = new Map<string, string>();
  for (const { exportName, contract } of named) {
    for (const [key, route] of Object.entries(contract['~ssekit'].routes)) {
      const clash = owner.get(key);
      if (clash !== undefined) {
        throw new CodegenError(`route key is declared by both "${clash}" and "${exportName}"`, {
          module: options.module,
          route: key,
        });
      }
      owner.set(key, exportName);
      routes.push(buildRoute(key, route, exportName, options.module));
    }
  }
  return {
    info: {
      title: options.info?.title ?? 'SSE API',
      version: options.info?.version ?? '0.0.0',
      description: options.info?.description,
    },
    servers: (options.servers ?? []).map((server, index) => ({
      name: server.name ?? (index === 0 ? 'default' : `server${index + 1}`),
      url: server.url,
      description: server.description,
    })),
    contractImport: { specifier: options.contractImport ?? './contracts.js', exportName: named[0]!.exportName },
    routes,
  };
}
