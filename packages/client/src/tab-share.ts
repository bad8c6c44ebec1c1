import type { SsekitError } from '@ssekit/contract/errors';
import type { EventStreamConnection, EventStreamOptions } from './event-stream-types.js';
import { SharedStreamError } from './lifecycle-errors.js';
import type { RawSseEvent } from './raw-event.js';

/**
 * The connection state an event store reports: `connecting` until the response is accepted, `open` while it streams,
 * `retrying` while it waits to reconnect, `closed` once it stopped.
 *
 * @example
 * ```ts
 * const label: Record<EventStreamStatus, string> = { connecting: '…', open: 'live', retrying: 'reconnecting', closed: 'off' };
 * ```
 */
export type EventStreamStatus = 'connecting' | 'open' | 'retrying' | 'closed';

/** The Web Locks API as this module uses it (structural, so the client's types need no DOM lib). */
export interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<unknown>;
}

/** A BroadcastChannel as this module uses it. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

/** The two browser APIs tab sharing needs. */
export interface TabSharingApis {
  readonly locks: LockManagerLike;
  readonly BroadcastChannel: new (name: string) => BroadcastChannelLike;
}

/**
 * The Web Locks and BroadcastChannel APIs of this environment, or `undefined` when either is missing (then every tab
 * keeps its own stream).
 *
 * @example
 * ```ts
 * if (!tabSharingApis()) console.info('no tab sharing here: one stream per tab');
 * ```
 */
export function tabSharingApis(): TabSharingApis | undefined {
  const scope = globalThis as {
    navigator?: { locks?: LockManagerLike };
    BroadcastChannel?: TabSharingApis['BroadcastChannel'];
  };
  const locks = scope.navigator?.locks;
  if (typeof locks?.request !== 'function' || typeof scope.BroadcastChannel !== 'function') return undefined;
  return { locks, BroadcastChannel: scope.BroadcastChannel };
}

/** What one tab of a shared stream hears: raw events (each tab decodes and validates them itself), status, errors. */
export interface SharedStreamSinks {
  onEvent(raw: RawSseEvent): void;
  onStatus(status: EventStreamStatus): void;
  onError(error: SsekitError): void;
  onRole(role: 'leader' | 'follower'): void;
}

/** The callbacks the leader hands to its connection. */
export type LeaderCallbacks = Required<
  Pick<EventStreamOptions, 'onEvent' | 'onOpen' | 'onRetry' | 'onError' | 'onClose'>
>;

type Message =
  | { t: 'event'; e: RawSseEvent }
  | { t: 'status'; s: EventStreamStatus }
  | { t: 'error'; code: string; message: string }
  | { t: 'hello' }
  | { t: 'state'; s: EventStreamStatus; id: string | undefined }
  | { t: 'leave' };

/**
 * Joins the stream named `name` shared by every tab of this origin. The tab that holds the Web Lock `ssekit:<name>`
 * leads: it calls `connect` (resuming from the last event id it saw) and posts every raw event, status change and
 * error on the BroadcastChannel `ssekit:<name>`; the other tabs wait for the lock and hear the channel. When the
 * leading tab closes or leaves, the lock passes to a waiting tab, which connects with `Last-Event-ID` set to the last
 * event it heard: with a route whose events carry ids (`replay: true`), nothing is lost and nothing repeats. Events
 * still on the channel from the old leader are ignored once a tab leads, since its own stream replays them.
 *
 * @example
 * ```ts
 * const shared = openSharedStream(tabSharingApis()!, 'GET https://x/feed', undefined, (id, callbacks) =>
 *   connectEventStream({ url: 'https://x/feed', lastEventId: id, ...callbacks }), sinks);
 * shared.close();
 * ```
 */
export function openSharedStream(
  apis: TabSharingApis,
  name: string,
  lastEventId: string | undefined,
  connect: (lastEventId: string | undefined, callbacks: LeaderCallbacks) => EventStreamConnection,
  sinks: SharedStreamSinks,
): { close(): void } {
  const channelName = `ssekit:${name}`;
  const channel = new apis.BroadcastChannel(channelName);
  const waiting = new AbortController();
  let lastId = lastEventId;
  let closed = false;
  let leading = false;
  let status: EventStreamStatus = 'connecting';
  let connection: EventStreamConnection | undefined;
  let release: (() => void) | undefined;

  const post = (message: Message) => {
    if (!closed) channel.postMessage(message);
  };
  const setStatus = (next: EventStreamStatus) => {
    status = next;
    post({ t: 'status', s: next });
    sinks.onStatus(next);
  };
  const stop = () => {
    if (closed) return;
    closed = true;
    waiting.abort();
    channel.onmessage = null;
    channel.close();
    connection?.close();
    release?.();
  };

  channel.onmessage = ({ data }) => {
    const message = data as Message;
    if (closed) return;
    if (leading) {
      if (message.t === 'hello') post({ t: 'state', s: status, id: lastId });
      return;
    }
    switch (message.t) {
      case 'event':
        lastId = message.e.id;
        sinks.onEvent(message.e);
        return;
      case 'state':
        lastId = message.id;
        sinks.onStatus(message.s);
        return;
      case 'status':
        sinks.onStatus(message.s);
        // The leader's stream ended for good (204, a terminal error): it would end the same way here.
        if (message.s === 'closed') stop();
        return;
      case 'error':
        sinks.onError(new SharedStreamError(message.code, message.message));
        return;
      case 'leave':
        sinks.onStatus('connecting');
        return;
    }
  };

  const lead = (): Promise<void> => {
    if (closed) return Promise.resolve();
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    leading = true;
    sinks.onRole('leader');
    setStatus('connecting');
    connection = connect(lastId, {
      onEvent(raw) {
        lastId = raw.id;
        post({ t: 'event', e: { event: raw.event, data: raw.data, id: raw.id } });
        sinks.onEvent(raw);
      },
      onOpen: () => setStatus('open'),
      onRetry: () => setStatus('retrying'),
      onError(error) {
        post({ t: 'error', code: error.code, message: error.message });
        sinks.onError(error);
      },
      onClose() {
        if (closed) return;
        setStatus('closed');
        stop();
      },
    });
    return held;
  };

  sinks.onRole('follower');
  post({ t: 'hello' });
  apis.locks.request(channelName, { signal: waiting.signal }, lead).catch(() => {
    // AbortError: this tab left while it waited for the lock.
  });

  return {
    close() {
      if (leading && !closed) post({ t: 'leave' });
      stop();
    },
  };
}
