import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A raw node:http server the devtools tests write SSE bytes with (loopback, ephemeral port). */
export interface RawSseServer {
  readonly url: string;
  /** The request headers of every request, in order. */
  readonly requests: IncomingMessage['headers'][];
  close(): Promise<void>;
}

/** The headers ssekit's server sends with a stream. */
export const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

/** Starts a server whose `handle` writes the response, raw. */
export async function rawSseServer(
  handle: (req: IncomingMessage, res: ServerResponse, index: number) => void,
): Promise<RawSseServer> {
  const requests: IncomingMessage['headers'][] = [];
  const server = createServer((req, res) => {
    requests.push(req.headers);
    handle(req, res, requests.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A frame of one event, as ssekit's encoder writes it. */
export function frame(event: string, data: unknown, id?: string): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return `event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${text}\n\n`;
}
