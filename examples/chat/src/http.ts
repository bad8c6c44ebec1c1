import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, LimitedBody } from '@ssekit/server';

/**
 * Reads a request body as UTF-8, up to `limit` bytes (the server's `LimitedBody`). Past it, rejects with the server's
 * `BodyTooLargeError` and stops keeping the rest; the caller then answers with {@link answerTooLarge}. The request is
 * never destroyed before the answer: the client always gets a status line.
 *
 * @example
 * ```ts
 * const text = await readBody(req, 16 * 1024);
 * ```
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = new LimitedBody(limit);
    const onData = (chunk: Buffer) => {
      if (body.add(chunk)) return;
      req.off('data', onData);
      reject(new BodyTooLargeError(limit));
    };
    req.on('data', onData);
    req.once('end', () => resolve(body.text()));
    req.once('error', reject);
  });
}

/** Largest rest of an oversized body read (and discarded) after the 413, so the client can read the answer. */
const MAX_DISCARD_BYTES = 8 * 1024 * 1024;

/**
 * Answers 413 to a request whose body is still arriving, so the client actually receives it: the answer says
 * `Connection: close`; the rest of the body is read and discarded (up to 8 MiB, then the socket is closed) so the
 * client is not reset mid-upload before it read the status line.
 *
 * @example
 * ```ts
 * readBody(req, limit).catch((e) => e instanceof BodyTooLargeError && answerTooLarge(req, res, e.message));
 * ```
 */
export function answerTooLarge(req: IncomingMessage, res: ServerResponse, detail: string): void {
  let discarded = 0;
  const discard = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARD_BYTES) req.socket.destroy();
  };
  req.on('data', discard);
  req.resume();
  problem(res, 413, detail, { connection: 'close' });
}

/**
 * Writes a complete response with `Cache-Control: no-store`.
 *
 * @example
 * ```ts
 * send(res, 201, 'application/json', JSON.stringify({ id }));
 * ```
 */
export function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(body);
}

/**
 * Writes an RFC 9457 problem response (`application/problem+json`), unless a response was already started.
 *
 * @example
 * ```ts
 * problem(res, 503, 'the message store is unavailable', { 'retry-after': '1' });
 * ```
 */
export function problem(
  res: ServerResponse,
  status: number,
  detail: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res
    .writeHead(status, { 'content-type': 'application/problem+json', ...headers })
    .end(JSON.stringify({ type: 'about:blank', status, detail }));
}
