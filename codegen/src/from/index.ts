import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { CodegenError, describeError } from '../errors.js';
import { isObject } from '../ir/is-object.js';
import type { IrDocument } from '../ir/types.js';
import { readAsyncApi } from './asyncapi.js';
import { readOpenApi } from './openapi.js';
import { type FromWarning, SchemaReader } from './schema.js';

export type { FromWarning } from './schema.js';

/** What {@link readApiDocument} read: the IR for the emitters and what it could not (fully) honour. */
export interface ReadApiDocumentResult {
  /** `openapi 3.2.0`, `asyncapi 3.0.0`... */
  format: string;
  ir: IrDocument;
  /** Constructs read only in part, each with the JSON pointer it is about. */
  warnings: FromWarning[];
  /** Operations that are not SSE streams or that the client cannot call, as `METHOD /path: why`. */
  skipped: string[];
  /** What the caller must do, e.g. set an auth header through `createClient({ headers })`. */
  notes: string[];
}

/** Options of {@link readApiDocument}. */
export interface ReadApiDocumentOptions {
  /** The document's name in messages. Default: the `name` argument. */
  readonly module?: string;
  /** Specifier written in the IR's `contractImport` (unused in standalone mode). Default `./contracts.js`. */
  readonly contractImport?: string;
}

/**
 * Builds the codegen IR from the text of an OpenAPI 3.0/3.1/3.2 or AsyncAPI 3.0 document (YAML or JSON), so the
 * client emitter writes a typed, validating client for its SSE operations. Fails with a `CodegenError` naming the
 * JSON pointer of anything it cannot read (external `$ref`s, event names not fixed by `const`/`enum`...); reports what
 * it reads only in part as `warnings`.
 *
 * @example
 * ```ts
 * const { ir, warnings } = parseApiDocument(await readFile('openapi.yaml', 'utf8'), 'openapi.yaml');
 * ir.routes.map((route) => route.key); // ['streamChat']
 * ```
 */
export function parseApiDocument(
  text: string,
  name: string,
  options: ReadApiDocumentOptions = {},
): ReadApiDocumentResult {
  const module = options.module ?? name;
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: -1 });
  } catch (error) {
    throw new CodegenError(`not a YAML or JSON document: ${describeError(error)}`, { module, cause: error });
  }
  if (!isObject(doc)) throw new CodegenError('the document is not an object', { module });
  const reader = new SchemaReader(doc, module);
  let format: string;
  let read: ReturnType<typeof readOpenApi>;
  if (typeof doc.openapi === 'string' && /^3\.[012]\./.test(doc.openapi)) {
    format = `openapi ${doc.openapi}`;
    read = readOpenApi(reader, doc);
  } else if (typeof doc.asyncapi === 'string' && doc.asyncapi.startsWith('3.')) {
    format = `asyncapi ${doc.asyncapi}`;
    read = readAsyncApi(reader, doc);
  } else {
    const seen =
      typeof doc.openapi === 'string'
        ? `openapi ${doc.openapi}`
        : typeof doc.asyncapi === 'string'
          ? `asyncapi ${doc.asyncapi}`
          : typeof doc.swagger === 'string'
            ? `swagger ${doc.swagger}`
            : 'no version field';
    throw new CodegenError(`unsupported document (${seen}): expected OpenAPI 3.0, 3.1 or 3.2, or AsyncAPI 3.0`, {
      module,
    });
  }
  if (read.routes.length === 0) {
    throw new CodegenError(
      `no SSE operation found (a GET or POST with a text/event-stream response, or an AsyncAPI HTTP channel)${read.skipped.length ? `; skipped: ${read.skipped.join('; ')}` : ''}`,
      { module },
    );
  }
  const info = isObject(doc.info) ? doc.info : {};
  return {
    format,
    ir: {
      info: {
        title: typeof info.title === 'string' ? info.title : 'SSE API',
        version: typeof info.version === 'string' ? info.version : '0.0.0',
        description: typeof info.description === 'string' ? info.description : undefined,
      },
      servers: read.servers,
      contractImport: { specifier: options.contractImport ?? './contracts.js', exportName: 'contract' },
      routes: read.routes,
      ...defaultServer(read.servers),
    },
    warnings: reader.warnings,
    skipped: read.skipped,
    notes: read.notes,
  };
}

/** The first absolute http(s) server URL, as the generated client's default base URL. */
function defaultServer(servers: IrDocument['servers']): { defaultBaseUrl?: string } {
  for (const server of servers) {
    try {
      const url = new URL(server.url);
      if (url.protocol === 'http:' || url.protocol === 'https:') return { defaultBaseUrl: server.url };
    } catch {
      // a relative URL: no default
    }
  }
  return {};
}

/**
 * {@link parseApiDocument} on a file.
 *
 * @example
 * ```ts
 * const { ir } = await readApiDocument('./openapi.yaml');
 * ```
 */
export async function readApiDocument(
  file: string,
  options: ReadApiDocumentOptions = {},
): Promise<ReadApiDocumentResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CodegenError(`cannot read the document: ${describeError(error)}`, {
      module: options.module ?? file,
      cause: error,
    });
  }
  return parseApiDocument(text, file, options);
}
