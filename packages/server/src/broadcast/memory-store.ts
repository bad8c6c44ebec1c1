import { InvalidArgumentError } from '@ssekit/contract';
import { comparePositions, formatEventId, randomEpoch, type StreamPosition, ZERO_POSITION } from './event-id.js';
import {
  type ReplayResult,
  type ReplayStore,
  type StoredEvent,
  type StoreListener,
  StoreUnavailableError,
} from './store.js';

/** Bounds of the in-memory store: whichever is hit first trims the oldest events. */
export interface MemoryReplayStoreOptions {
  /** Events kept per topic. Default 1000. */
  maxEventsPerTopic?: number;
  /** Bytes of event data kept per topic (UTF-16 length of data + name, plus 64 per event). Default 1 MiB. */
  maxBytesPerTopic?: number;
  /** Age after which events are dropped, in ms. Default 5 minutes. */
  maxAgeMs?: number;
  /** Topics with a log; the least recently written is dropped past it. Default 10 000. */
  maxTopics?: number;
  /**
   * Bytes of event data kept across all topics (counted as for `maxBytesPerTopic`). Past it, the oldest events of the
   * least recently written topics are dropped first (their old ids then get the reset event `expired`). Default 64 MiB.
   */
  maxTotalBytes?: number;
  /** Epoch of this store (default: random). A process restart is a new epoch: old ids get the reset event. */
  epoch?: string;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  readonly stored: StoredEvent;
  readonly bytes: number;
  readonly at: number;
}

interface TopicLog {
  entries: Entry[];
  start: number;
  bytes: number;
  /** Position of the newest event ever dropped from this topic. */
  trimmedThrough: StreamPosition;
  last: StreamPosition;
}

const ENTRY_OVERHEAD_BYTES = 64;

