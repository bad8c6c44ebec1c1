import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, type CoreRequest, LimitedBody } from '../../request.js';
import type { SseRouter } from '../../router.js';
import { createNodeHandler, type NodeRequest, toCoreRequest } from '../node/index.js';

/** Options of {@link sseMiddleware}. */
export interface ExpressSseOptions {
  /** Requests that match no SSE route go to `next()` (the rest of the app, then Express's 404). Default `true`. */
  passThroughUnmatched?: boolean;
}

/**
 * An Express/Connect middleware. Typed structurally (`IncomingMessage`/`ServerResponse`, which Express's own request
 * and response extend), so the adapter needs neither `express` nor `@types/express` at run or type time.
 */
export type ExpressSseMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** The fields body parsers (`express.json()`, `express.text()`, `express.raw()`) leave on a request they consumed. */
interface ParsedRequest extends IncomingMessage {
  body?: unknown;
  _body?: boolean;
}

/**
 * The body as text: read from the socket, or — when a body parser mounted before ssekit already consumed it — taken
 * from `req.body` (a string or Buffer as is, a parsed value re-serialized as JSON), still held to the router's limit.
 */
function readBody(
  req: ParsedRequest,
  fromSocket: (limit: number, signal?: AbortSignal) => Promise<string>,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<string> {
  const consumed = req._body === true || req.readableEnded;
  if (!consumed || req.body === undefined) return fromSocket(limit, signal);
  const value = req.body;
  const text =
    typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : JSON.stringify(value);
  if (!new LimitedBody(limit).add(text)) return Promise.reject(new BodyTooLargeError(limit));
  return Promise.resolve(text);
}

function expressCoreRequest(req: NodeRequest): CoreRequest {
  // Inside `app.use('/sse', …)` Express has already made `req.url` relative to the mount path (`/events?x=1`), which
  // is what the router matches; it is read now, before Express restores it for the next layer.
  const core = toCoreRequest(req);
  const fromSocket = core.readBody.bind(core);
  return Object.assign(core, {
    readBody: (limit: number, signal?: AbortSignal) => readBody(req as ParsedRequest, fromSocket, limit, signal),
  });
}

/**
 * Mounts a router in Express 5 (or any Connect-style app). Routes are matched relative to the mount path, so
 * `app.use('/sse', sseMiddleware(router))` serves the router's `/events` at `/sse/events`. Unmatched requests go to
 * `next()`; a known path with the wrong method answers 405 with `Allow`.
 *
 * Middleware mounted before it (auth, CORS, logging) runs first as usual. `compression` leaves the stream alone:
 * every stream carries `Cache-Control: no-transform`, which `compression` honours, so each event reaches the client
 * at once instead of waiting in a gzip buffer.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { sseMiddleware } from '@ssekit/server/express';
 *
 * const app = express();
 * app.use('/sse', requireUser, sseMiddleware(router));
 * app.listen(8080);
 * ```
 */
export function sseMiddleware(router: SseRouter, options: ExpressSseOptions = {}): ExpressSseMiddleware {
  const handler = createNodeHandler(router, {
    passThroughUnmatched: options.passThroughUnmatched ?? true,
    toCoreRequest: expressCoreRequest,
  });
  return (req, res, next) => handler(req, res, next);
}
