import { InvalidArgumentError, isSsekitError, logError } from '@ssekit/contract';
import {
  comparePositions,
  formatEventId,
  formatStreamPosition,
  parseStreamPosition,
  positiveStoreOption,
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
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { decodeEntry, decodeMessage } from './entries.js';
import { checkClusterPrefix, type TopicKeys, topicKeys } from './keys.js';
import { type PubSub, shardedPubSub, standalonePubSub } from './pubsub.js';
import { APPEND_LUA, EPOCH_LUA, HEAD_LUA, READ_LUA } from './scripts.js';

/** A Redis Cluster node: `"host:port"` or `{ host, port }`. */
export type RedisClusterNode = string | { readonly host: string; readonly port: number };

/** Options of {@link createRedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /** `redis://…` URL. Default `redis://127.0.0.1:6379`. Ignored with `cluster`. */
  url?: string;
  /**
   * Redis Cluster startup nodes (any few of its nodes; the rest is discovered). With it the store keeps each topic's
   * keys in one hash slot, keeps an epoch per topic in that slot, and fans out with sharded pub/sub
   * (`SPUBLISH`/`SSUBSCRIBE`, Redis 7+). The prefix must not contain `{` or `}`.
   */
  cluster?: readonly RedisClusterNode[];
  /** Extra ioredis Cluster options with `cluster` (the store overrides the ones its guarantees depend on). */
  clusterOptions?: ClusterOptions;
  /**
   * With `cluster`: acknowledge a publish only once this many replicas have it (`WAIT`), so a failover loses no
   * acknowledged event; a publish they do not confirm within `commandTimeoutMs` rejects with STORE_UNAVAILABLE (it
   * was stored on the master and may still be delivered). Default 0 (acknowledged once the master has it).
   */
  waitForReplicas?: number;
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
  /**
   * The epoch this instance last saw (it changes when Redis restarts empty). On a cluster epochs are per topic: the one
   * last seen on any topic.
   */
  readonly epoch: string;
  /** Whether the store runs on a Redis Cluster. */
  readonly clustered: boolean;
  /** Keys this store writes, for cleanup: `<prefix>:*`. */
  readonly prefix: string;
}

interface Feed {
  readonly topic: string;
  readonly keys: TopicKeys;
  readonly channel: string;
  /** Cluster: the topic's epoch as last seen (undefined until known). Standalone: unused (one epoch). */
  epoch: string | undefined;
  readonly listeners: Set<StoreListener>;
  /** Position of the last event handed to listeners (dedup across pub/sub and catch-up). */
  last: StreamPosition;
  /** While setting up or catching up: pub/sub messages held back, released in order afterwards. */
  held: StoredEvent[] | undefined;
  /** False until the head position is known; catch-up skips the feed until then. */
  initialized: boolean;
  ready: Promise<void>;
}

