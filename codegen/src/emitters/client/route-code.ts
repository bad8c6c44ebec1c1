import { HANDLER_OPTION_KEYS } from '@ssekit/client';
import type CodeBlockWriter from 'code-block-writer';
import { jsonSchemaToTs, propertyAccess, propertyKey } from '../../ir/json-schema-to-ts.js';
import { quote } from '../../ir/ts-literal.js';
import type { IrDocument, IrEvent, IrRequestPart, IrRoute } from '../../ir/types.js';
import type { EmitOptions } from '../types.js';
import { LINE_WIDTH, writeDoc, writeList } from './code-writer.js';
import type { RouteNames } from './route-names.js';
import { compileValidator, type ValidatorModule } from './standalone-validator.js';
import { compileZodFastPath } from './zod-fast-path.js';

const PARTS = ['params', 'query', 'headers', 'body'] as const;
/** The runtime's handler options: an event with one of these names is handled through the `on` map only. */
const OPTION_KEYS: ReadonlySet<string> = new Set(HANDLER_OPTION_KEYS);
/** The members TypeScript's `Object` interface declares: every object type inherits them. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set([
  'constructor',
  'toString',
  'toLocaleString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
]);
type Part = (typeof PARTS)[number];

/** The contract type helper of each request part, in `zod` mode. */
export const INFER: Record<Part, string> = {
  params: 'InferParamsInput',
  query: 'InferQueryInput',
  headers: 'InferHeadersInput',
  body: 'InferBodyInput',
};

/** What the route writers share while one client file is written. */
export interface ClientContext {
  readonly ir: IrDocument;
  readonly options: EmitOptions;
  readonly names: Map<string, RouteNames>;
  readonly validators: ValidatorModule;
  /** Import name of each contract export the file uses. */
  readonly contracts: Set<string>;
  /** The zod-mode fast paths written so far: function name by plain schema (`createZodFastPathDecoder`). */
  readonly fastPaths: Map<string, string>;
}

function partOf(route: IrRoute, part: Part): IrRequestPart | undefined {
  return part === 'params' ? (route.paramNames.length ? route.params : undefined) : route[part];
}

/** The request parts a route declares (params only when its path has some). */
export function routeParts(route: IrRoute): Part[] {
  return PARTS.filter((part) => partOf(route, part) !== undefined);
}

/** Local name of a default-exported contract: `contract`, unless a named export already uses it. */
export function defaultAlias(ir: IrDocument): string {
  const named = new Set(ir.routes.map((r) => r.contractExport ?? ir.contractImport.exportName));
  return named.has('contract') ? 'defaultContract' : 'contract';
}

/** `seedContract.json`: the route in the contracts module (recording that the file imports that export). */
function contractRef(context: ClientContext, route: IrRoute): string {
  const exportName = route.contractExport ?? context.ir.contractImport.exportName;
  context.contracts.add(exportName);
  return `${exportName === 'default' ? defaultAlias(context.ir) : exportName}.${route.key}`;
}

/**
 * Writes a route's types: the data of each event (zod: inferred from the contract; standalone: from its JSON Schema),
 * the union of its events, its handlers, and its request.
 */
