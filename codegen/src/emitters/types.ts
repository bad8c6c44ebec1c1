import type { IrDocument } from '../ir/types.js';

/** One file an emitter writes, relative to the output folder. */
export interface EmittedFile {
  /** Path relative to the output folder, with `/` separators, e.g. `client.ts` or `docs/index.html`. */
  path: string;
  contents: string;
}

/** Options every emitter receives; an emitter reads only the keys it knows. */
export interface EmitOptions {
  /** `zod` imports the shared contract's schemas; `standalone` emits validators and needs no zod at run time. */
  validation: 'zod' | 'standalone';
  /** Module specifier the generated client imports the runtime from. Default `@ssekit/client`. */
  runtimeImport: string;
  /** OpenAPI version to emit. Default `3.2`. */
  openapiVersion: '3.2' | '3.1';
  /** The contracts module as the user named it (e.g. `src/index.ts`), for headers of generated files. */
  source?: string;
}

/**
 * An output plugin over the IR (hey-api style): the client, AsyncAPI, OpenAPI and HTML emitters all have this shape.
 *
 * @example
 * ```ts
 * const readme: Emitter = { name: 'readme', emit: (ir) => [{ path: 'ROUTES.md', contents: ir.routes.map((r) => r.path).join('\n') }] };
 * ```
 */
export interface Emitter {
  readonly name: string;
  /**
   * Called by `generate()` before the contracts load, for an emitter that warms up on another thread (starts a
   * worker, loads a heavy library) while they load. Optional; must not throw.
   */
  prepare?(): void;
  emit(ir: IrDocument, options: EmitOptions): EmittedFile[] | Promise<EmittedFile[]>;
}