type Commands = (Redis | Cluster) & {
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
    publishCommand: string,
    epochTtlMs: number,
  ): Promise<[string, string]>;
  ssekitHead(epochKey: string, streamKey: string, candidate: string, epochTtlMs: number): Promise<[string, string]>;
  ssekitRead(
    epochKey: string,
    streamKey: string,
    trimmedKey: string,
    epoch: string,
    after: string,
    count: number,
  ): Promise<[string, string?, string?, [string, string[]][]?, number?]>;
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
  const clustered = options.cluster !== undefined;
  const url = options.url ?? 'redis://127.0.0.1:6379';
  const where = clustered ? 'Redis Cluster' : `Redis at ${withoutPassword(url)}`;
  const prefix = clustered ? checkClusterPrefix(options.prefix ?? 'ssekit') : (options.prefix ?? 'ssekit');
  const maxLen = positiveInt('maxLen', options.maxLen ?? 10_000);
  const maxAgeMs = positiveInt('maxAgeMs', options.maxAgeMs ?? 24 * 3_600_000);
  const timeoutMs = positiveInt('commandTimeoutMs', options.commandTimeoutMs ?? 2000);
  const waitForReplicas = options.waitForReplicas ?? 0;
  if (!Number.isSafeInteger(waitForReplicas) || waitForReplicas < 0) {
    throw new InvalidArgumentError(`createRedisReplayStore: waitForReplicas must be 0 or more, got ${waitForReplicas}`);
  }
  if (clustered && (options.cluster as readonly RedisClusterNode[]).length === 0) {
    throw new InvalidArgumentError('createRedisReplayStore: cluster needs at least one node');
  }
  const keysOf = (topic: string) => topicKeys(prefix, topic, clustered);
  const globalEpochKey = `${prefix}:epoch`;
  // A cluster's per-topic epoch lives as long as the topic's data; the standalone one forever.
  const epochTtlMs = clustered ? maxAgeMs : 0;
  const publishCommand = clustered ? 'SPUBLISH' : 'PUBLISH';
  let outageReported = false;
  const report = (failure: unknown) => {
    const error = isSsekitError(failure)
      ? failure
      : new StoreUnavailableError(`${where}: ${failure instanceof Error ? failure.message : String(failure)}`, {
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
  const commandOptions: RedisOptions = {
    ...base,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    ...(options.redis?.connectionName ? { connectionName: `${options.redis.connectionName}:cmd` } : {}),
  };
  const commands = (
    clustered
      ? new Cluster(
          (options.cluster as readonly RedisClusterNode[]).map((node) =>
            typeof node === 'string' ? node : { host: node.host, port: node.port },
          ),
          {
            ...options.clusterOptions,
            lazyConnect: true,
            enableOfflineQueue: false,
            redisOptions: commandOptions,
            // A failover: MOVED/TRYAGAIN/CLUSTERDOWN are retried within the command's time bound, then reported.
            retryDelayOnFailover: 100,
            retryDelayOnClusterDown: 100,
            retryDelayOnTryAgain: 100,
            clusterRetryStrategy: (times) => Math.min(100 * times, 1000),
          },
        )
      : new Redis(url, commandOptions)
  ) as Commands;
  const subscriberOptions: RedisOptions = {
    ...base,
    ...(options.redis?.connectionName ? { connectionName: `${options.redis.connectionName}:sub` } : {}),
  };
  commands.defineCommand('ssekitEpoch', { numberOfKeys: 1, lua: EPOCH_LUA });
  commands.defineCommand('ssekitAppend', { numberOfKeys: 3, lua: APPEND_LUA });
  commands.defineCommand('ssekitHead', { numberOfKeys: 2, lua: HEAD_LUA });
  commands.defineCommand('ssekitRead', { numberOfKeys: 3, lua: READ_LUA });
  commands.on('error', report);

  const feeds = new Map<string, Feed>();
  const byChannel = new Map<string, Feed>();
  let closed = false;
  let catchUp: Promise<void> | undefined;

  const events = {
    message(channel: string, message: string) {
      const feed = byChannel.get(channel);
      if (!feed) return;
      const stored = decodeMessage(feed.topic, message);
      if (stored) deliver(feed, stored);
      else report(new StoreDataError(`malformed Redis notification on ${channel}`));
    },
    // From the moment a notification link drops, hold every feed; once it is back (and resubscribed), re-read each
    // topic from its last delivered position, then release what pub/sub delivered meanwhile.
    down() {
      for (const feed of feeds.values()) feed.held ??= [];
    },
    up() {
      if (closed) return;
      const previous = catchUp ?? Promise.resolve();
      catchUp = previous.then(runCatchUp);
    },
    error: report,
  };
  const pubsub: PubSub = clustered
    ? shardedPubSub(commands as Cluster, subscriberOptions, events)
    : standalonePubSub(url, subscriberOptions, events);

  try {
    await commands.connect();
    await pubsub.connect();
  } catch (error) {
    commands.disconnect();
    await pubsub.close();
    throw new StoreUnavailableError(`cannot connect to ${where}`, { cause: error });
  }
  let epoch = clustered ? '' : await commands.ssekitEpoch(globalEpochKey, randomEpoch());

  /** The store lost continuity on `feed` (or, standalone, everywhere): its listeners are told to refetch. */
  function resetFeed(feed: Feed, seen: string): void {
    feed.last = ZERO_POSITION;
    for (const listener of feed.listeners) listener.reset(seen);
  }

  function observeEpoch(topic: string, seen: string): void {
    if (!clustered) {
      if (seen === epoch) return;
      epoch = seen;
      for (const feed of feeds.values()) resetFeed(feed, seen);
      return;
    }
    epoch = seen;
    const feed = feeds.get(topic);
    if (!feed || feed.epoch === seen) return;
    const known = feed.epoch !== undefined;
    feed.epoch = seen;
    if (known) resetFeed(feed, seen);
  }

  function deliver(feed: Feed, stored: StoredEvent): void {
    if (feed.held) {
      feed.held.push(stored);
      return;
    }
    if (stored.epoch !== (clustered ? feed.epoch : epoch)) observeEpoch(feed.topic, stored.epoch);
    if (comparePositions(stored.position, feed.last) <= 0) return;
    feed.last = stored.position;
    for (const listener of feed.listeners) listener.event(stored);
  }

  function release(feed: Feed): void {
    const held = feed.held ?? [];
    feed.held = undefined;
    for (const stored of held) deliver(feed, stored);
  }

  async function runCatchUp(): Promise<void> {
    for (let attempt = 0; !closed && pubsub.live; attempt++) {
      try {
        await pubsub.settle();
        if (!clustered) observeEpoch('', await commands.ssekitEpoch(globalEpochKey, randomEpoch()));
        for (const feed of [...feeds.values()]) {
          if (!feed.initialized) continue;
          const [seen] = await commands.ssekitHead(feed.keys.epoch, feed.keys.stream, randomEpoch(), epochTtlMs);
          observeEpoch(feed.topic, seen);
          // Re-read from the last delivered position, page by page (bounded by maxLen), while pub/sub stays held; a
          // reset there means events this feed may not have delivered are gone (trimmed meanwhile, or lost in a
          // failover to a replica that lacked them): the listeners are told, never skipped silently.
          let missed: StoredEvent[] = [];
          let after = feed.last;
          let resumeAt: StreamPosition | undefined;
          for (let page = 0; page <= maxLen; page++) {
            const result = await read(feed.topic, seen, after, 1000);
            if (result.kind === 'reset') {
              // Resume after the newest event still in the stream at or before the last delivered one: everything
              // after it (written since the loss) follows the reset.
              const [surviving] = await commands.xrevrange(
                feed.keys.stream,
                formatStreamPosition(feed.last),
                '-',
                'COUNT',
                1,
              );
              resumeAt = (surviving && parseStreamPosition(surviving[0])) || ZERO_POSITION;
              const entries = await commands.xrange(
                feed.keys.stream,
                `(${formatStreamPosition(resumeAt)}`,
                '+',
                'COUNT',
                maxLen + 1,
              );
              missed = entries.flatMap(([id, fields]) => decodeEntry(feed.topic, seen, id, fields) ?? []);
              break;
            }
            missed.push(...result.events);
            after = result.events.at(-1)?.position ?? after;
            if (result.events.length < 1000) break;
          }
          // No await from here on: the missed events, then what pub/sub held, in one turn.
          const held = feed.held;
          feed.held = undefined;
          if (resumeAt) {
            resetFeed(feed, seen);
            feed.last = resumeAt;
          }
          // Deliver directly (not through held): these precede everything pub/sub held back.
          for (const stored of missed) deliver(feed, stored);
          feed.held = held;
          release(feed);
        }
        // Both links work again (the catch-up needed them): the next outage is logged anew. Not on `up` alone: the
        // command link may still be reconnecting then, and its error would use up the next outage's line.
        outageReported = false;
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
    const keys = keysOf(topic);
    const [seen, id] = await command(`head of "${topic}"`, () =>
      commands.ssekitHead(keys.epoch, keys.stream, randomEpoch(), epochTtlMs),
    );
    observeEpoch(topic, seen);
    return { epoch: seen, position: parseStreamPosition(id) ?? ZERO_POSITION };
  }

  async function read(topic: string, idEpoch: string, position: StreamPosition, limit?: number): Promise<ReplayResult> {
    const keys = keysOf(topic);
    const reply = await command(`replay of "${topic}"`, () =>
      commands.ssekitRead(
        keys.epoch,
        keys.stream,
        keys.trimmed,
        idEpoch,
        formatStreamPosition(position),
        limit !== undefined && limit > 0 && limit <= maxLen ? Math.floor(limit) : maxLen + 1,
      ),
    );
    const [kind, lastId, deletedId, entries, present] = reply;
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
    // Neither retained nor trimmed: the event at that id was lost (e.g. a failover to a replica that lacked it).
    if (present === 0 && comparePositions(position, deleted) > 0) return { kind: 'reset', reason: 'unknown-position' };
    const events: StoredEvent[] = [];
    for (const [id, fields] of entries ?? []) {
      const stored = decodeEntry(topic, idEpoch, id, fields);
      if (stored) events.push(stored);
    }
    return { kind: 'events', events };
  }

  async function appendOnce(topic: string, event: string, data: string): Promise<[string, string]> {
    const keys = keysOf(topic);
    const args = [
      keys.epoch,
      keys.stream,
      keys.trimmed,
      randomEpoch(),
      maxLen,
      maxAgeMs,
      keys.channel,
      event,
      data,
      maxAgeMs,
      publishCommand,
      epochTtlMs,
    ] as const;
    if (waitForReplicas === 0) return appendReply(await commands.ssekitAppend(...args));
    // The script and WAIT on one connection (a pipeline goes to the node of its keys' slot).
    const pipeline = commands.pipeline() as unknown as {
      ssekitAppend(...args: readonly unknown[]): unknown;
      wait(replicas: number, timeout: number): unknown;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    pipeline.ssekitAppend(...args);
    pipeline.wait(waitForReplicas, timeoutMs);
    const replies = (await pipeline.exec()) ?? [];
    const [appended, waited] = replies;
    if (!appended || appended[0]) throw appended?.[0] ?? new StoreUnavailableError('no reply to the append');
    if (!waited || waited[0]) throw waited?.[0] ?? new StoreUnavailableError('no reply to WAIT');
    if ((waited[1] as number) < waitForReplicas) {
      throw new StoreUnavailableError(
        `stored on the master, but ${waited[1]} of ${waitForReplicas} replicas confirmed it in time`,
      );
    }
    return appendReply(appended[1]);
  }

  return {
    get epoch() {
      return epoch;
    },
    prefix,
    clustered,
    async append(topic, event, data) {
      const [seen, id] = await command(`append to "${topic}"`, () => appendOnce(topic, event, data));
      const position = parseStreamPosition(id);
      if (!position) throw new StoreUnavailableError(`append to "${topic}": Redis returned the id ${id}`);
      if (clustered) epoch = seen;
      return { topic, epoch: seen, position, id: formatEventId(seen, position), event, data };
    },
    async subscribe(topic, listener) {
      let feed = feeds.get(topic);
      if (!feed) {
        if (closed || !pubsub.live) {
          throw new StoreUnavailableError(`subscribe to "${topic}": ${where} is not connected`);
        }
        const keys = keysOf(topic);
        const created: Feed = {
          topic,
          keys,
          channel: keys.channel,
          epoch: undefined,
          listeners: new Set(),
          last: ZERO_POSITION,
          held: [],
          initialized: false,
          ready: Promise.resolve(),
        };
        created.ready = (async () => {
          await pubsub.subscribe(created.channel);
          const { position } = await head(topic);
          // Pub/sub messages since SUBSCRIBE that are newer than the head are live events: deliver them in order.
          created.last = position;
          created.initialized = true;
          if (pubsub.live) release(created);
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
          pubsub.unsubscribe(feed.channel);
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
        pubsub.unsubscribe(current.channel);
      };
    },
    head,
    read,
    async close() {
      if (closed) return;
      closed = true;
      await catchUp;
      feeds.clear();
      byChannel.clear();
      await Promise.allSettled([commands.quit(), pubsub.close()]);
    },
  };
}

const positiveInt = (name: string, value: number): number => positiveStoreOption('createRedisReplayStore', name, value);

/** `url` for messages, a password in it replaced by `***` (errors are logged). */
function withoutPassword(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password === '') return url;
  parsed.password = '***';
  return parsed.href;
}

/**
 * The append script's reply, `[epoch, id]`; anything else (a node answering mid-failover with no or another reply) is
 * a `StoreUnavailableError`, so the publish is reported as not stored instead of failing with a TypeError.
 */
function appendReply(reply: unknown): [string, string] {
  if (Array.isArray(reply) && typeof reply[0] === 'string' && typeof reply[1] === 'string') {
    return [reply[0], reply[1]];
  }
  throw new StoreUnavailableError(`unexpected reply to the append: ${JSON.stringify(reply) ?? String(reply)}`);
}
