import { FieldInjectionError } from './errors.js';

/**
 * A raw SSE event, the fields of Ktor's `ServerSentEvent(data, event, id, retry, comments)`.
 *
 * @example
 * ```ts
 * const ev: ServerSentEvent = { event: 'tick', data: 'hello', id: '42', retry: 1000, comments: 'keep' };
 * ```
 */
export interface ServerSentEvent<Data = unknown> {
  /** Data: strings are sent verbatim, anything else through the route's serializer (JSON by default). */
  data?: Data;
  /** Event name; omitted means `message`. Must not hold CR, LF or NUL. */
  event?: string;
  /** Event id, the client's `Last-Event-ID` on reconnect. Must not hold CR, LF or NUL. */
  id?: string;
  /** Reconnection delay the client should use, in ms: a non-negative integer. */
  retry?: number;
  /** Comment lines sent before the fields (split on line breaks like data). */
  comments?: string | readonly string[];
}

const LINE_BREAK = /\r\n|\r|\n/;
const FORBIDDEN = /[\r\n\0]/;

/** Prefixes each line of `text` (split on CRLF, CR, LF) with `field: ` — data can never inject a field. */
export function encodeLines(field: 'data' | '', text: string): string {
  const prefix = field === '' ? ':' : `${field}:`;
  if (!LINE_BREAK.test(text)) return text === '' ? `${prefix}\n` : `${prefix} ${text}\n`;
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += line === '' ? `${prefix}\n` : `${prefix} ${line}\n`;
  return out;
}

/**
 * Checks an `event` or `id` value for CR, LF and NUL.
 *
 * @example
 * ```ts
 * assertSafeField('id', '42');    // ok
 * assertSafeField('id', '4\n2');  // throws FieldInjectionError
 * ```
 */
export function assertSafeField(field: 'event' | 'id', value: string): void {
  if (typeof value !== 'string') throw new FieldInjectionError(field, `must be a string, got ${typeof value}`);
  if (FORBIDDEN.test(value)) throw new FieldInjectionError(field, 'contains CR, LF or NUL');
}

function encodeRetry(retry: number): string {
  if (!Number.isSafeInteger(retry) || retry < 0) {
    throw new FieldInjectionError('retry', `must be a non-negative integer, got ${String(retry)}`);
  }
  return `retry: ${retry}\n`;
}

function encodeComments(comments: string | readonly string[]): string {
  let out = '';
  for (const comment of typeof comments === 'string' ? [comments] : comments) out += encodeLines('', comment);
  return out;
}

/**
 * Encodes one event frame. `eventLine` is a precomputed `event: name\n` (or '' for `message`),
 * `dataText` the serialized data or `undefined` for none.
 */
export function encodeFrame(
  eventLine: string,
  dataText: string | undefined,
  id: string | undefined,
  retry: number | undefined,
  comments: string | readonly string[] | undefined,
): string {
  let frame = comments === undefined ? '' : encodeComments(comments);
  if (dataText === undefined) {
    // Comment-, id- or retry-only block: no data line, so the client dispatches nothing.
    if (id !== undefined) {
      assertSafeField('id', id);
      frame += `id: ${id}\n`;
    }
    if (retry !== undefined) frame += encodeRetry(retry);
    return frame === '' ? '' : `${frame}\n`;
  }
  frame += eventLine;
  if (id !== undefined) {
    assertSafeField('id', id);
    frame += `id: ${id}\n`;
  }
  if (retry !== undefined) frame += encodeRetry(retry);
  return `${frame}${encodeLines('data', dataText)}\n`;
}

/** `event: name\n`, or '' for the default `message` type. */
export function eventLine(name: string): string {
  return name === 'message' ? '' : `event: ${name}\n`;
}

/**
 * Encodes a comment frame (e.g. a heartbeat). Multi-line comments become several comment lines.
 *
 * @example
 * ```ts
 * encodeComment('ping'); // ': ping\n\n'
 * ```
 */
export function encodeComment(text: string): string {
  return `${encodeLines('', text)}\n`;
}
