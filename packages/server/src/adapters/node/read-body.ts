import type { Readable } from 'node:stream';
import { BodyTooLargeError, LimitedBody } from '../../request.js';

/**
 * Reads a node stream (a request, or the raw body a framework hands over) as text, rejecting with
 * {@link BodyTooLargeError} past `limit` bytes; the rest of an oversized body is drained, not kept.
 */
export function readNodeBody(stream: Readable, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = new LimitedBody(limit);
    const onData = (chunk: Uint8Array | string): void => {
      if (body.add(chunk)) return;
      stream.off('data', onData);
      stream.resume();
      reject(new BodyTooLargeError(limit));
    };
    stream.on('data', onData);
    stream.once('end', () => resolve(body.text()));
    stream.once('error', reject);
  });
}
