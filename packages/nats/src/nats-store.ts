import {
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { InvalidArgumentError, isSsekitError, logError } from '@ssekit/contract';
import {
  comparePositions,
  formatEventId,
  positiveStoreOption,
  type ReplayResult,
  type ReplayStore,
  StoreDataError,
  type StoredEvent,
  type StoreListener,
  StoreUnavailableError,
  type StreamPosition,
  ZERO_POSITION,
} from '@ssekit/server/broadcast';
import { encodeTopicToken } from './subjects.js';

/** Retention of the hub's stream; whichever limit is hit first drops the oldest events. */
export interface NatsRetention {
  /** Events kept per topic (JetStream `max_msgs_per_subject`). Default 10 000. */
  maxEvents?: number;
  /** Age after which events are dropped, in ms (JetStream `max_age`). Default 24 h. */
  maxAgeMs?: number;
  /** Bytes kept in the whole stream, all topics together (JetStream `max_bytes`). Default: no limit. */
  maxBytes?: number;
}

/**
 * An open connection made by `connect()` of `@nats-io/transport-node` (typed structurally, so this package's
 * declarations do not pull in the client's, which do not compile under `exactOptionalPropertyTypes` with
 * `skipLibCheck` off).
 */
export interface NatsConnectionLike {
  isClosed(): boolean;
  close(): Promise<void>;
}

/** Options of {@link createNatsStore}. */
export interface NatsStoreOptions {
  /** An open connection to use (left open by `close()`). Otherwise the store connects to `servers`. */
  connection?: NatsConnectionLike;
  /** Server URL(s) when no `connection` is given. Default `127.0.0.1:4222`. */
  servers?: string | string[];
  /** The JetStream stream of this hub (created when missing, its limits updated when present). Default `SSEKIT`. */
  stream?: string;
  /** Subject prefix; a topic `t` is the subject `<subjectPrefix>.<encoded t>`. Default: the stream name. */
  subjectPrefix?: string;
  /** Limits of the stream. */
  retention?: NatsRetention;
  /** `file` (default: survives a server restart) or `memory`. */
  storage?: 'file' | 'memory';
  /** How long a publish or replay waits for JetStream before failing with STORE_UNAVAILABLE. Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Connection errors and failed feeds (`StoreUnavailableError`), malformed messages (`StoreDataError`). Default: logged. */
  onError?: (error: unknown) => void;
}

/** A NATS JetStream replay store: what {@link createNatsStore} resolves to. */
export interface NatsStore extends ReplayStore {
  /** The epoch of the stream this instance last saw (derived from the stream's creation time). */
  readonly epoch: string;
  /** The stream's name. */
  readonly stream: string;
  /** The subject of a topic. */
  subjectOf(topic: string): string;
}

const EVENT_HEADER = 'Ssekit-Event';
const PREV_HEADER = 'Ssekit-Prev';
const WRONG_LAST_SEQUENCE = 10071;
const MAX_APPEND_ATTEMPTS = 50;
const MAX_CACHED_TOPICS = 10_000;

interface Feed {
  readonly topic: string;
  readonly listeners: Set<StoreListener>;
  last: StreamPosition;
  messages: ConsumerMessages | undefined;
  ready: Promise<void>;
  stopped: boolean;
}

/**
 * A replay store on NATS JetStream shared by every instance: one stream per hub, one subject per topic, each event a
 * message whose stream sequence is its position (ids `<epoch>-<sequence>-0`). Live delivery is an ordered consumer per
 * served topic starting right after the topic's head; replay is an ordered consumer from a sequence
 * (`DeliverPolicy.StartSequence`). Every message names the sequence of the topic's previous one (appends use
 * JetStream's expected-last-subject-sequence check), so a replay knows exactly when retention dropped events after a
 * cursor and answers `expired`. The epoch is derived from the stream's creation time: a deleted and recreated stream
 * is a new epoch, and old cursors get the reset event.
 *
 * @example
 * ```ts
 * const store = await createNatsStore({ servers: process.env.NATS_URL, stream: 'CHAT', retention: { maxEvents: 1000 } });
 * const hub = createHub(chatContract.roomEvents, { store });
 * ```
 */
export async function createNatsStore(options: NatsStoreOptions = {}): Promise<NatsStore> {
  const streamName = options.stream ?? 'SSEKIT';
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(streamName)) {
    throw new InvalidArgumentError(`createNatsStore: stream must be letters, digits, _ or -, got "${streamName}"`);
  }
  const subjectPrefix = options.subjectPrefix ?? streamName;
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(subjectPrefix)) {
    throw new InvalidArgumentError(
      `createNatsStore: subjectPrefix must be dot-separated tokens, got "${subjectPrefix}"`,
    );
  }
  const maxEvents = positiveInt('retention.maxEvents', options.retention?.maxEvents ?? 10_000);
  const maxAgeMs = positiveInt('retention.maxAgeMs', options.retention?.maxAgeMs ?? 24 * 3_600_000);
  const maxBytes =
    options.retention?.maxBytes === undefined ? -1 : positiveInt('retention.maxBytes', options.retention.maxBytes);
  const timeout = positiveInt('commandTimeoutMs', options.commandTimeoutMs ?? 2000);
  const subjectOf = (topic: string) => `${subjectPrefix}.${encodeTopicToken(topic)}`;
  let outageReported = false;
  const report = (failure: unknown) => {
    const error = isSsekitError(failure)
      ? failure
      : new StoreUnavailableError(`NATS: ${failure instanceof Error ? failure.message : String(failure)}`, {
          cause: failure,
        });
    if (options.onError) options.onError(error);
    else if (!outageReported) {
      outageReported = true;
      logError(error, 'nats store');
    }
  };

  let nc: NatsConnection;
  const ownConnection = !options.connection;
  try {
    nc =
      (options.connection as NatsConnection | undefined) ??
      (await connect({
        servers: options.servers ?? '127.0.0.1:4222',
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        timeout,
      }));
  } catch (error) {
    throw new StoreUnavailableError(`cannot connect to NATS at ${String(options.servers ?? '127.0.0.1:4222')}`, {
      cause: error,
    });
  }
  let jsm: JetStreamManager;
  let js: JetStreamClient;
  let epoch: string;
  try {
    jsm = await jetstreamManager(nc, { timeout });
    js = jetstream(nc, { timeout });
    epoch = await ensureStream();
  } catch (error) {
    if (ownConnection) await nc.close().catch(() => {});
    throw new StoreUnavailableError(`cannot set up the JetStream stream "${streamName}"`, { cause: error });
  }

  const feeds = new Map<string, Feed>();
  /** Per topic: the sequence of its last message as this instance knows it, and the queue of its appends. */
  const lastSeq = new Map<string, number>();
  const appendQueue = new Map<string, Promise<unknown>>();
  let connected = true;
  let closed = false;

  async function ensureStream(): Promise<string> {
    const config: Partial<StreamConfig> & { name: string } = {
      name: streamName,
      subjects: [`${subjectPrefix}.*`],
      max_msgs_per_subject: maxEvents,
      max_age: maxAgeMs * 1_000_000,
      max_bytes: maxBytes,
      storage: options.storage === 'memory' ? StorageType.Memory : StorageType.File,
    };
    let info: Awaited<ReturnType<typeof jsm.streams.info>>;
    try {
      info = await jsm.streams.info(streamName);
      const c = info.config;
      if (
        c.max_msgs_per_subject !== maxEvents ||
        c.max_age !== config.max_age ||
        c.max_bytes !== maxBytes ||
        !c.subjects?.includes(`${subjectPrefix}.*`)
      ) {
        const subjects = [...new Set([...(c.subjects ?? []), `${subjectPrefix}.*`])];
        info = await jsm.streams.update(streamName, {
          subjects,
          max_msgs_per_subject: maxEvents,
          max_age: maxAgeMs * 1_000_000,
          max_bytes: maxBytes,
        });
      }
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
      try {
        info = await jsm.streams.add(config);
      } catch (addError) {
        // Another instance created it meanwhile.
        info = await jsm.streams.info(streamName).catch(() => {
          throw addError;
        });
      }
    }
    return epochOf(info.created);
  }

  function observeEpoch(seen: string): void {
    if (seen === epoch) return;
    epoch = seen;
    lastSeq.clear();
    for (const feed of feeds.values()) {
      feed.last = ZERO_POSITION;
      for (const listener of feed.listeners) listener.reset(seen);
      restartFeed(feed);
    }
  }

  const statuses = nc.status();
  void (async () => {
    for await (const status of statuses) {
      if (closed) return;
      if (status.type === 'disconnect') connected = false;
      else if (status.type === 'reconnect') {
        connected = true;
        outageReported = false;
        // JetStream may answer a moment after the connection is back: retry, bounded, without holding up the
        // status loop (a disconnect meanwhile must still be seen at once).
        void (async () => {
          for (let attempt = 1; attempt <= 20 && !closed && connected; attempt++) {
            try {
              observeEpoch(await ensureStream());
              return;
            } catch (error) {
              report(error);
              await new Promise((resolve) => setTimeout(resolve, 250));
            }
          }
        })();
      } else if (status.type === 'error') report(status.error);
    }
  })();

  function decode(topic: string, seq: number, event: string | undefined, data: string): StoredEvent | undefined {
    if (event === undefined || event === '') {
      report(new StoreDataError(`NATS message ${seq} of "${topic}" has no ${EVENT_HEADER} header`));
      return undefined;
    }
    const position = { ms: seq, seq: 0 };
    return { topic, epoch, position, id: formatEventId(epoch, position), event, data };
  }

  function deliver(feed: Feed, stored: StoredEvent): void {
    if (comparePositions(stored.position, feed.last) <= 0) return;
    feed.last = stored.position;
    for (const listener of feed.listeners) listener.event(stored);
  }

  async function startFeed(feed: Feed): Promise<void> {
    const consumer = await js.consumers.get(streamName, {
      filter_subjects: subjectOf(feed.topic),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: feed.last.ms + 1,
    });
    if (feed.stopped) return;
    const messages = await consumer.consume();
    feed.messages = messages;
    void (async () => {
      // Its stream deleted (and maybe recreated): the ordered consumer would wait for the old sequences; start over.
      for await (const status of messages.status()) {
        if (feed.stopped || closed || feed.messages !== messages) return;
        if (status.type === 'consumer_deleted' || status.type === 'stream_not_found') {
          feed.messages = undefined;
          messages.stop();
          void recoverFeed(feed);
          return;
        }
      }
    })();
    void (async () => {
      try {
        for await (const message of messages) {
          // A sequence going backwards: the stream was deleted and recreated (its consumers follow the new one).
          if (message.seq <= feed.last.ms) void ensureStream().then(observeEpoch, report);
          const stored = decode(feed.topic, message.seq, message.headers?.get(EVENT_HEADER), message.string());
          if (stored) deliver(feed, stored);
        }
      } catch (error) {
        if (!feed.stopped && !closed) report(error);
      }
      // The consumer ended without being stopped (e.g. its stream was deleted): recover the feed.
      if (!feed.stopped && !closed && feed.messages === messages) {
        feed.messages = undefined;
        void recoverFeed(feed);
      }
    })();
  }

  /** Re-creates a feed whose consumer ended: on the stream as it is now (a new epoch resets its listeners). */
  async function recoverFeed(feed: Feed): Promise<void> {
    for (let attempt = 1; !feed.stopped && !closed; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1000)));
      if (feed.stopped || closed) return;
      try {
        const seen = await ensureStream();
        if (seen !== epoch) observeEpoch(seen);
        else restartFeed(feed);
        return;
      } catch (error) {
        report(error);
      }
    }
  }

  function restartFeed(feed: Feed): void {
    feed.messages?.stop();
    feed.messages = undefined;
    if (feed.stopped || closed) return;
    feed.ready = startFeed(feed).catch(report);
  }

  async function lastOfTopic(topic: string): Promise<number> {
    const message = await jsm.streams.getMessage(streamName, { last_by_subj: subjectOf(topic) });
    return message?.seq ?? 0;
  }

  async function head(topic: string): Promise<{ epoch: string; position: StreamPosition }> {
    const seq = await command(`head of "${topic}"`, () => lastOfTopic(topic));
    return { epoch, position: { ms: seq, seq: 0 } };
  }

  async function command<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreUnavailableError(`${what}: the NATS store is closed`);
    if (!connected || nc.isClosed()) throw new StoreUnavailableError(`${what}: NATS is not connected`);
    try {
      return await run();
    } catch (error) {
      if (isStreamNotFound(error)) void ensureStream().then(observeEpoch, report);
      throw new StoreUnavailableError(`${what}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  /** Caches a topic's last sequence; bounded (least recently written first out): a miss costs one lookup. */
  function remember(topic: string, seq: number): void {
    lastSeq.delete(topic);
    lastSeq.set(topic, seq);
    if (lastSeq.size > MAX_CACHED_TOPICS) lastSeq.delete(lastSeq.keys().next().value as string);
  }

  async function appendNow(topic: string, event: string, data: string): Promise<StoredEvent> {
    const subject = subjectOf(topic);
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      let expected = lastSeq.get(topic);
      let prev = expected;
      if (expected === undefined) {
        expected = await lastOfTopic(topic);
        prev = expected;
        if (expected === 0) {
          // No retained message of this topic: it may never have had one, or retention dropped them all. Link to the
          // stream's first sequence: a cursor before it may have lost events of this topic, and replay says so.
          const { state } = await jsm.streams.info(streamName);
          prev = Math.max(0, state.first_seq - 1);
        }
        remember(topic, expected);
      }
      const h = headers();
      h.set(EVENT_HEADER, event);
      h.set(PREV_HEADER, String(prev));
      try {
        const ack = await js.publish(subject, data, {
          headers: h,
          expect: { streamName, lastSubjectSequence: expected },
          timeout,
        });
        remember(topic, ack.seq);
        const position = { ms: ack.seq, seq: 0 };
        return { topic, epoch, position, id: formatEventId(epoch, position), event, data };
      } catch (error) {
        // Another instance appended to this topic since we last looked: read its new head and link to it.
        lastSeq.delete(topic);
        if (errorCode(error) !== WRONG_LAST_SEQUENCE) throw error;
      }
    }
    throw new Error(`${MAX_APPEND_ATTEMPTS} concurrent appends to "${topic}" won the race first`);
  }

  return {
    get epoch() {
      return epoch;
    },
    stream: streamName,
    subjectOf,
    append(topic, event, data) {
      try {
        subjectOf(topic);
      } catch (error) {
        return Promise.reject(error);
      }
      // Appends of one topic run one at a time here, so each names its predecessor without a lost race.
      const previous = appendQueue.get(topic) ?? Promise.resolve();
      const result = previous
        .catch(() => {})
        .then(() => command(`append to "${topic}"`, () => appendNow(topic, event, data)));
      const tail = result.catch(() => {});
      appendQueue.set(topic, tail);
      void tail.then(() => {
        if (appendQueue.get(topic) === tail) appendQueue.delete(topic);
      });
      return result;
    },
    async subscribe(topic, listener) {
      let feed = feeds.get(topic);
      if (!feed) {
        const { position } = await head(topic);
        feed = feeds.get(topic);
        if (!feed) {
          const created: Feed = {
            topic,
            listeners: new Set([listener]),
            last: position,
            messages: undefined,
            ready: Promise.resolve(),
            stopped: false,
          };
          created.ready = startFeed(created);
          feeds.set(topic, created);
          try {
            await created.ready;
          } catch (error) {
            created.stopped = true;
            feeds.delete(topic);
            throw new StoreUnavailableError(`subscribe to "${topic}"`, { cause: error });
          }
          feed = created;
        } else {
          await feed.ready;
          feed.listeners.add(listener);
        }
      } else {
        await feed.ready;
        feed.listeners.add(listener);
      }
      const current = feed;
      return () => {
        current.listeners.delete(listener);
        if (current.listeners.size > 0 || feeds.get(topic) !== current) return;
        feeds.delete(topic);
        current.stopped = true;
        current.messages?.stop();
      };
    },
    head,
    async read(topic, idEpoch, position, limit): Promise<ReplayResult> {
      if (idEpoch !== epoch) return { kind: 'reset', reason: 'other-epoch' };
      if (position.seq !== 0) return { kind: 'reset', reason: 'unknown-position' };
      return command(`replay of "${topic}"`, async () => {
        const info = await jsm.streams.info(streamName);
        const seen = epochOf(info.created);
        if (seen !== epoch) {
          observeEpoch(seen);
          return { kind: 'reset', reason: 'other-epoch' } as const;
        }
        const after = position.ms;
        if (after > info.state.last_seq) return { kind: 'reset', reason: 'unknown-position' } as const;
        const last = await lastOfTopic(topic);
        if (last <= after) {
          // Nothing of this topic after the cursor is retained: was anything after it dropped? Every sequence below the
          // stream's first one is gone; a cursor at 0 has nothing to lose (as for a topic never written).
          return after === 0 || after + 1 >= info.state.first_seq
            ? ({ kind: 'events', events: [] } as const)
            : ({ kind: 'reset', reason: 'expired' } as const);
        }
        const max = limit !== undefined && limit > 0 ? Math.floor(limit) : Number.POSITIVE_INFINITY;
        const consumer = await js.consumers.get(streamName, {
          filter_subjects: subjectOf(topic),
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: after + 1,
        });
        const messages = await consumer.consume({ max_messages: Math.min(max, 1000) });
        const events: StoredEvent[] = [];
        const timer = setTimeout(() => messages.stop(new Error(`replay timed out after ${timeout} ms`)), timeout);
        try {
          for await (const message of messages) {
            if (events.length === 0) {
              // The first retained event after the cursor must link back to it (or before it): otherwise retention
              // dropped the events in between.
              const prev = Number(message.headers?.get(PREV_HEADER) ?? Number.NaN);
              if (!(prev <= after)) return { kind: 'reset', reason: 'expired' } as const;
            }
            const stored = decode(topic, message.seq, message.headers?.get(EVENT_HEADER), message.string());
            if (stored) events.push(stored);
            if (events.length >= max || message.seq >= last) break;
          }
        } finally {
          clearTimeout(timer);
          messages.stop();
          await consumer.delete().catch(() => {});
        }
        return { kind: 'events', events } as const;
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const feed of feeds.values()) {
        feed.stopped = true;
        feed.messages?.stop();
      }
      feeds.clear();
      // Stop following a connection we leave open (the client's status iterator has `stop`).
      (statuses as { stop?: () => void }).stop?.();
      if (ownConnection) await nc.close().catch(() => {});
    },
  };
}

/** The epoch of a stream from its creation timestamp (RFC 3339 with nanoseconds): its digits. */
function epochOf(created: string): string {
  const digits = created.replace(/[^0-9]/g, '').slice(0, 32);
  return digits.length >= 8 ? digits : `${digits}00000000`.slice(0, 8);
}

function errorCode(error: unknown): number | undefined {
  const apiError = (error as { api_error?: { err_code?: number }; code?: unknown }) ?? {};
  if (typeof apiError.api_error?.err_code === 'number') return apiError.api_error.err_code;
  return typeof apiError.code === 'number' ? apiError.code : undefined;
}

function isStreamNotFound(error: unknown): boolean {
  return errorCode(error) === 10059 || /stream not found/i.test(error instanceof Error ? error.message : '');
}

const positiveInt = (name: string, value: number): number => positiveStoreOption('createNatsStore', name, value);
