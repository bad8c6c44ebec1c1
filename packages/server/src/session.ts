import { InvalidArgumentError } from '@ssekit/contract';
import { assertSafeField, encodeComment, encodeFrame, eventLine, type ServerSentEvent } from './encode.js';
import { StreamClosedError } from './errors.js';
import { type CompiledEvents, runSerializer, type SerializedEvent, serializeEventData } from './event-codec.js';
import type { RouteRuntime, SendOptions, SessionInit, SseRequestInfo, SseSessionBase } from './session-types.js';
import { SinkBase, type SseSink } from './sink.js';
import { WriteQueue } from './write-queue.js';

export type {
  DatalessFrame,
  RawSession,
  RequestTypes,
  RouteRuntime,
  SendOptions,
  SessionInit,
  SessionOf,
  SseRequestInfo,
  SseSessionBase,
  TypedServerSentEvent,
  TypedSession,
} from './session-types.js';

/** @internal Told when a session finishes (see {@link SseSession.attachFinishHook}); must not throw. */
export interface SessionFinishHook {
  sessionFinished(session: SseSession): void;
}

/**
 * A live SSE stream: the object handlers receive. It checks and encodes what is sent; its {@link WriteQueue} decides
 * when the bytes reach the sink. Adapters create it through the router; users don't.
 */
export class SseSession implements SseSessionBase {
  readonly request: SseRequestInfo;
  readonly params: Record<string, unknown>;
  readonly query: unknown;
  readonly body: unknown;
  readonly lastEventId: string | undefined;
  /** @internal The client sent a `Last-Event-ID` that was refused (see `SessionInit.lastEventIdRefused`). */
  readonly lastEventIdRefused: boolean;
  readonly #headers: unknown;

  readonly #sink: SseSink;
  readonly #route: RouteRuntime;
  readonly #queue: WriteQueue;
  #controller: AbortController | undefined;
  #closed = false;
  #done: Promise<void> | undefined;
  #resolveDone: (() => void) | undefined;
  readonly #onFinish: (session: SseSession) => void;
  /** One more party told when the stream finishes (a hub's topic): an object, not a closure per stream. */
  #finishHook: SessionFinishHook | undefined;

