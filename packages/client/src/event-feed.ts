import { createParser } from 'eventsource-parser';
import type { RawSseEvent } from './raw-event.js';

/** What a feed reports while it reads one connection's bytes. */
export interface EventFeedHandlers {
  /** A dispatched event; `id` is the persisted last event id. */
  onEvent(event: RawSseEvent): void;
  /** A comment line, without its leading colon (and one optional space). */
  onComment?(comment: string): void;
  /** A valid `retry:` field (all ASCII digits), in milliseconds. */
  onRetry?(ms: number): void;
  /** A dispatched block changed the last event id (`undefined` after an empty `id:`). */
  onLastEventId?(id: string | undefined): void;
}

/**
 * Feeds one connection's bytes to `eventsource-parser` and closes its gaps against the
 * SSE spec's event-stream interpretation:
 *
 * - Bytes are decoded by a fresh streaming `TextDecoder` per connection, which strips exactly
 *   one leading BOM even when its bytes are split across chunks. The parser's own BOM check
 *   (which would strip a second BOM, and a leading "ï»¿" text) is disarmed by feeding it a
 *   blank line first — a blank line with empty buffers dispatches nothing.
 * - The parser forgets the `id` after each block; the spec's last event id persists across
 *   events, so it is tracked here and stamped on every event.
 * - An empty `id:` resets the last event id (reported as `undefined`).
 *
 * Create one feed per connection: a partial block left at the end of a stream is discarded
 * by simply dropping the feed.
 *
 * @example
 * ```ts
 * const feed = createEventFeed('41', { onEvent: (e) => console.log(e) });
 * feed.push(new TextEncoder().encode('data: hi\n\n')); // { event: 'message', data: 'hi', id: '41' }
 * ```
 */
export function createEventFeed(
  lastEventId: string | undefined,
  handlers: EventFeedHandlers,
  maxEventSize?: number,
): { push(bytes: Uint8Array): void; readonly overflowed: boolean } {
  let overflowed = false;
  let currentId = lastEventId === '' ? undefined : lastEventId;
  const decoder = new TextDecoder('utf-8');
  const parser = createParser({
    onId(id) {
      currentId = id === '' ? undefined : id;
      handlers.onLastEventId?.(currentId);
    },
    onEvent(message) {
      handlers.onEvent({ event: message.event || 'message', data: message.data, id: currentId });
    },
    onComment: handlers.onComment ? (comment) => handlers.onComment?.(comment) : undefined,
    onRetry: handlers.onRetry ? (ms) => handlers.onRetry?.(ms) : undefined,
    // Invalid `retry` values and unknown fields are ignored, as the spec says; the only error acted on is a block or
    // line past `maxEventSize`, after which the parser refuses more input and the attempt is dropped.
    onError(error) {
      if (error.type === 'max-buffer-size-exceeded') overflowed = true;
    },
    ...(maxEventSize === undefined ? {} : { maxBufferSize: maxEventSize }),
  });
  parser.feed('\n');

  return {
    push(bytes) {
      if (overflowed) return;
      const text = decoder.decode(bytes, { stream: true });
      if (text !== '') parser.feed(text);
    },
    get overflowed() {
      return overflowed;
    },
  };
}
