/**
 * The few members of Bun's and Deno's globals that the repository's runtime entry points use, typed here so that the
 * repository type-checks without `bun-types` or Deno's types (which replace lib types the Node code relies on).
 */

/** `Bun.serve` and `Bun.version`. */
export interface BunApi {
  serve(options: {
    hostname: string;
    port: number;
    /** Seconds a connection may stay idle before Bun closes it (default 10; 0 disables). */
    idleTimeout?: number;
    fetch(request: Request): Response | Promise<Response>;
  }): { port: number; stop(closeActiveConnections?: boolean): Promise<void> | void };
  version: string;
}

/** `Deno.serve` and `Deno.version`. */
export interface DenoApi {
  serve(
    options: { hostname: string; port: number; onListen?(address: { port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
  version: { deno: string };
}

/**
 * The running runtime's API, or a TypeError naming what is missing.
 *
 * @example
 * ```ts
 * const server = bunApi().serve({ hostname: '127.0.0.1', port: 0, fetch: handler });
 * ```
 */
export function bunApi(): BunApi {
  const api = (globalThis as { Bun?: BunApi }).Bun;
  if (!api) throw new TypeError('this entry point runs under Bun');
  return api;
}

/** See {@link bunApi}. */
export function denoApi(): DenoApi {
  const api = (globalThis as { Deno?: DenoApi }).Deno;
  if (!api) throw new TypeError('this entry point runs under Deno');
  return api;
}

/**
 * Serves `fetch` on 127.0.0.1 and a free port with the runtime's own server (`Bun.serve` or `Deno.serve`); resolves
 * with the base URL and the runtime's name and version.
 *
 * @example
 * ```ts
 * const { url } = await serveHere(handler);
 * ```
 */
export function serveHere(
  fetch: (request: Request) => Response | Promise<Response>,
  options: { idleTimeout?: number } = {},
): Promise<{ url: string; runtime: string }> {
  if ((globalThis as { Bun?: unknown }).Bun) {
    const bun = bunApi();
    const server = bun.serve({ hostname: '127.0.0.1', port: 0, idleTimeout: options.idleTimeout ?? 0, fetch });
    return Promise.resolve({ url: `http://127.0.0.1:${server.port}`, runtime: `bun ${bun.version}` });
  }
  const deno = denoApi();
  return new Promise((resolve) => {
    deno.serve(
      {
        hostname: '127.0.0.1',
        port: 0,
        onListen: ({ port }) => resolve({ url: `http://127.0.0.1:${port}`, runtime: `deno ${deno.version.deno}` }),
      },
      fetch,
    );
  });
}
