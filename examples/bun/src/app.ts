import type { RouterOptions } from '@ssekit/server';
import { createFetchHandler } from '@ssekit/server/fetch';
import { createKtorParityRouter } from '../../ktor-parity/src/router.ts';

/** The part of Bun's API this example uses (with `@types/bun` installed, Bun's own types replace this). */
declare const Bun: {
  serve(options: { hostname: string; port: number; idleTimeout: number; fetch(request: Request): Promise<Response> }): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void>;
  };
};

/** A running example server. */
export interface RunningExample {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the ktor-parity routes with `Bun.serve` and the fetch adapter. `port: 0` picks a free port.
 *
 * Bun closes a connection that stayed idle for `idleTimeout` seconds (default 10), streams included; ssekit's
 * heartbeat goes out after 15–18.75 s of silence, so the idle timeout is raised above it (30 s). Bun also sends the
 * response head only with the first body bytes: these routes send at once, but a stream that starts silent should use
 * `createFetchHandler(router, { openComment: 'open' })`.
 *
 * @example
 * ```ts
 * const { url, close } = await startBunExample({ port: 8080 });
 * ```
 */
export function startBunExample(
  options: { port?: number; host?: string; router?: RouterOptions } = {},
): Promise<RunningExample> {
  const router = createKtorParityRouter(options.router);
  const host = options.host ?? '127.0.0.1';
  const server = Bun.serve({
    hostname: host,
    port: options.port ?? 0,
    idleTimeout: 30,
    fetch: createFetchHandler(router),
  });
  return Promise.resolve({
    url: `http://${host.includes(':') ? `[${host}]` : host}:${server.port}`,
    close: async () => {
      router.closeAll();
      await server.stop(true);
    },
  });
}
