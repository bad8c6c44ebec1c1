/**
 * SSE client conformance test service for @ssekit/client.
 *
 * Speaks the language-neutral test-service protocol of launchdarkly/sse-contract-tests:
 * the harness asks this service to start SSE clients against its stream endpoints, and the
 * service reports every event, comment and error to the harness's callback URL, in order.
 *
 *   npm run conformance:service -- --port 8000 [--host 127.0.0.1]
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { connectEventStream, type EventStreamConnection } from '../src/index.ts';

/** Every optional feature of the protocol this client implements. */
export const CAPABILITIES = [
  'bom',
  'comments',
  'headers',
  'last-event-id',
  'post',
  'report',
  'read-timeout',
  'restart',
  'server-directed-shutdown-request',
] as const;

/** The body of `POST /`, after validation. */
export interface CreateStreamParams {
  streamUrl: string;
  callbackUrl: string;
  tag?: string;
  initialDelayMs?: number;
  readTimeoutMs?: number;
  lastEventId?: string;
  headers?: Record<string, string>;
  method?: string;
  body?: string;
}

type CallbackMessage =
  | { kind: 'event'; event: { type: string; data: string; id?: string } }
  | { kind: 'comment'; comment: string }
  | { kind: 'error'; comment: string; error: string };

class BadRequest extends Error {}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Validates a create-stream request; `null` counts as absent, as the protocol says. */
export function parseCreateStreamParams(input: unknown): CreateStreamParams {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new BadRequest('body must be a JSON object');
  const o = input as Record<string, unknown>;
  const present = (key: string) => o[key] !== undefined && o[key] !== null;
  if (!isHttpUrl(o.streamUrl)) throw new BadRequest('streamUrl must be an http(s) URL');
  if (!isHttpUrl(o.callbackUrl)) throw new BadRequest('callbackUrl must be an http(s) URL');
  const params: CreateStreamParams = { streamUrl: o.streamUrl, callbackUrl: o.callbackUrl };
  for (const key of ['tag', 'lastEventId', 'body'] as const) {
    if (!present(key)) continue;
    if (typeof o[key] !== 'string') throw new BadRequest(`${key} must be a string`);
    params[key] = o[key] as string;
  }
  if (present('method')) {
    if (typeof o.method !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(o.method)) {
      throw new BadRequest('method must be an HTTP method name');
    }
    params.method = o.method;
  }
  for (const key of ['initialDelayMs', 'readTimeoutMs'] as const) {
    if (!present(key)) continue;
    const value = o[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw new BadRequest(`${key} must be a non-negative integer`);
    }
    params[key] = value;
  }
  if (present('headers')) {
    const headers = o.headers;
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
      throw new BadRequest('headers must be an object of strings');
    }
    const entries = Object.entries(headers as Record<string, unknown>);
    if (entries.some(([, v]) => typeof v !== 'string')) throw new BadRequest('header values must be strings');
    params.headers = Object.fromEntries(entries.map(([k, v]) => [k.toLowerCase(), v as string]));
  }
  return params;
}

/** One SSE client started by the harness, reporting to its callback URL. */
class StreamInstance {
  readonly connection: EventStreamConnection;
  private sent = 0;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(readonly params: CreateStreamParams) {
    const headers: Record<string, string> = { 'cache-control': 'no-cache', ...params.headers };
    this.connection = connectEventStream({
      url: params.streamUrl,
      method: params.method ?? 'GET',
      headers,
      ...(params.body === undefined ? {} : { body: params.body }),
      ...(params.lastEventId ? { lastEventId: params.lastEventId } : {}),
      ...(params.readTimeoutMs ? { idleTimeoutMs: params.readTimeoutMs } : {}),
      reconnect: params.initialDelayMs === undefined ? {} : { initialDelayMs: params.initialDelayMs },
      onEvent: (e) =>
        this.report({
          kind: 'event',
          event: { type: e.event, data: e.data, ...(e.id === undefined ? {} : { id: e.id }) },
        }),
      onComment: (comment) => this.report({ kind: 'comment', comment }),
      onError: (error) => this.report({ kind: 'error', comment: error.message, error: error.message }),
    });
  }

  /** Posts callbacks one at a time, numbered from 1, in the order they happened. */
  private report(message: CallbackMessage): void {
    if (this.stopped) return;
    const n = ++this.sent;
    const url = `${this.params.callbackUrl.replace(/\/+$/, '')}/${n}`;
    this.queue = this.queue.then(async () => {
      if (this.stopped) return;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message),
        });
        await response.arrayBuffer();
      } catch (error) {
        console.error(`callback ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  restart(): void {
    this.connection.restart();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.connection.close();
    await this.connection.done;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(status, { 'content-type': type, ...headers }).end(text);
}

/** Options of {@link startConformanceService}. */
export interface ConformanceServiceOptions {
  port?: number;
  host?: string;
  /** What `DELETE /` does; default: exit the process. */
  onExit?: () => void;
}

/** A running service. */
export interface ConformanceService {
  url: string;
  /** The stream instance behind a `Location` path, for tests. */
  instance(path: string): { connection: EventStreamConnection } | undefined;
  close(): Promise<void>;
}

/**
 * Starts the test service.
 *
 * @example
 * ```ts
 * const service = await startConformanceService({ port: 8000 });
 * ```
 */
export async function startConformanceService(options: ConformanceServiceOptions = {}): Promise<ConformanceService> {
  const instances = new Map<string, StreamInstance>();
  let counter = 0;
  const onExit = options.onExit ?? (() => setTimeout(() => process.exit(0), 10));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://service').pathname;
    if (path === '/') {
      if (req.method === 'GET') return send(res, 200, { name: 'ssekit-client', capabilities: CAPABILITIES });
      if (req.method === 'DELETE') {
        send(res, 204);
        await Promise.all([...instances.values()].map((i) => i.stop()));
        instances.clear();
        onExit();
        return;
      }
      if (req.method === 'POST') {
        const params = parseCreateStreamParams(await readJson(req));
        const id = String(++counter);
        const location = `/streams/${id}`;
        instances.set(location, new StreamInstance(params));
        const host = req.headers.host ?? `127.0.0.1`;
        return send(res, 201, undefined, { location: `http://${host}${location}` });
      }
      return send(res, 405, 'method not allowed');
    }
    const instance = instances.get(path);
    if (!instance) return send(res, 404, `no stream at ${path}`);
    if (req.method === 'DELETE') {
      instances.delete(path);
      await instance.stop();
      return send(res, 204);
    }
    if (req.method === 'POST') {
      const body = await readJson(req);
      const command = typeof body === 'object' && body !== null ? (body as { command?: unknown }).command : undefined;
      if (command === 'restart') {
        instance.restart();
        return send(res, 204);
      }
      // every event type is delivered without registering it, so "listen" has nothing to do
      if (command === 'listen') return send(res, 204);
      return send(res, 400, `unknown command ${JSON.stringify(command)}`);
    }
    return send(res, 405, 'method not allowed');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      if (error instanceof BadRequest) send(res, 400, error.message);
      else send(res, 500, error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8000, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    instance: (path) => instances.get(new URL(path, 'http://service').pathname),
    async close() {
      await Promise.all([...instances.values()].map((i) => i.stop()));
      instances.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function argument(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  const port = Number(argument('port') ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error('usage: conformance:service [--port 8000] [--host 127.0.0.1]');
    process.exit(2);
  }
  const service = await startConformanceService({ port, host: argument('host') ?? '127.0.0.1' });
  console.log(`ssekit SSE client conformance service listening on ${service.url}`);
}
