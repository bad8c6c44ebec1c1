import type { Emitter } from '../types.js';
import { emitClientSource } from './emit-client.js';

/**
 * The `client` emitter: writes `client.ts`, the typed client of every route (see `emitClientSource`).
 *
 * @example
 * ```ts
 * const [file] = await clientEmitter.emit(ir, { validation: 'zod', runtimeImport: '@ssekit/client', openapiVersion: '3.2' });
 * ```
 */
export const clientEmitter: Emitter = {
  name: 'client',
  emit: (ir, options) => [{ path: 'client.ts', contents: emitClientSource(ir, options) }],
};

export { BANNER, emitClientSource } from './emit-client.js';
