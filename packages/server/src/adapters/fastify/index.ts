import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '@ssekit/contract';
import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  HTTPMethods,
} from 'fastify';
import type { CoreRequest } from '../../request.js';
import type { CloseOptions, SseRouter } from '../../router.js';
import { toCoreRequest } from '../node/index.js';
import { readNodeBody } from '../node/read-body.js';
import { normalizePrefix, stripPrefix } from '../prefix.js';
import { NodeReadableSink } from './readable-sink.js';

export { NodeReadableSink, READABLE_SINK_HIGH_WATER_MARK } from './readable-sink.js';

/** Options of {@link ssekitPlugin}; Fastify's own `prefix` register option mounts the routes under a path. */
export interface SsekitFastifyOptions {
  router: SseRouter;
  /**
   * Also declare the methods a path does not serve (GET, POST, PUT, PATCH, DELETE), so they answer 405 with `Allow`
   * as on every other adapter. Turn off when other Fastify routes share these paths. Default `true`.
   */
  methodNotAllowed?: boolean;
  /**
   * With a `prefix`, answer unknown paths under it with the core's 404 problem response (as every adapter does), via
   * Fastify's per-prefix `setNotFoundHandler`; the app's own 404 handler keeps every other path. Ignored without a
   * prefix, where the app's 404 handler answers. Default `true`.
   */
  notFound?: boolean;
  /**
   * Shut the router down (`router.close(shutdown)`: new streams 503, a jittered `retry:` hint to every open stream,
   * streams ended) in a `preClose` hook, so `app.close()` does not wait forever on open event streams. Turn off when
   * the router also serves through another server. Default `true`.
   */
  closeOnShutdown?: boolean;
  /** Options of the `router.close()` that `app.close()` runs (`closeOnShutdown`). Default: `router.close()`'s defaults. */
  shutdown?: CloseOptions;
}

/**
 * Methods declared on every SSE path when `methodNotAllowed` is on. OPTIONS is declared only when the router has a
 * `cors` policy (it answers preflights); otherwise it stays free for the app's own CORS plugin.
 */
const ANSWERED_METHODS: readonly HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';
}

/** The core's view of a Fastify request: the path below the plugin's prefix, the body from our pass-through parser. */
function fastifyCoreRequest(request: FastifyRequest, prefix: string): CoreRequest {
  const core = toCoreRequest(request.raw);
  const body = request.body;
  return Object.assign(core, {
    url: stripPrefix(core.url, prefix) ?? core.url,
    readBody: (limit: number, signal?: AbortSignal) =>
      isReadable(body) ? readNodeBody(body, limit, signal) : Promise.resolve(''),
    raw: request,
  });
}

async function handle(router: SseRouter, prefix: string, request: FastifyRequest, reply: FastifyReply) {
  const result = await router.dispatch(fastifyCoreRequest(request, prefix));
  if (result.kind === 'response') {
    reply.code(result.status).headers(result.headers);
    // A Buffer, not a string: Fastify would append `; charset=utf-8` to the problem's content type.
    return reply.send(result.body === '' ? undefined : Buffer.from(result.body));
  }
  reply.code(200).headers(result.headers);
  if (request.method === 'HEAD') {
    result.abandon();
    return reply.send();
  }
  const res = reply.raw;
  const sink = new NodeReadableSink(res);
  // Fastify writes the headers with the first chunk; SSE clients must see the stream open at once (headers flushed).
  // `pipe` is emitted by `payload.pipe(res)`, after Fastify has set every header (onSend hooks included).
  const onPipe = (source: Readable): void => {
    if (source === sink.readable && !res.headersSent) res.flushHeaders();
  };
  res.once('pipe', onPipe);
  sink.onClose(() => res.off('pipe', onPipe));
  reply.send(sink.readable);
  result.start(sink);
  return reply;
}

