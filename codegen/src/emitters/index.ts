import { asyncapiEmitter } from './asyncapi/asyncapi.js';
import { clientEmitter } from './client/index.js';
import { htmlEmitter } from './html/html.js';
import { openapiEmitter } from './openapi/openapi.js';
import type { Emitter } from './types.js';

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

export type { EmitOptions, EmittedFile, Emitter } from './types.js';
