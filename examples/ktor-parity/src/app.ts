import type { RouterOptions } from '@ssekit/server';
import { type RunningServer, serve } from '@ssekit/server/node';
import { createKtorParityRouter } from './router.ts';

// The routes live in router.ts (no node: imports), which the Bun, Deno, Worker and Next.js examples share.
export { createKtorParityRouter, jsonRouteSerializer } from './router.ts';

/**
 * Starts the example on node:http. `port: 0` picks a free port.
 *
 * @example
 * ```ts
 * const { url, close } = await startKtorParity({ port: 8080 });
 * ```
 */
export function startKtorParity(
  options: { port?: number; host?: string; router?: RouterOptions } = {},
): Promise<RunningServer> {
  return serve(createKtorParityRouter(options.router), {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
  });
}
