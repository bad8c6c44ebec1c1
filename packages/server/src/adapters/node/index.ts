import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { CoreRequest } from '../../request.js';
import { type CloseOptions, DEFAULT_DRAIN_MS, type SseRouter } from '../../router.js';
import { listenOn } from './listen.js';
import { NodeSink } from './node-sink.js';
import { readNodeBody } from './read-body.js';

export { type RunningHttp2Server, type ServeHttp2Options, serveHttp2 } from './http2.js';
export { NodeSink };

/** A request from node:http, or node:http2's compatibility API. */
export type NodeRequest = IncomingMessage | Http2ServerRequest;
/** A response from node:http, or node:http2's compatibility API. */
export type NodeResponse = ServerResponse | Http2ServerResponse;

/** Options of {@link createNodeHandler}. */
export interface NodeHandlerOptions {
  /**
   * When a request matches no SSE route and a `next` callback is given (Express/Connect style), call it instead of
   * answering 404. Default `true`.
   */
  passThroughUnmatched?: boolean;
  /**
   * Builds the core's view of a request. Default {@link toCoreRequest}; frameworks override it, e.g. to read a body a
   * body parser already consumed.
   */
  toCoreRequest?: (req: NodeRequest) => CoreRequest;
}

/** A node:http (or http2 compat) request listener, usable as Connect/Express middleware too. */
export type NodeHandler = (req: NodeRequest, res: NodeResponse, next?: (error?: unknown) => void) => void;

/**
 * Headers HTTP/2 forbids (RFC 9113 §8.2.2); node's http2 compat layer rejects them. The core never sets one, but
 * `HttpError` headers come from user code, so they are dropped on HTTP/2 rather than failing the response.
 */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

function isHttp2(res: NodeResponse): res is Http2ServerResponse {
  return 'stream' in res && res.stream !== undefined;
}

/** The response's headers for this protocol: as given on HTTP/1.1, without connection-specific ones on HTTP/2. */
function protocolHeaders(res: NodeResponse, headers: Record<string, string>): Record<string, string> {
  if (!isHttp2(res)) return headers;
  let out: Record<string, string> | undefined;
  for (const name of Object.keys(headers)) {
    if (!CONNECTION_SPECIFIC.has(name.toLowerCase())) continue;
    out ??= { ...headers };
    delete out[name];
  }
  return out ?? headers;
}

/** True once the response can no longer be written: destroyed socket (h1) or closed stream (h2). */
function isGone(res: NodeResponse): boolean {
  return isHttp2(res) ? res.stream.destroyed || res.stream.closed : res.destroyed;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Adapts a node request to the core's view without copying what is not needed. */
export function toCoreRequest(req: NodeRequest): CoreRequest {
  return new NodeCoreRequest(req);
}

/**
 * The core's view of a node request. Methods live on the prototype, so a request costs one small object, not three
 * closures — it stays referenced for the stream's lifetime (the lazily built header record). Frameworks adjust it
 * with `Object.assign(toCoreRequest(req), { url, readBody })`.
 */
class NodeCoreRequest implements CoreRequest {
  method: string;
  url: string;
  raw: unknown;
  readonly #req: NodeRequest;

  constructor(req: NodeRequest) {
    this.#req = req;
    this.method = req.method ?? 'GET';
    this.url = req.url ?? '/';
    this.raw = req;
  }

  header(name: string): string | undefined {
    return headerValue(this.#req.headers[name]);
  }

  headers(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.#req.headers)) {
      // HTTP/2 pseudo-headers (:path, :method, …) are not request headers for the route.
      if (value !== undefined && !name.startsWith(':')) out[name] = headerValue(value) as string;
    }
    return out;
  }

  readBody(limit: number, signal?: AbortSignal): Promise<string> {
    return readNodeBody(this.#req, limit, signal);
  }
}

/**
 * Mounts a router on node:http: a request listener that writes to `ServerResponse` directly.
 * Also works as Connect/Express middleware: unmatched paths call `next()`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * createServer(createNodeHandler(router)).listen(8080);
 * ```
 */
export function createNodeHandler(router: SseRouter, options: NodeHandlerOptions = {}): NodeHandler {
  const passThrough = options.passThroughUnmatched ?? true;
  const toCore = options.toCoreRequest ?? toCoreRequest;
  return (req, res, next) => {
    router.dispatch(toCore(req)).then(
      (result) => {
        if (result.kind === 'response') {
          if (!result.matched && next && passThrough) {
            next();
            return;
          }
          if (res.headersSent || isGone(res)) return;
          // The two response classes share this call; their overload sets differ only in types.
          (res as ServerResponse).writeHead(result.status, protocolHeaders(res, result.headers));
          if (req.method === 'HEAD') res.end();
          else res.end(result.body);
          return;
        }
        if (isGone(res)) {
          result.abandon();
          return;
        }
        (res as ServerResponse).writeHead(200, protocolHeaders(res, result.headers));
        // Flush the headers at once: clients see the stream open before the first event (h2: sends HEADERS now).
        (res as ServerResponse).flushHeaders();
        if (req.method === 'HEAD') {
          result.abandon();
          res.end();
          return;
        }
        result.start(new NodeSink(res));
      },
      (error: unknown) => {
        router.report(error);
        if (!res.headersSent && !isGone(res)) {
          res.writeHead(500, { 'content-type': 'application/problem+json' });
          res.end(JSON.stringify({ type: 'about:blank', title: 'Internal Server Error', status: 500 }));
        } else {
          res.destroy();
        }
      },
    );
  };
}

/** A running node:http server from {@link serve}. */
export interface RunningServer {
  readonly server: Server;
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  /**
   * Graceful shutdown: stops listening, runs `router.close(options)` (new streams 503, every open stream gets a
   * jittered `retry:` hint and ends, requests in flight are answered, `resources` closed), lets connections flush
   * for up to `drainMs`, then cuts whatever is left. Resolves once the server is closed.
   */
  close(options?: CloseOptions): Promise<void>;
}

/** How often a closing server closes the connections that went idle since (a stream just ended, an answer sent). */
const IDLE_SWEEP_MS = 20;

/**
 * Starts a node:http server for a router. `port: 0` picks a free port. `close()` is the graceful shutdown; a SIGTERM
 * handler needs nothing else.
 *
 * @example
 * ```ts
 * const running = await serve(router, { port: 8080 });
 * console.log(`listening on ${running.url}`);
 * process.once('SIGTERM', async () => {
 *   await running.close({ reconnectWindowMs: 10_000, resources: [hub, store] });
 *   process.exit(0);
 * });
 * ```
 */
export async function serve(
  router: SseRouter,
  options: { port?: number; host?: string; handler?: NodeHandler } = {},
): Promise<RunningServer> {
  const handler = options.handler ?? createNodeHandler(router);
  const server = createServer((req, res) => handler(req, res));
  const { port, host } = await listenOn(server, options.port, options.host);
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    close: (closeOptions = {}) => {
      closing ??= closeServer(server, router, closeOptions);
      return closing;
    },
  };
}

async function closeServer(server: Server, router: SseRouter, options: CloseOptions): Promise<void> {
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  const deadline = Date.now() + drainMs;
  // Stop accepting connections; requests on open connections are still served (503 for new streams).
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  await router.close(options);
  // Streams ended and answers sent leave idle keep-alive connections: close those as they appear, cut the rest
  // (a client that never reads, a request body that never ends) once the drain time is over.
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const cut = setTimeout(() => server.closeAllConnections(), Math.max(0, deadline - Date.now()));
  server.closeIdleConnections();
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cut);
  }
}
