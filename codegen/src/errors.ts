import { SsekitError } from '@ssekit/contract';

/** Where a codegen failure happened: the module being loaded, and the route/event being emitted. */
export interface CodegenErrorLocation {
  /** The contracts (or config) module, as the user named it. */
  readonly module?: string | undefined;
  readonly route?: string | undefined;
  readonly event?: string | undefined;
  readonly cause?: unknown;
}

function prefix(where: CodegenErrorLocation): string {
  const parts: string[] = [];
  if (where.module !== undefined) parts.push(where.module);
  if (where.route !== undefined) parts.push(`route "${where.route}"`);
  if (where.event !== undefined) parts.push(`event "${where.event}"`);
  return parts.length ? `${parts.join(', ')}: ` : '';
}

/**
 * Code generation failed: the contracts module did not load, exported no contract, or a schema cannot be emitted.
 * The message names the module, route and event; the original error is kept as `cause`.
 *
 * @example
 * ```ts
 * try { await generate({ contracts: './src/index.ts', out: './generated' }); }
 * catch (err) { if (err instanceof CodegenError) console.error(err.message); }
 * ```
 */
export class CodegenError extends SsekitError<'CODEGEN'> {
  readonly module: string | undefined;
  readonly route: string | undefined;
  readonly event: string | undefined;

  constructor(message: string, where: CodegenErrorLocation = {}) {
    super('CODEGEN', prefix(where) + message, { cause: where.cause });
    this.module = where.module;
    this.route = where.route;
    this.event = where.event;
  }
}

/** The first line of an unknown error's message, without its stack: what a user needs to read. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
