import type { PlainZodNode } from '@ssekit/client';

/**
 * The codegen IR: everything an emitter may know about a contract set, as plain JSON-able data.
 * Emitters (client, asyncapi, openapi, html) read only this, never zod, so a new emitter is one folder.
 */

/** A JSON Schema (draft 2020-12) object as produced by `z.toJSONSchema`. */
export type JsonSchema = { [key: string]: unknown };

/** One SSE event a route may send. */
export interface IrEvent {
  /** The SSE `event:` name (a valid identifier). */
  name: string;
  /** `text`: data sent verbatim (schema output is a string); `json`: JSON text. */
  encoding: 'text' | 'json';
  /** JSON Schema of the data as it travels (zod output side), `$defs` inlined per event. */
  schema: JsonSchema;
  /** JSON Schema of what the server's `send` accepts (zod input side). */
  inputSchema: JsonSchema;
  /** TypeScript type text of the received data (zod output), e.g. `{ id: number; name: string }`. */
  tsType: string;
  /** Media type of the serialized data: `application/json`, `text/plain`, or the route's own. */
  contentType: string;
  /** Example payloads from the contract. */
  examples: unknown[];
  /** Role of this event on its route. */
  role: 'event' | 'error' | 'reset';
  /** True when the schema cannot be fully checked without zod (transforms, refinements, dates...). */
  needsZod: boolean;
  /** What makes `needsZod` true, e.g. `['refinement', 'transform']`; empty otherwise. */
  zodOnly: string[];
  /**
   * A JSON event's zod schema described as plain data when a generated function can check it exactly (the zod-mode
   * client's fast path, `describePlainZod` of `@ssekit/client`), with its `zodFastPathSignature`; absent otherwise.
   */
  zodFastPath?: { node: PlainZodNode; signature: string };
  /** Name the generated client gives the data type, e.g. `JsonCustomerData`; `tsType` may refer to it (recursion). */
  typeName: string;
  /** Named types `tsType` refers to (a schema's `$defs`), declared next to it. */
  tsDefinitions: IrTypeDefinition[];
}

/** A named type an event's `tsType` refers to. */
export interface IrTypeDefinition {
  name: string;
  tsType: string;
}

/** One request part (params, query, headers, body). */
export interface IrRequestPart {
  schema: JsonSchema;
  /** TypeScript type text of what the caller passes (zod input). */
  tsType: string;
  /** Required top-level property names (from the schema). */
  required: string[];
}

/** One SSE route. */
export interface IrRoute {
  /** Contract key: `client.<key>`. */
  key: string;
  method: 'GET' | 'POST';
  /** Path with `:params`. */
  path: string;
  /** Path with `{params}` (OpenAPI/AsyncAPI form). */
  templatePath: string;
  paramNames: string[];
  params: IrRequestPart;
  query: IrRequestPart | undefined;
  headers: IrRequestPart | undefined;
  body: IrRequestPart | undefined;
  events: IrEvent[];
  /** Name of the declared error event, if any. */
  errorEvent: string | undefined;
  /** Name of the declared reset event, if any. */
  resetEvent: string | undefined;
  replay: boolean;
  /** True when the contract route has its own serialize/deserialize pair. */
  customSerialization: boolean;
  /** The export of the contracts module this route's contract is (several contracts may be merged). */
  contractExport?: string;
  summary: string | undefined;
  description: string | undefined;
  tags: string[];
  deprecated: boolean;
}

/** A whole contract set, as loaded from one contracts module. */
export interface IrDocument {
  /** Title, version and description for the docs (from config). */
  info: { title: string; version: string; description: string | undefined };
  /** Servers for the docs (from config). */
  servers: { name: string; url: string; description: string | undefined }[];
  /**
   * The module specifier the generated client imports the contract from (zod mode, custom deserializers).
   * `exportName` is the first contract's export; each route names its own in `contractExport`.
   */
  contractImport: { specifier: string; exportName: string };
  routes: IrRoute[];
  /**
   * When set, the generated `createClient` takes an optional `baseUrl` that defaults to this URL: documents read by
   * `ssekit generate --from` set it to their first absolute http(s) server.
   */
  defaultBaseUrl?: string;
}
