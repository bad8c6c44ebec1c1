import { serve } from '@ssekit/server/node';
import { type AppOptions, createRouter, type RunningApp } from './router.js';

export { type AppOptions, createRouter, priceAt, type RunningApp } from './router.js';

/** Serves the app on node:http. `port: 0` (the default) picks a free port. */
export function start(options: AppOptions & { port?: number; host?: string } = {}): Promise<RunningApp> {
  return serve(createRouter(options), { port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
}
