import type { RouterOptions } from '@ssekit/server';
import { createFetchHandler } from '@ssekit/server/fetch';
import { createKtorParityRouter } from '../../ktor-parity/src/router.ts';

/** The part of Deno's API this example uses (Deno's own types replace this in a Deno project). */
declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen(address: { port: number }): void },
    handler: (request: Request) => Promise<Response>,
  ): { shutdown(): Promise<void> };
};

/** A running example server. */
export interface RunningExample {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the ktor-parity routes with `Deno.serve` and the fetch adapter. `port: 0` picks a free port.
 *
 * @example
 * ```ts
 * const { url, close } = await startDenoExample({ port: 8080 });
 * ```
 */
export function startDenoExample(
  options: { port?: number; host?: string; router?: RouterOptions } = {},
): Promise<RunningExample> {
  const router = createKtorParityRouter(options.router);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve) => {
    const server = Deno.serve(
      {
        hostname: host,
        port: options.port ?? 0,
        onListen: ({ port }) =>
          resolve({
            url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
            close: async () => {
              router.closeAll();
              await server.shutdown();
            },
          }),
      },
      createFetchHandler(router),
    );
  });
}