/**
 * A Fastify 5 plugin that declares one real Fastify route per SSE route, so Fastify's request logging, hooks
 * (`onRequest`/`preHandler` auth), error handler and 404 handling apply to SSE routes as to any other.
 *
 * The stream goes out through `reply.send(readable)` rather than `reply.hijack()`: a hijacked reply skips `onSend`
 * hooks, leaves headers set by hooks (CORS, request ids) unsent, and is logged by nobody when it ends; a sent stream
 * keeps all of that, and Fastify pipes it with backpressure. Bodies of POST routes are handed to the core unparsed
 * (a pass-through content-type parser in this plugin's scope), so validation errors are the same 400/413/415
 * problem responses as on every adapter.
 *
 * Register it without `fastify-plugin` (it is encapsulated on purpose: its content-type parser stays inside).
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { ssekitPlugin } from '@ssekit/server/fastify';
 *
 * const app = Fastify({ logger: true });
 * app.addHook('onRequest', async (request, reply) => { if (!request.headers.authorization) reply.code(401).send(); });
 * await app.register(ssekitPlugin, { router, prefix: '/sse' });
 * await app.listen({ port: 8080 });
 * ```
 */
export const ssekitPlugin: FastifyPluginAsync<SsekitFastifyOptions> = async (
  fastify: FastifyInstance,
  options: SsekitFastifyOptions,
) => {
  const { router } = options;
  if (!router || typeof router.routes !== 'function') {
    throw new InvalidArgumentError('ssekitPlugin: pass { router } (an SseRouter from createRouter() or implement())');
  }
  const prefix = normalizePrefix(fastify.prefix);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  const methodsByPath = new Map<string, Set<HTTPMethods>>();
  for (const route of router.routes()) {
    const methods = methodsByPath.get(route.path) ?? new Set<HTTPMethods>();
    methods.add(route.method as HTTPMethods);
    methodsByPath.set(route.path, methods);
  }
  const answerAll = options.methodNotAllowed ?? true;
  for (const [path, declared] of methodsByPath) {
    const methods = answerAll ? new Set([...ANSWERED_METHODS, ...declared]) : new Set(declared);
    if (router.options.cors) methods.add('OPTIONS');
    fastify.route({
      method: [...methods],
      url: path,
      handler: (request, reply) => handle(router, prefix, request, reply),
    });
  }
  if (options.closeOnShutdown ?? true) {
    fastify.addHook('preClose', async () => {
      await router.close(options.shutdown);
    });
  }
  if (prefix !== '' && (options.notFound ?? true)) {
    fastify.setNotFoundHandler((request, reply) => handle(router, prefix, request, reply));
  }
};

/**
 * A `frameworkErrors` handler for `Fastify({ … })`. Fastify rejects a malformed percent-encoding anywhere in the path
 * (`FST_ERR_BAD_URL`) before any route or plugin runs, so a plugin cannot answer it; with this handler, such requests
 * under the SSE prefix get the core's 400 problem naming the bad param, as on every adapter. Other framework errors,
 * and bad URLs outside the prefix, get Fastify's usual answer.
 *
 * @example
 * ```ts
 * const app = Fastify({ frameworkErrors: ssekitFrameworkErrors(router, { prefix: '/sse' }) });
 * await app.register(ssekitPlugin, { router, prefix: '/sse' });
 * ```
 */
export function ssekitFrameworkErrors(
  router: SseRouter,
  options: { prefix?: string } = {},
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  const prefix = normalizePrefix(options.prefix);
  return (error, request, reply) => {
    const underPrefix = stripPrefix(request.raw.url ?? '/', prefix) !== undefined;
    if (error.code !== 'FST_ERR_BAD_URL' || !underPrefix) {
      reply.code(error.statusCode ?? 400).send(error);
      return;
    }
    void handle(router, prefix, request, reply).catch((failure: unknown) => {
      router.report(failure);
      if (!reply.sent) reply.code(500).send();
    });
  };
}
