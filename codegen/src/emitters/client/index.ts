import type { Emitter } from '../types.js';
import { writeClientSource } from './emit-client.js';
import { formatClient, prepareClientFormatter } from './format.js';

/**
 * The `client` emitter: writes `client.ts`, the typed client of every route (see `emitClientSource`). The text is
 * formatted in a worker thread that `prepare` starts, so TypeScript loads while the contracts are imported and
 * formats while the other emitters run; the output is the same as `emitClientSource`'s.
 *
 * @example
 * ```ts
 * const [file] = await clientEmitter.emit(ir, { validation: 'zod', runtimeImport: '@ssekit/client', openapiVersion: '3.2' });
 * ```
 */
export const clientEmitter: Emitter = {
  name: 'client',
  prepare: prepareClientFormatter,
  emit: async (ir, options) => [{ path: 'client.ts', contents: await formatClient(writeClientSource(ir, options)) }],
};

export { BANNER, emitClientSource, writeClientSource } from './emit-client.js';
