import { asyncapiEmitter } from './asyncapi/asyncapi.ts';
import { clientEmitter } from './client/index.ts';
import { htmlEmitter } from './html/html.ts';
import { openapiEmitter } from './openapi/openapi.ts';
import type { Emitter } from './types.ts';

/**
 * Every emitter `ssekit generate` can run, by the name used in `outputs` / `--outputs`.
 * Adding one is one line: `name: emitter,`.
 *
 * @example
 * ```ts
 * const files = await emitters.client!.emit(ir, options);
 * ```
 */
export const emitters: Record<string, Emitter> = {
  client: clientEmitter,
  asyncapi: asyncapiEmitter,
  openapi: openapiEmitter,
  html: htmlEmitter,
};

export type { EmitOptions, EmittedFile, Emitter } from './types.ts';
