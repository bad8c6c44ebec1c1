/**
 * Frame bytes, in one place: encoding a frame once for many writes, and joining held frames into one write (the
 * coalescing window, the hub's per-turn batch, the fetch sink's pull, a request body's chunks).
 */

type NodeBuffer = {
  from(text: string, encoding: 'utf8'): Uint8Array;
  concat(list: readonly Uint8Array[]): Uint8Array;
};
const NodeBufferClass = (globalThis as { Buffer?: NodeBuffer }).Buffer;
const encoder = new TextEncoder();

/**
 * UTF-8 bytes of a frame, encoded once for all subscribers. On Node a `Buffer` (a Uint8Array): node streams take it
 * as is, while a plain Uint8Array would be wrapped in a new Buffer on every write, i.e. once per subscriber.
 */
export const toBytes: (text: string) => Uint8Array = NodeBufferClass
  ? (text) => NodeBufferClass.from(text, 'utf8')
  : (text) => encoder.encode(text);

/** One buffer of several byte chunks, in order (a Node `Buffer` on Node); a single chunk is returned as is. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  if (NodeBufferClass) return NodeBufferClass.concat(chunks);
  let length = 0;
  for (const chunk of chunks) length += chunk.byteLength;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Joins held frames into one chunk for one write: a string when every frame is one, bytes otherwise. */
export function joinFrames(frames: readonly (string | Uint8Array)[]): string | Uint8Array {
  if (frames.length === 1) return frames[0] as string | Uint8Array;
  if (frames.every((frame) => typeof frame === 'string')) return (frames as string[]).join('');
  return concatBytes(frames.map((frame) => (typeof frame === 'string' ? toBytes(frame) : frame)));
}
