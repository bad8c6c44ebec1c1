import {
  createSecureServer,
  createServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import type { CloseOptions, SseRouter } from '../../router.js';
import { createNodeHandler, type NodeHandler } from './index.js';
import { listenOn } from './listen.js';

/** How long `close()` lets sessions flush before cutting them. */
const CLOSE_GRACE_MS = 1000;

/** Options of {@link serveHttp2}. */
export interface ServeHttp2Options {
  /** Key and certificate (PEM): HTTPS with ALPN `h2`. Without it, plaintext HTTP/2 (h2c, prior knowledge). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** With `tls`, also answer HTTP/1.1 clients on the same port (ALPN fallback). Default `false`. */
  allowHTTP1?: boolean;
  /** `0` (default) picks a free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** A handler to serve instead of `createNodeHandler(router)`. */
  handler?: NodeHandler;
}

/** A running HTTP/2 server from {@link serveHttp2}. */
export interface RunningHttp2Server {
  readonly server: Http2Server | Http2SecureServer;
  /** Base URL, `https://…` with `tls`, else `http://…` (h2c). */
  readonly url: string;
  readonly port: number;
  /**
   * Graceful shutdown: `router.close(options)` (new streams 503, every open stream gets a jittered `retry:` hint and
   * ends, requests in flight are answered, `resources` closed), then GOAWAY to every session; the server closes once
   * they have flushed, cutting sessions still open after a second.
   */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * Starts a node:http2 server (compatibility API) for a router. Every SSE stream is one HTTP/2 stream, so a browser
 * holds many streams over one connection instead of hitting the six-connections-per-origin limit of HTTP/1.1.
 * No `Connection` header is ever sent on HTTP/2.
 *
 * @example
 * ```ts
 * const { url, close } = await serveHttp2(router, {
 *   tls: { key: readFileSync('key.pem'), cert: readFileSync('cert.pem') },
 *   port: 8443,
 * });
 * ```
 */
export async function serveHttp2(router: SseRouter, options: ServeHttp2Options = {}): Promise<RunningHttp2Server> {
  const handler = options.handler ?? createNodeHandler(router);
  const listener = (req: Http2ServerRequest, res: Http2ServerResponse): void => handler(req, res);
  const server: Http2Server | Http2SecureServer = options.tls
    ? createSecureServer(
        { key: options.tls.key, cert: options.tls.cert, allowHTTP1: options.allowHTTP1 ?? false },
        listener,
      )
    : createServer(listener);
  const sessions = new Set<Http2Session>();
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const { port, host } = await listenOn(server, options.port, options.host);
  return {
    server,
    port,
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    close: async (closeOptions = {}) => {
      // Stop listening now; the callback comes once every session has ended.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await router.close(closeOptions);
      // GOAWAY: each session ends once the streams the router just ended have flushed; one still open after a
      // grace period (a peer that never reads) is cut.
      const timer = setTimeout(() => {
        for (const session of sessions) session.destroy();
      }, CLOSE_GRACE_MS);
      timer.unref();
      for (const session of sessions) session.close();
      await closed;
      clearTimeout(timer);
    },
  };
}
