import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser';
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
 * The feed whose bytes the parser is reading right now. The parser's callbacks are the class's own (static) functions,
 * the same for every connection, and find their connection here: a call site in eventsource-parser that V8 optimized
 * for one connection's callbacks stays valid for the next connection's, where a closure per connection would
 * deoptimize it on every reconnect. `push` sets it around every (synchronous) parse.
 */
let feeding: EventFeed | undefined;

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
 * const feed = new EventFeed('41', { onEvent: (e) => console.log(e) });
 * feed.push(new TextEncoder().encode('data: hi\n\n')); // { event: 'message', data: 'hi', id: '41' }
 * ```
 */
export class EventFeed {
  /** True once a block or line went past `maxEventSize`: the parser refuses more input. */
  overflowed = false;
  #currentId: string | undefined;
  readonly #handlers: EventFeedHandlers;
  // A fresh streaming decoder per connection strips exactly one leading BOM, even split across chunks.
  readonly #decoder = new TextDecoder();
  readonly #parser: ReturnType<typeof createParser>;

  constructor(lastEventId: string | undefined, handlers: EventFeedHandlers, maxEventSize?: number) {
    this.#currentId = lastEventId === '' ? undefined : lastEventId;
    this.#handlers = handlers;
    this.#parser = createParser({
      onId: EventFeed.#parsedId,
      onEvent: EventFeed.#parsedEvent,
      // the parser keeps a partial comment line only when it has an `onComment`
      onComment: handlers.onComment ? EventFeed.#parsedComment : undefined,
      onRetry: EventFeed.#parsedRetry,
      onError: EventFeed.#parseFailed,
      maxBufferSize: maxEventSize,
    });
    // A blank line with empty buffers dispatches nothing, and disarms the parser's own BOM check (which would strip
    // a second BOM, or a leading "ï»¿" text).
    this.#parser.feed('\n');
  }

  /** Decodes and parses the next bytes of the stream; does nothing once the feed overflowed. */
  push(bytes: Uint8Array): void {
    if (this.overflowed) return;
    const text = this.#decoder.decode(bytes, { stream: true });
    if (text === '') return;
    feeding = this;
    this.#parser.feed(text);
    // not kept past the parse: a closed stream's feed (and the app's handlers it reaches) must not stay reachable here
    feeding = undefined;
  }

  static #parsedId(id: string): void {
    const feed = feeding as EventFeed;
    feed.#currentId = id === '' ? undefined : id;
    feed.#handlers.onLastEventId?.(feed.#currentId);
  }

  static #parsedEvent(message: EventSourceMessage): void {
    const feed = feeding as EventFeed;
    feed.#handlers.onEvent({ event: message.event || 'message', data: message.data, id: feed.#currentId });
  }

  static #parsedComment(comment: string): void {
    (feeding as EventFeed).#handlers.onComment?.(comment);
  }

  static #parsedRetry(ms: number): void {
    (feeding as EventFeed).#handlers.onRetry?.(ms);
  }

  // Invalid `retry` values and unknown fields are ignored, as the spec says; the only error acted on is a block or
  // line past `maxEventSize`, after which the parser refuses more input and the attempt is dropped.
  static #parseFailed(error: ParseError): void {
    if (error.type === 'max-buffer-size-exceeded') (feeding as EventFeed).overflowed = true;
  }
}