/**
 * The embedded replay store: one bounded log per topic in this process. Ids carry a per-process epoch, so after a
 * restart every old `Last-Event-ID` is answered with the reset event instead of a silent resume.
 *
 * @example
 * ```ts
 * const store = createMemoryReplayStore({ maxEventsPerTopic: 500, maxAgeMs: 60_000 });
 * const hub = createHub(chat.roomEvents, { store });
 * ```
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore & {
  readonly epoch: string;
  /** Topics currently holding events. */
  readonly topicCount: number;
  /** Bytes of event data currently kept across all topics (as counted for `maxTotalBytes`). */
  readonly totalBytes: number;
} {
  const maxEvents = positive('maxEventsPerTopic', options.maxEventsPerTopic ?? 1000);
  const maxBytes = positive('maxBytesPerTopic', options.maxBytesPerTopic ?? 1024 * 1024);
  const maxAgeMs = positive('maxAgeMs', options.maxAgeMs ?? 5 * 60_000);
  const maxTopics = positive('maxTopics', options.maxTopics ?? 10_000);
  const maxTotalBytes = positive('maxTotalBytes', options.maxTotalBytes ?? 64 * 1024 * 1024);
  const now = options.now ?? Date.now;
  const epoch = options.epoch ?? randomEpoch();
  const logs = new Map<string, TopicLog>();
  const listeners = new Map<string, Set<StoreListener>>();
  let last: StreamPosition = ZERO_POSITION;
  let totalBytes = 0;
  // Newest position of any topic log dropped whole: an unknown topic may have lost events up to here.
  let evictedThrough: StreamPosition = ZERO_POSITION;
  let closed = false;

  const sweepEvery = Math.min(maxAgeMs, 60_000);
  const sweeper = setInterval(() => {
    const t = now();
    for (const [topic, log] of logs) trim(topic, log, t);
  }, sweepEvery);
  (sweeper as { unref?: () => void }).unref?.();

  function nextPosition(): StreamPosition {
    const ms = now();
    last = ms > last.ms ? { ms, seq: 0 } : { ms: last.ms, seq: last.seq + 1 };
    return last;
  }

  function dropOldest(log: TopicLog): void {
    const entry = log.entries[log.start] as Entry;
    log.entries[log.start] = undefined as unknown as Entry;
    log.start++;
    log.bytes -= entry.bytes;
    totalBytes -= entry.bytes;
    log.trimmedThrough = entry.stored.position;
  }

  function trim(topic: string, log: TopicLog, t: number): void {
    const oldest = t - maxAgeMs;
    while (log.start < log.entries.length) {
      const size = log.entries.length - log.start;
      const head = log.entries[log.start] as Entry;
      if (size > maxEvents || log.bytes > maxBytes || head.at < oldest) dropOldest(log);
      else break;
    }
    compact(log);
    if (log.start === log.entries.length && !listeners.has(topic)) evict(topic, log);
  }

  function compact(log: TopicLog): void {
    if (log.start > 32 && log.start * 2 > log.entries.length) {
      log.entries = log.entries.slice(log.start);
      log.start = 0;
    }
  }

  /** Past `maxTotalBytes`: drops the oldest events of the least recently written topics (map order) first. */
  function enforceTotal(): void {
    if (totalBytes <= maxTotalBytes) return;
    for (const [topic, log] of logs) {
      while (totalBytes > maxTotalBytes && log.start < log.entries.length) dropOldest(log);
      compact(log);
      if (log.start === log.entries.length && !listeners.has(topic)) evict(topic, log);
      if (totalBytes <= maxTotalBytes) return;
    }
  }

  function evict(topic: string, log: TopicLog): void {
    logs.delete(topic);
    totalBytes -= log.bytes;
    log.bytes = 0;
    if (comparePositions(log.last, evictedThrough) > 0) evictedThrough = log.last;
  }

  function logOf(topic: string): TopicLog {
    let log = logs.get(topic);
    if (log) {
      // Map order doubles as recency: the least recently written topic is evicted first.
      logs.delete(topic);
      logs.set(topic, log);
      return log;
    }
    // A topic whose log was dropped whole may have lost events up to `evictedThrough`: ids before it are expired, as
    // they were while the topic had no log.
    log = { entries: [], start: 0, bytes: 0, trimmedThrough: evictedThrough, last: ZERO_POSITION };
    logs.set(topic, log);
    if (logs.size > maxTopics) {
      const [oldestTopic, oldestLog] = logs.entries().next().value as [string, TopicLog];
      evict(oldestTopic, oldestLog);
    }
    return log;
  }

  return {
    epoch,
    get topicCount() {
      return logs.size;
    },
    get totalBytes() {
      return totalBytes;
    },
    async append(topic, event, data) {
      if (closed) throw new StoreUnavailableError('the memory replay store is closed');
      const position = nextPosition();
      const stored: StoredEvent = { topic, epoch, position, id: formatEventId(epoch, position), event, data };
      const log = logOf(topic);
      const t = now();
      const bytes = data.length + event.length + ENTRY_OVERHEAD_BYTES;
      log.entries.push({ stored, bytes, at: t });
      log.bytes += bytes;
      totalBytes += bytes;
      log.last = position;
      trim(topic, log, t);
      enforceTotal();
      const set = listeners.get(topic);
      if (set) for (const listener of set) listener.event(stored);
      return stored;
    },
    async subscribe(topic, listener) {
      let set = listeners.get(topic);
      if (!set) {
        set = new Set();
        listeners.set(topic, set);
      }
      set.add(listener);
      return () => {
        const current = listeners.get(topic);
        if (!current?.delete(listener) || current.size > 0) return;
        listeners.delete(topic);
        const log = logs.get(topic);
        if (log && log.start === log.entries.length) evict(topic, log);
      };
    },
    async head(topic) {
      return { epoch, position: logs.get(topic)?.last ?? ZERO_POSITION };
    },
    async read(topic, idEpoch, position, limit = Number.POSITIVE_INFINITY): Promise<ReplayResult> {
      if (idEpoch !== epoch) return { kind: 'reset', reason: 'other-epoch' };
      if (comparePositions(position, last) > 0) return { kind: 'reset', reason: 'unknown-position' };
      const log = logs.get(topic);
      if (log) trim(topic, log, now());
      const current = logs.get(topic);
      if (!current) {
        return comparePositions(position, evictedThrough) < 0
          ? { kind: 'reset', reason: 'expired' }
          : { kind: 'events', events: [] };
      }
      if (comparePositions(position, current.trimmedThrough) < 0) return { kind: 'reset', reason: 'expired' };
      const events: StoredEvent[] = [];
      for (let i = current.start; i < current.entries.length && events.length < limit; i++) {
        const stored = (current.entries[i] as Entry).stored;
        if (comparePositions(stored.position, position) > 0) events.push(stored);
      }
      return { kind: 'events', events };
    },
    async close() {
      closed = true;
      clearInterval(sweeper);
      listeners.clear();
    },
  };
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new InvalidArgumentError(`createMemoryReplayStore: ${name} must be positive, got ${value}`);
  return value;
}
