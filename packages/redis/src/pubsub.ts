import { StoreUnavailableError } from '@ssekit/server/broadcast';
import { type Cluster, Redis, type RedisOptions } from 'ioredis';
import { keySlot } from './keys.js';

/** What a notification link reports to the store. */
export interface PubSubEvents {
  message(channel: string, message: string): void;
  /** Some notifications may be missed from now on (a connection dropped, a slot moved): hold feeds. */
  down(): void;
  /** Every subscribed channel is live again: re-read the feeds from their last positions, then release them. */
  up(): void;
  error(error: unknown): void;
}

/** The store's notification side: one connection (standalone) or one per shard (cluster, sharded pub/sub). */
export interface PubSub {
  /** True while every subscription is live. */
  readonly live: boolean;
  /** Resolves once `channel` is subscribed (live); rejects when the link is down. */
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): void;
  /** Resolves once every subscription issued so far is in effect (after a reconnect too). */
  settle(): Promise<void>;
  connect(): Promise<void>;
  close(): Promise<void>;
}

/** Standalone Redis: one subscriber connection; ioredis re-subscribes after a reconnect. */
export function standalonePubSub(url: string, options: RedisOptions, events: PubSubEvents): PubSub {
  const subscriber = new Redis(url, { ...options, autoResubscribe: true, maxRetriesPerRequest: null });
  let connected = false;
  let started = false;
  let closed = false;
  subscriber.on('error', events.error);
  subscriber.on('message', events.message);
  subscriber.on('close', () => {
    if (closed || !connected) return;
    connected = false;
    events.down();
  });
  // Only a reconnect is news: the first 'ready' comes while `connect()` runs, before the store is set up.
  subscriber.on('ready', () => {
    if (closed || connected || !started) return;
    connected = true;
    events.up();
  });
  return {
    get live() {
      return connected && subscriber.status === 'ready';
    },
    async subscribe(channel) {
      await subscriber.subscribe(channel);
    },
    unsubscribe(channel) {
      if (subscriber.status === 'ready') void subscriber.unsubscribe(channel).catch(events.error);
    },
    async settle() {
      // PING is queued behind the automatic re-SUBSCRIBE on the same connection: after its reply, pub/sub is live.
      await subscriber.ping();
    },
    async connect() {
      await subscriber.connect();
      connected = true;
      started = true;
    },
    async close() {
      closed = true;
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}

type SlotsReply = [number, number, [string, number, ...unknown[]], ...unknown[]][];

/**
 * Redis Cluster: sharded pub/sub (`SSUBSCRIBE`; the store `SPUBLISH`es in its append script, in the topic's slot), one
 * subscriber connection per master that owns a subscribed channel's slot. When any of them drops, or the server says a
 * slot moved (failover, resharding), every feed is held, the slot map is re-read (`CLUSTER SLOTS`) until the new owners
 * answer, every channel is subscribed again at its owner, and the store catches up from the streams.
 */
export function shardedPubSub(commands: Cluster, options: RedisOptions, events: PubSubEvents): PubSub {
  const channels = new Set<string>();
  const links = new Map<string, Redis>();
  /** slot → "host:port" of its master. */
  let owners: string[] = [];
  let healthy = false;
  let closed = false;
  let dirty = false;
  let resyncing: Promise<void> | undefined;

  async function readSlots(): Promise<void> {
    const reply = (await commands.cluster('SLOTS')) as unknown as SlotsReply;
    const next: string[] = new Array(16384);
    for (const [from, to, [host, port]] of reply) {
      for (let slot = from; slot <= to; slot++) next[slot] = `${host}:${port}`;
    }
    owners = next;
  }

  function linkTo(node: string): Redis {
    const existing = links.get(node);
    if (existing) return existing;
    const [host, port] = [node.slice(0, node.lastIndexOf(':')), Number(node.slice(node.lastIndexOf(':') + 1))];
    // No reconnect of its own: a dropped link triggers a resync, which finds the slot's current owner.
    const link = new Redis({
      ...options,
      host,
      port,
      lazyConnect: false,
      autoResubscribe: false,
      retryStrategy: () => null,
      maxRetriesPerRequest: null,
      connectTimeout: 1000,
    });
    links.set(node, link);
    link.on('error', () => {
      // reported through the resync that follows the close
    });
    link.on('smessage', events.message);
    // Only the current link of a node counts: links retired by a resync close quietly.
    link.on('close', () => {
      if (links.get(node) !== link) return;
      links.delete(node);
      markDown();
    });
    // An unsolicited SUNSUBSCRIBE: the slot moved away from this node.
    link.on('moved', () => {
      if (links.get(node) === link) markDown();
    });
    return link;
  }

  function markDown(): void {
    if (closed) return;
    dirty = true;
    if (healthy) {
      healthy = false;
      events.down();
    }
    resyncing ??= resync().finally(() => {
      resyncing = undefined;
    });
  }

  async function resync(): Promise<void> {
    for (let attempt = 0; !closed; attempt++) {
      dirty = false;
      try {
        await readSlots();
        const retired = [...links.values()];
        links.clear();
        for (const link of retired) link.disconnect();
        const byNode = new Map<string, string[]>();
        for (const channel of channels) {
          const node = owners[keySlot(channel)];
          if (!node) throw new StoreUnavailableError(`no master serves the slot of ${channel}`);
          byNode.set(node, [...(byNode.get(node) ?? []), channel]);
        }
        await Promise.all([...byNode].map(([node, list]) => linkTo(node).ssubscribe(...list)));
        if (dirty || closed) continue;
        healthy = true;
        events.up();
        return;
      } catch (error) {
        events.error(error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * (attempt + 1), 1000)));
      }
    }
  }

  return {
    get live() {
      return healthy;
    },
    async subscribe(channel) {
      channels.add(channel);
      if (!healthy) throw new StoreUnavailableError('the cluster notification links are down');
      const node = owners[keySlot(channel)];
      if (!node) {
        markDown();
        throw new StoreUnavailableError(`no master serves the slot of ${channel}`);
      }
      try {
        await linkTo(node).ssubscribe(channel);
      } catch (error) {
        markDown();
        throw error;
      }
    },
    unsubscribe(channel) {
      channels.delete(channel);
      const node = owners[keySlot(channel)];
      const link = node ? links.get(node) : undefined;
      if (link?.status === 'ready') void link.sunsubscribe(channel).catch(() => {});
    },
    async settle() {
      await resyncing;
    },
    async connect() {
      await readSlots();
      healthy = true;
    },
    async close() {
      closed = true;
      await resyncing;
      for (const link of links.values()) link.disconnect();
      links.clear();
    },
  };
}
