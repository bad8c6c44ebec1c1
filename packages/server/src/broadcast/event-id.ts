/**
 * Resumable event ids: `<epoch>-<ms>-<seq>`. The epoch names one life of a replay store (a restarted, empty store has
 * a new one); `<ms>-<seq>` is the event's position in its topic's log, the same shape as a Redis Streams entry id.
 */

/** A position in a topic's log; compared as the pair (ms, seq). */
export interface StreamPosition {
  readonly ms: number;
  readonly seq: number;
}

/** A parsed resumable id. */
export interface ParsedEventId {
  readonly epoch: string;
  readonly position: StreamPosition;
}

/** The position before every event: resuming from it replays everything retained. */
export const ZERO_POSITION: StreamPosition = Object.freeze({ ms: 0, seq: 0 });

/** Longest id we ever parse: a 32-char epoch and two 15-digit numbers. Anything longer is malformed, unread. */
export const MAX_EVENT_ID_LENGTH = 32 + 1 + 15 + 1 + 15;

const EPOCH = /^[A-Za-z0-9]{8,32}$/;
const ID = /^([A-Za-z0-9]{8,32})-(0|[1-9][0-9]{0,14})-(0|[1-9][0-9]{0,14})$/;
const REDIS_ID = /^(0|[1-9][0-9]{0,14})-(0|[1-9][0-9]{0,14})$/;

/** True when `epoch` is 8–32 ASCII letters and digits. */
export function isValidEpoch(epoch: string): boolean {
  return typeof epoch === 'string' && epoch.length <= 32 && EPOCH.test(epoch);
}

/**
 * Parses a `Last-Event-ID` into epoch and position, or `undefined` when it is not one of ours.
 * O(1): the length is checked before any scan, and the pattern is anchored and bounded.
 *
 * @example
 * ```ts
 * parseEventId('k3v9x2m1q8w7e6r5-1732780800000-3'); // { epoch: 'k3v9…', position: { ms: 1732780800000, seq: 3 } }
 * parseEventId('42'); // undefined
 * ```
 */
export function parseEventId(id: string): ParsedEventId | undefined {
  if (typeof id !== 'string' || id.length > MAX_EVENT_ID_LENGTH || id.length < 12) return undefined;
  const match = ID.exec(id);
  if (!match) return undefined;
  return { epoch: match[1] as string, position: { ms: Number(match[2]), seq: Number(match[3]) } };
}

/** Formats an id from its epoch and position. */
export function formatEventId(epoch: string, position: StreamPosition): string {
  return `${epoch}-${position.ms}-${position.seq}`;
}

/** Parses a Redis Streams entry id (`<ms>-<seq>`); `undefined` when it does not fit our bounds. */
export function parseStreamPosition(text: string): StreamPosition | undefined {
  if (typeof text !== 'string' || text.length > 31) return undefined;
  const match = REDIS_ID.exec(text);
  return match ? { ms: Number(match[1]), seq: Number(match[2]) } : undefined;
}

/** `<ms>-<seq>`, the Redis Streams form of a position. */
export function formatStreamPosition(position: StreamPosition): string {
  return `${position.ms}-${position.seq}`;
}

/** Negative when `a` comes before `b`, 0 when equal, positive after. */
export function comparePositions(a: StreamPosition, b: StreamPosition): number {
  return a.ms === b.ms ? a.seq - b.seq : a.ms - b.ms;
}

const EPOCH_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A fresh random epoch: 16 base-36 characters (~82 bits) from the platform's CSPRNG. */
export function randomEpoch(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const byte of bytes) out += EPOCH_ALPHABET[byte % 36];
  return out;
}