export function writeRouteTypes(writer: CodeBlockWriter, context: ClientContext, route: IrRoute): void {
  const names = context.names.get(route.key)!;
  const zod = context.options.validation === 'zod';
  writer.writeLine(`// ${route.method} ${route.path}${route.summary ? ` — ${route.summary}` : ''}`);
  for (const event of route.events) {
    const e = names.events[event.name]!;
    const description = typeof event.schema.description === 'string' ? event.schema.description : undefined;
    const summary = description ?? `Data of the \`${event.name}\` event of \`${route.key}\`.`;
    writer.blankLine();
    if (zod) {
      writeDoc(writer, [summary]);
      writer.writeLine(
        `export type ${e.data} = InferEventData<typeof ${contractRef(context, route)}, ${quote(event.name)}>;`,
      );
      continue;
    }
    const gap = event.needsZod
      ? `Not fully checked without zod (${event.zodOnly.join(', ')}): the type and validator cover what JSON Schema can express.`
      : undefined;
    const options = { rootName: e.data, defName: e.def, indent: '  ' };
    writeDoc(writer, [summary, gap]);
    writer.writeLine(`export type ${e.data} = ${jsonSchemaToTs(event.schema, options)};`);
    const defs = (event.schema.$defs ?? {}) as Record<string, Record<string, unknown>>;
    for (const [def, schema] of Object.entries(defs)) {
      writer.blankLine().writeLine(`export type ${e.def(def)} = ${jsonSchemaToTs(schema, options)};`);
    }
  }
  const members = route.events.map((event) => `TypedEvent<${quote(event.name)}, ${names.events[event.name]!.data}>`);
  writer.blankLine();
  writeDoc(writer, [`An event of \`${route.key}\`, discriminated by \`event\`.`]);
  const union = `export type ${names.event} = ${members.join(' | ')};`;
  if (writer.getIndentationLevel() * 2 + union.length <= LINE_WIDTH) writer.writeLine(union);
  else {
    writer.writeLine(`export type ${names.event} =`);
    writer.indent(() => {
      for (const [i, member] of members.entries())
        writer.writeLine(`| ${member}${i === members.length - 1 ? ';' : ''}`);
    });
  }
  writer.blankLine();
  writeDoc(writer, [`One callback per event of \`${route.key}\` (all optional), keyed by event name.`]);
  writer.write(`export interface ${names.eventHandlers}`).block(() => {
    for (const event of route.events) {
      const data = names.events[event.name]!.data;
      if (event.role === 'error') writeDoc(writer, ['The route reports a failure after the stream started.']);
      const signature = `(data: ${data}, event: TypedEvent<${quote(event.name)}, ${data}>)`;
      // TypeScript compares an optional `constructor` (or `toString`, …) key with the member every object inherits:
      // admitting `Function` too keeps handlers objects that leave the key out assignable.
      if (PROTOTYPE_KEYS.has(event.name)) {
        writer.writeLine(`${propertyKey(event.name)}?: (${signature} => void) | Function;`);
      } else writer.writeLine(`${propertyKey(event.name)}?${signature}: void;`);
    }
  });
  // Event names that are handler options (`onError`, `on`, `__proto__`) are reachable through `on` only.
  const optionNames = route.events.map((event) => event.name).filter((name) => OPTION_KEYS.has(name));
  const flat = optionNames.length
    ? `Omit<${names.eventHandlers}, ${optionNames.map((name) => quote(name)).join(' | ')}>`
    : names.eventHandlers;
  writer.blankLine();
  writeDoc(writer, [
    `Callbacks of \`${route.key}\`: the event handlers in \`on\`${optionNames.length ? '' : ' or at the top level'}, plus the lifecycle ones.`,
    optionNames.length
      ? `Events named like an option (${optionNames.join(', ')}) are handled through \`on\` only; the others may also sit at the top level.`
      : undefined,
  ]);
  writer.write(`export interface ${names.handlers} extends LifecycleHandlers, ${flat}`).block(() => {
    writer.writeLine(`on?: ${names.eventHandlers};`);
  });
  writeRequestTypes(writer, context, route, names);
}

function writeRequestTypes(writer: CodeBlockWriter, context: ClientContext, route: IrRoute, names: RouteNames): void {
  const parts = routeParts(route);
  if (parts.length === 0) return;
  for (const part of parts) {
    const text =
      context.options.validation === 'zod'
        ? `${INFER[part]}<typeof ${contractRef(context, route)}>`
        : jsonSchemaToTs(partOf(route, part)!.schema, { indent: '  ' });
    writer.blankLine().writeLine(`export type ${names[part]} = ${text};`);
  }
  writer.blankLine();
  writeDoc(writer, [`What a request to \`${route.key}\` sends: its ${parts.join(', ')}.`]);
  writer.write(`export interface ${names.request}`).block(() => {
    for (const part of parts) {
      const optional = part !== 'params' && partOf(route, part)!.required.length === 0 ? '?' : '';
      writer.writeLine(`${part}${optional}: ${names[part]};`);
    }
  });
}