  constructor(sink: SseSink, route: RouteRuntime, init: SessionInit, onFinish: (session: SseSession) => void) {
    this.#sink = sink;
    this.#route = route;
    this.#onFinish = onFinish;
    this.#queue = new WriteQueue(sink, route, this);
    this.request = init.request;
    this.params = init.params;
    this.query = init.query;
    this.#headers = init.headers;
    this.body = init.body;
    this.lastEventId = init.lastEventId;
    this.lastEventIdRefused = init.lastEventIdRefused === true;
    // The session itself is the close listener of the sinks it knows: no closure (nor a context for it) per stream.
    if (sink instanceof SinkBase) sink.watchClose(this);
    else listenForClose(sink, this);
    if (!this.#closed) this.#queue.start();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Validated headers on routes with a headers schema; otherwise the raw header record (built on first read). */
  get headers(): unknown {
    return this.#headers ?? this.request.headers;
  }

  get done(): Promise<void> {
    this.#done ??= this.#closed
      ? Promise.resolve()
      : new Promise((resolve) => {
          this.#resolveDone = resolve;
        });
    return this.#done;
  }

  /** @internal Whether `promise` is this session's {@link SseSession.done} (it settles only when the stream closed). */
  isDone(promise: unknown): boolean {
    return promise !== undefined && promise === this.#done;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#closed) this.#controller.abort(new StreamClosedError(this.#route.name));
    }
    return this.#controller.signal;
  }

  send(eventOrName: string | ServerSentEvent, data?: unknown, options?: SendOptions): Promise<void> {
    this.assertOpen();
    if (typeof eventOrName === 'string') {
      return this.writeFrame(this.encodeTyped(eventOrName, data, options?.id, options?.retry, undefined));
    }
    if (typeof eventOrName !== 'object' || eventOrName === null) {
      throw new InvalidArgumentError('send() takes an event name and data, or a ServerSentEvent object');
    }
    const { event, data: value, id, retry, comments } = eventOrName;
    if (this.#route.events && (event !== undefined || value !== undefined)) {
      return this.writeFrame(this.encodeTyped(event ?? 'message', value, id, retry, comments));
    }
    return this.#queue.write(this.encodeRaw(event, value, id, retry, comments));
  }

  comment(text: string): Promise<void> {
    this.assertOpen();
    return this.#queue.write(encodeComment(text));
  }

  close(): void {
    if (this.#closed) return;
    this.#queue.flushPending();
    // Finished before the sink ends: a sink that reports its close at once (fetch) would otherwise give the reason.
    this.finish('closed by the server');
    this.#sink.end();
  }

  /** Writes an already-encoded frame (shared by broadcast: encode once, write to all). */
  writeEncoded(frame: string | Uint8Array): Promise<void> {
    this.assertOpen();
    return this.#queue.write(frame);
  }

  /**
   * @internal Counts bytes held for this stream outside its queue (a hub's live events while it replays) toward the
   * queue bound, under the route's slow-consumer policy: false when they must not be held (dropped, or the client was
   * cut off). See `WriteQueue.hold`.
   */
  holdBytes(size: number): boolean {
    return !this.#closed && this.#queue.hold(size);
  }

  /** @internal Gives back bytes counted by {@link SseSession.holdBytes}. */
  releaseBytes(size: number): void {
    this.#queue.release(size);
  }

  /** @internal Bytes waiting for this client (sink, coalescing window, held), as the queue bound counts them. */
  get queuedBytes(): number {
    return this.#queue.queuedBytes;
  }

  /**
   * @internal Tells `hook` when this stream finishes (before `done` resolves): how a hub leaves its topic without a
   * suspended frame or closure per stream. One hook per session: false when the stream is closed or has one already.
   */
  attachFinishHook(hook: SessionFinishHook): boolean {
    if (this.#closed || this.#finishHook !== undefined) return false;
    this.#finishHook = hook;
    return true;
  }

  /** @internal Removes a hook set by {@link SseSession.attachFinishHook} (when it is still this one). */
  detachFinishHook(hook: SessionFinishHook): void {
    if (this.#finishHook === hook) this.#finishHook = undefined;
  }

  /** Ends the stream abruptly, e.g. on server shutdown or slow consumer. */
  destroy(reason: string): void {
    if (this.#closed) return;
    this.finish(reason);
    this.#sink.destroy();
  }

  // Helpers are TypeScript-`private` methods, not `#private` ones: those would cost every session a brand field (8 B).
  private assertOpen(): void {
    if (this.#closed) throw new StreamClosedError(this.#route.name);
  }

  private encodeTyped(
    name: string,
    value: unknown,
    id: string | undefined,
    retry: number | undefined,
    comments: string | readonly string[] | undefined,
  ): string | Promise<string> {
    const events = this.#route.events as CompiledEvents;
    const serialized = serializeEventData(events, name, value);
    // An asynchronous Standard Schema validator: the frame once it settled (await each send to keep their order).
    if (serialized instanceof Promise) return serialized.then((ready) => this.frameOf(ready, id, retry, comments));
    return this.frameOf(serialized, id, retry, comments);
  }

  private frameOf(
    serialized: SerializedEvent,
    id: string | undefined,
    retry: number | undefined,
    comments: string | readonly string[] | undefined,
  ): string {
    if (id === undefined && retry === undefined && comments === undefined) {
      // The same result for a value sent to many sessions (the send memo): encoded once.
      serialized.plainFrame ??= encodeFrame(serialized.compiled.line, serialized.text, undefined, undefined, undefined);
      return serialized.plainFrame;
    }
    return encodeFrame(serialized.compiled.line, serialized.text, id, retry, comments);
  }

  /** Writes a frame, or, for an asynchronously validated event, once it is ready (if the stream is still open). */
  private writeFrame(frame: string | Promise<string>): Promise<void> {
    if (!(frame instanceof Promise)) return this.#queue.write(frame);
    return frame.then((text) => {
      this.assertOpen();
      return this.#queue.write(text);
    });
  }

  /** A raw route's event: strings verbatim, other data through the route's serializer. */
  private encodeRaw(
    event: string | undefined,
    value: unknown,
    id: string | undefined,
    retry: number | undefined,
    comments: string | readonly string[] | undefined,
  ): string {
    if (value === undefined && event === undefined) return encodeFrame('', undefined, id, retry, comments);
    const name = event ?? 'message';
    if (event !== undefined) assertSafeField('event', event);
    const text =
      typeof value === 'string'
        ? value
        : runSerializer(this.#route.serialize, value, {
            route: this.#route.name,
            path: this.#route.path,
            event: name,
            schema: undefined,
            encoding: 'json',
          });
    return encodeFrame(eventLine(name), text, id, retry, comments);
  }

  /** @internal The sink closed (the client left, or it ended): see {@link SinkBase.watchClose}. */
  sinkClosed(): void {
    this.finish('client closed the stream');
  }

  private finish(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.close();
    this.#controller?.abort(new StreamClosedError(`${this.#route.name} (${reason})`));
    const hook = this.#finishHook;
    this.#finishHook = undefined;
    hook?.sessionFinished(this);
    this.#resolveDone?.();
    this.#onFinish(this);
  }
}

/** A sink of its own (not a {@link SinkBase}): told through `onClose`, with a closure. */
function listenForClose(sink: SseSink, session: SseSession): void {
  sink.onClose(() => session.sinkClosed());
}
