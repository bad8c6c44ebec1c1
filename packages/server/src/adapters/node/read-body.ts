import type { Readable } from 'node:stream';
import { BodyTooLargeError, LimitedBody } from '../../request.js';

/**
 * Reads a node stream (a request, or the raw body a framework hands over) as text, rejecting with
 * {@link BodyTooLargeError} past `limit` bytes; the rest of an oversized body is drained, not kept. When `signal`
 * aborts (the router's body timeout), reading stops the same way and the promise rejects with `signal.reason`.
 */
export function readNodeBody(stream: Readable, limit: number, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = new LimitedBody(limit);
    const stop = (error: unknown): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    const onData = (chunk: Uint8Array | string): void => {
      if (body.add(chunk)) return;
      stream.resume();
      stop(new BodyTooLargeError(limit));
    };
    const onEnd = (): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve(body.text());
    };
    const onError = (error: unknown): void => stop(error);
    const onAbort = (): void => {
      // Whatever still arrives is drained and dropped; the answer (408) closes the connection.
      stream.resume();
      stop(signal?.reason);
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}
