import { InvalidArgumentError, isSsekitError, logError } from '@ssekit/contract';
import {
  comparePositions,
  formatEventId,
  formatStreamPosition,
  parseStreamPosition,
  type ReplayResult,
  type ReplayStore,
  randomEpoch,
  StoreDataError,
  type StoredEvent,
  type StoreListener,
  StoreUnavailableError,
  type StreamPosition,
  ZERO_POSITION,
} from '@ssekit/server/broadcast';
import { Redis, type RedisOptions } from 'ioredis';
import { decodeEntry, decodeMessage } from './entries.js';
import { APPEND_LUA, EPOCH_LUA, HEAD_LUA, READ_LUA } from './scripts.js';

/** Options of {@link createRedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /** `redis://…` URL. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /**
   * Extra ioredis options for both connections (the store overrides the ones its guarantees depend on).
   * A `connectionName` is suffixed `:cmd` and `:sub`.
   */
  redis?: RedisOptions;
  /** Key and channel prefix; one per application (and per test run). Default `ssekit`. */
  prefix?: string;
  /** Events kept per topic stream (XADD MAXLEN). Default 10 000. */
  maxLen?: number;
  /** Age bound of events (XTRIM MINID); also the idle TTL of a topic's stream. Default 24 h. */
  maxAgeMs?: number;
  /** How long a publish or replay waits for Redis before failing with STORE_UNAVAILABLE. Default 2000 ms. */
  commandTimeoutMs?: number;
  /**
   * Connection errors and failed catch-ups (`StoreUnavailableError`; the store keeps retrying) and malformed
   * notifications (`StoreDataError`). Default: `logError`, once per outage.
   */
  onError?: (error: unknown) => void;
}

/** A Redis Streams replay store: what {@link createRedisReplayStore} resolves to. */
export interface RedisReplayStore extends ReplayStore {
  /** The epoch this instance last saw (it changes when Redis restarts empty). */
  readonly epoch: string;
  /** Keys this store writes, for cleanup: `<prefix>:*`. */
  readonly prefix: string;
}

interface Feed {
  readonly topic: string;
  readonly channel: string;
  readonly listeners: Set<StoreListener>;
  /** Position of the last event handed to listeners (dedup across pub/sub and catch-up). */
  last: StreamPosition;
  /** While setting up or catching up: pub/sub messages held back, released in order afterwards. */
  held: StoredEvent[] | undefined;
  /** False until the head position is known; catch-up skips the feed until then. */
  initialized: boolean;
  ready: Promise<void>;
}

type Commands = Redis & {
  ssekitEpoch(epochKey: string, candidate: string): Promise<string>;
  ssekitAppend(
    epochKey: string,
    streamKey: string,
    trimmedKey: string,
    candidate: string,
    maxLen: number,
    maxAgeMs: number,
    channel: string,
    event: string,
    data: string,
    ttlMs: number,
  ): Promise<[string, string]>;
  ssekitHead(epochKey: string, streamKey: string, candidate: string): Promise<[string, string]>;
  ssekitRead(
    epochKey: string,
    streamKey: string,
    trimmedKey: string,
    epoch: string,
    after: string,
    count: number,
  ): Promise<[string, string?, string?, [string, string[]][]?]>;
};

/**
 * A replay store on Redis Streams shared by every instance: one stream per topic (`XADD … MAXLEN`, `XTRIM MINID`),
 * replay with `XRANGE`, and cross-instance fan-out by a `PUBLISH` issued atomically with the `XADD` (one Lua script),
 * each instance subscribing to the channels of the topics it serves. Pub/Sub is only the fast path: after any
 * disconnect an instance re-reads every served topic from its last delivered position with `XRANGE`, and positions
 * deduplicate, so no stored event is skipped or delivered twice. The epoch is a random id stored with `SET NX`: a Redis
 * that restarts empty yields a new epoch, and subscribers are sent the reset event.
 *
 * @example
 * ```ts
 * const store = await createRedisReplayStore({ url: process.env.REDIS_URL, prefix: 'chat' });
 * const hub = createHub(chatContract.roomEvents, { store });
 * ```
 */