/** A text event whose schema is a bare string: the wire text needs neither deserializing nor checking. */
function isPlainText(route: IrRoute, event: IrEvent): boolean {
  if (route.customSerialization || event.encoding !== 'text') return false;
  const { $schema: _, description: __, ...rest } = event.schema;
  return Object.keys(rest).length === 1 && rest.type === 'string';
}

/**
 * Writes a route's spec for the runtime: its key, path and method, and one decoder per event, each one call of the
 * runtime's `createEventDecoder` (zod: the contract's schema; standalone: an emitted validator).
 */
export function writeRouteSpec(writer: CodeBlockWriter, context: ClientContext, route: IrRoute): void {
  const names = context.names.get(route.key)!;
  if (route.customSerialization) {
    const ref = contractRef(context, route);
    // Typed through the contract's Deserializer: a declared `(text) => …` takes the info argument too.
    writer.blankLine().writeLine(`const ${names.deserialize}: Deserializer = ${ref}.deserialize;`);
    for (const event of route.events) {
      writer.blankLine().write(`const ${names.events[event.name]!.info}: SerializeInfo = `);
      writer.inlineBlock(() => {
        writer.writeLine(`route: ${quote(route.key)},`);
        writer.writeLine(`path: ${quote(route.path)},`);
        writer.writeLine(`event: ${quote(event.name)},`);
        writer.writeLine(`schema: ${propertyAccess(`${ref}.events`, event.name)},`);
        writer.writeLine(`encoding: ${quote(event.encoding)},`);
      });
      writer.write(';').newLine();
    }
  }
  writer.blankLine().write(`const ${names.spec}: RouteClientSpec<${names.event}> = `);
  writer.inlineBlock(() => {
    writer.writeLine(`key: ${quote(route.key)},`);
    writer.writeLine(`path: ${quote(route.path)},`);
    writer.writeLine(`method: ${quote(route.method)},`);
    writer.write('decoders: ').inlineBlock(() => {
      for (const event of route.events) {
        const fast = context.options.validation === 'zod' && event.zodFastPath !== undefined;
        writeList(
          writer,
          `${propertyKey(event.name)}: ${fast ? 'createZodFastPathDecoder' : 'createEventDecoder'}(`,
          decoderOptions(context, route, event),
          '),',
        );
        writer.newLine();
      }
    });
    writer.write(',').newLine();
  });
  writer.write(';').newLine();
}

/** The options of one event's `createEventDecoder` (or, for a zod fast path, `createZodFastPathDecoder`) call. */
function decoderOptions(context: ClientContext, route: IrRoute, event: IrEvent): string[] {
  const names = context.names.get(route.key)!;
  const options = [`route: ${quote(route.key)}`];
  if (route.customSerialization) {
    options.push(`deserialize: (text) => ${names.deserialize}(text, ${names.events[event.name]!.info})`);
  } else if (event.encoding === 'text') {
    options.push(`encoding: 'text'`);
  }
  if (context.options.validation === 'zod') {
    const schema = propertyAccess(`${contractRef(context, route)}.events`, event.name);
    options.push(`schema: ${schema}`);
    if (event.zodFastPath) {
      // Events with the same plain schema (an `error` event on every route…) share one function.
      const key = JSON.stringify(event.zodFastPath.node);
      let parser = context.fastPaths.get(key);
      if (parser === undefined) {
        parser = names.events[event.name]!.parser;
        compileZodFastPath(event.zodFastPath.node, parser, context.validators);
        context.fastPaths.set(key, parser);
      }
      options.push(`signature: ${quote(event.zodFastPath.signature)}`, `parse: ${parser}`);
    }
  } else if (!isPlainText(route, event)) {
    const validator = names.events[event.name]!.validator;
    compileValidator(event.schema, validator, context.validators);
    options.push(`check: ${validator}`);
  }
  return options;
}
