import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request the test server received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** Raw header pairs, to count duplicates. */
  rawHeaders: string[];
  body: string;
}

/** One open SSE response the test drives byte by byte. */
export interface StreamConnection {
  request: RecordedRequest;
  response: ServerResponse;
  /** Writes bytes and resolves once they were handed to the socket. */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Ends the response cleanly. */
  end(): Promise<void>;
  /** Breaks the connection abruptly. */
  destroy(): void;
}

/** Decides how to answer request number `index` (0-based); return nothing to open an event stream. */
export type Responder = (request: RecordedRequest, response: ServerResponse, index: number) => boolean | undefined;

export interface TestSseServer {
  url: string;
  requests: RecordedRequest[];
  /** Resolves with the next event-stream connection (in arrival order). */
  nextConnection(timeoutMs?: number): Promise<StreamConnection>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A loopback HTTP server for client tests. By default every request gets a 200
 * `text/event-stream` response that the test writes to through {@link StreamConnection};
 * a `responder` can answer some requests itself (statuses, content types...).
 */
export async function startSseServer(responder?: Responder): Promise<TestSseServer> {
  const requests: RecordedRequest[] = [];
  const ready: StreamConnection[] = [];
  const waiting: Array<(c: StreamConnection) => void> = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body,
    };
    const index = requests.length;
    requests.push(request);
    if (responder?.(request, res, index)) return;
    res.socket?.setNoDelay(true);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    const connection: StreamConnection = {
      request,
      response: res,
      write: (chunk) =>
        new Promise((resolve, reject) => res.write(chunk, (error) => (error ? reject(error) : resolve()))),
      end: () => new Promise((resolve) => res.end(() => resolve())),
      destroy: () => res.socket?.destroy(),
    };
    const waiter = waiting.shift();
    if (waiter) waiter(connection);
    else ready.push(connection);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    nextConnection(timeoutMs = 5000) {
      const first = ready.shift();
      if (first) return Promise.resolve(first);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          const i = waiting.indexOf(done);
          if (i >= 0) waiting.splice(i, 1);
          reject(new Error(`no connection within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (c: StreamConnection) => {
          clearTimeout(timer);
          resolve(c);
        };
        waiting.push(done);
      });
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves when `predicate` holds, polling on the event loop; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A `fetch` answering every request with a 200 event stream made of exactly these chunks. */
export function chunkedFetch(
  chunks: readonly Uint8Array[],
  onRequest?: (init: RequestInit | undefined) => void,
): typeof fetch {
  return async (_input, init) => {
    onRequest?.(init);
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks[i++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
}