export async function createRedisReplayStore(options: RedisReplayStoreOptions = {}): Promise<RedisReplayStore> {
  const url = options.url ?? 'redis://127.0.0.1:6379';
  const prefix = options.prefix ?? 'ssekit';
  const maxLen = positiveInt('maxLen', options.maxLen ?? 10_000);
  const maxAgeMs = positiveInt('maxAgeMs', options.maxAgeMs ?? 24 * 3_600_000);
  const timeoutMs = positiveInt('commandTimeoutMs', options.commandTimeoutMs ?? 2000);
  const epochKey = `${prefix}:epoch`;
  const streamKey = (topic: string) => `${prefix}:s:${topic}`;
  const trimmedKey = (topic: string) => `${prefix}:t:${topic}`;
  const channelOf = (topic: string) => `${prefix}:c:${topic}`;
  let outageReported = false;
  const report = (failure: unknown) => {
    const error = isSsekitError(failure)
      ? failure
      : new StoreUnavailableError(`Redis at ${url}: ${failure instanceof Error ? failure.message : String(failure)}`, {
          cause: failure,
        });
    if (options.onError) options.onError(error);
    else if (!outageReported) {
      outageReported = true;
      logError(error, 'redis store');
    }
  };

  const base: RedisOptions = {
    ...options.redis,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(50 * times, 500),
  };
  // Commands fail fast while Redis is away (no offline queue) and are never resent after a reconnect: a publish that
  // may not have been stored is reported to the publisher, not retried behind its back.
  const commands = new Redis(url, {
    ...base,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    ...(options.redis?.connectionName ? { connectionName: `${options.redis.connectionName}:cmd` } : {}),
  }) as Commands;
  const subscriber = new Redis(url, {
    ...base,
    autoResubscribe: true,
    maxRetriesPerRequest: null,
    ...(options.redis?.connectionName ? { connectionName: `${options.redis.connectionName}:sub` } : {}),
  });
  commands.defineCommand('ssekitEpoch', { numberOfKeys: 1, lua: EPOCH_LUA });
  commands.defineCommand('ssekitAppend', { numberOfKeys: 3, lua: APPEND_LUA });
  commands.defineCommand('ssekitHead', { numberOfKeys: 2, lua: HEAD_LUA });
  commands.defineCommand('ssekitRead', { numberOfKeys: 3, lua: READ_LUA });
  commands.on('error', report);
  subscriber.on('error', report);

  const feeds = new Map<string, Feed>();
  const byChannel = new Map<string, Feed>();
  let closed = false;

  try {
    await Promise.all([commands.connect(), subscriber.connect()]);
  } catch (error) {
    commands.disconnect();
    subscriber.disconnect();
    throw new StoreUnavailableError(`cannot connect to Redis at ${url}`, { cause: error });
  }
  let epoch = await commands.ssekitEpoch(epochKey, randomEpoch());
  let connected = true;
  let catchUp: Promise<void> | undefined;

  function observeEpoch(seen: string): void {
    if (seen === epoch) return;
    epoch = seen;
    for (const feed of feeds.values()) {
      feed.last = ZERO_POSITION;
      for (const listener of feed.listeners) listener.reset(seen);
    }
  }

  function deliver(feed: Feed, stored: StoredEvent): void {
    if (feed.held) {
      feed.held.push(stored);
      return;
    }
    if (stored.epoch !== epoch) observeEpoch(stored.epoch);
    if (comparePositions(stored.position, feed.last) <= 0) return;
    feed.last = stored.position;
    for (const listener of feed.listeners) listener.event(stored);
  }

  function release(feed: Feed): void {
    const held = feed.held ?? [];
    feed.held = undefined;
    for (const stored of held) deliver(feed, stored);
  }

  subscriber.on('message', (channel: string, message: string) => {
    const feed = byChannel.get(channel);
    if (!feed) return;
    const stored = decodeMessage(feed.topic, message);
    if (stored) deliver(feed, stored);
    else report(new StoreDataError(`malformed Redis notification on ${channel}`));
  });

  // From the moment the subscriber connection drops, hold every feed; once it is back (and resubscribed), re-read
  // each topic from its last delivered position, then release what pub/sub delivered meanwhile.
  subscriber.on('close', () => {
    if (closed) return;
    connected = false;
    for (const feed of feeds.values()) feed.held ??= [];
  });
  subscriber.on('ready', () => {
    if (closed || connected) return;
    connected = true;
    outageReported = false;
    catchUp = runCatchUp();
  });

  async function runCatchUp(): Promise<void> {
    for (let attempt = 0; !closed && connected; attempt++) {
      try {
        // PING is queued behind the automatic re-SUBSCRIBE on the same connection: after its reply, pub/sub is live.
        await subscriber.ping();
        observeEpoch(await commands.ssekitEpoch(epochKey, randomEpoch()));
        for (const feed of [...feeds.values()]) {
          if (!feed.initialized) continue;
          const entries = await commands.xrange(
            streamKey(feed.topic),
            `(${formatStreamPosition(feed.last)}`,
            '+',
            'COUNT',
            maxLen + 1,
          );
          // Deliver directly (not through held): these precede everything pub/sub held back.
          const held = feed.held;
          feed.held = undefined;
          for (const [id, fields] of entries) {
            const stored = decodeEntry(feed.topic, epoch, id, fields);
            if (stored) deliver(feed, stored);
          }
          feed.held = held;
          release(feed);
        }
        return;
      } catch (error) {
        report(error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * (attempt + 1), 1000)));
      }
    }
  }

  async function command<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreUnavailableError(`${what}: the Redis store is closed`);
    try {
      return await run();
    } catch (error) {
      throw new StoreUnavailableError(`${what}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  async function head(topic: string): Promise<{ epoch: string; position: StreamPosition }> {
    const [seen, id] = await command(`head of "${topic}"`, () =>
      commands.ssekitHead(epochKey, streamKey(topic), randomEpoch()),
    );
    observeEpoch(seen);
    return { epoch: seen, position: parseStreamPosition(id) ?? ZERO_POSITION };
  }

  return {
    get epoch() {
      return epoch;
    },
    prefix,
    async append(topic, event, data) {
      const [seen, id] = await command(`append to "${topic}"`, () =>
        commands.ssekitAppend(
          epochKey,
          streamKey(topic),
          trimmedKey(topic),
          randomEpoch(),
          maxLen,
          maxAgeMs,
          channelOf(topic),
          event,
          data,
          maxAgeMs,
        ),
      );
      const position = parseStreamPosition(id);
      if (!position) throw new StoreUnavailableError(`append to "${topic}": Redis returned the id ${id}`);
      return { topic, epoch: seen, position, id: formatEventId(seen, position), event, data };
    },
    async subscribe(topic, listener) {
      let feed = feeds.get(topic);
      if (!feed) {
        if (!connected || subscriber.status !== 'ready') {
          throw new StoreUnavailableError(`subscribe to "${topic}": Redis is not connected`);
        }
        const created: Feed = {
          topic,
          channel: channelOf(topic),
          listeners: new Set(),
          last: ZERO_POSITION,
          held: [],
          initialized: false,
          ready: Promise.resolve(),
        };
        created.ready = (async () => {
          await subscriber.subscribe(created.channel);
          const { position } = await head(topic);
          // Pub/sub messages since SUBSCRIBE that are newer than the head are live events: deliver them in order.
          created.last = position;
          created.initialized = true;
          if (connected) release(created);
        })();
        created.listeners.add(listener);
        feed = created;
        feeds.set(topic, feed);
        byChannel.set(feed.channel, feed);
        try {
          await feed.ready;
        } catch (error) {
          feeds.delete(topic);
          byChannel.delete(feed.channel);
          void subscriber.unsubscribe(feed.channel).catch(() => {});
          throw error instanceof StoreUnavailableError
            ? error
            : new StoreUnavailableError(`subscribe to "${topic}"`, { cause: error });
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
        byChannel.delete(current.channel);
        if (subscriber.status === 'ready') void subscriber.unsubscribe(current.channel).catch(report);
      };
    },
    head,
    async read(topic, idEpoch, position, limit): Promise<ReplayResult> {
      const reply = await command(`replay of "${topic}"`, () =>
        commands.ssekitRead(
          epochKey,
          streamKey(topic),
          trimmedKey(topic),
          idEpoch,
          formatStreamPosition(position),
          limit !== undefined && limit > 0 && limit <= maxLen ? Math.floor(limit) : maxLen + 1,
        ),
      );
      const [kind, lastId, deletedId, entries] = reply;
      if (kind === 'other-epoch') return { kind: 'reset', reason: 'other-epoch' };
      if (kind === 'expired') return { kind: 'reset', reason: 'expired' };
      const last = parseStreamPosition(lastId ?? '0-0') ?? ZERO_POSITION;
      // `c:<id>`: the stream was (re)created after <id>; ids before it may have lost events (it expired while idle),
      // but `0-0` (everything retained) is answered with the whole stream.
      const created = deletedId?.startsWith('c:') === true;
      const deleted = parseStreamPosition((created ? deletedId?.slice(2) : deletedId) ?? '0-0') ?? ZERO_POSITION;
      if (comparePositions(position, last) > 0) return { kind: 'reset', reason: 'unknown-position' };
      const fromStart = created && comparePositions(position, ZERO_POSITION) === 0;
      if (!fromStart && comparePositions(position, deleted) < 0) return { kind: 'reset', reason: 'expired' };
      const events: StoredEvent[] = [];
      for (const [id, fields] of entries ?? []) {
        const stored = decodeEntry(topic, idEpoch, id, fields);
        if (stored) events.push(stored);
      }
      return { kind: 'events', events };
    },
    async close() {
      if (closed) return;
      closed = true;
      await catchUp;
      feeds.clear();
      byChannel.clear();
      await Promise.allSettled([commands.quit(), subscriber.quit()]);
    },
  };
}

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`createRedisReplayStore: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}
