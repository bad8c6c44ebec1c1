import type { AddressInfo } from 'node:net';
import type { RouterOptions, SseRouter } from '@ssekit/server';
import { ssekitFrameworkErrors, ssekitPlugin } from '@ssekit/server/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { createKtorParityRouter } from '../../ktor-parity/src/app.ts';

/**
 * The ktor-parity routes on Fastify 5: one native Fastify route per SSE route, so Fastify's logger, hooks and 404
 * handler apply as to any route.
 *
 * @example
 * ```ts
 * const app = await createFastifyApp(createKtorParityRouter(), { logger: true });
 * await app.listen({ port: 8080 });
 * ```
 */
export async function createFastifyApp(
  router: SseRouter,
  options: { logger?: boolean } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // Malformed percent-encoding in a path param: the core's 400 problem instead of Fastify's FST_ERR_BAD_URL.
    frameworkErrors: ssekitFrameworkErrors(router),
  });
  app.get('/', async () => 'ssekit on Fastify: /events, /json, /greetings/Ada?count=3, /ktor/nested\n');
  await app.register(ssekitPlugin, { router });
  return app;
}

/** A running example server. */
export interface RunningExample {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the Fastify app. `port: 0` picks a free port.
 *
 * @example
 * ```ts
 * const { url, close } = await startFastifyExample({ port: 8080, logger: true });
 * ```
 */
export async function startFastifyExample(
  options: { port?: number; host?: string; logger?: boolean; router?: RouterOptions } = {},
): Promise<RunningExample> {
  const router = createKtorParityRouter(options.router);
  const app = await createFastifyApp(router, { logger: options.logger ?? false });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: async () => {
      router.closeAll();
      await app.close();
    },
  };
}
