import { createNatsStore } from '@ssekit/nats';
import { createPostgresStore } from '@ssekit/postgres';
import { createRedisReplayStore } from '@ssekit/redis';
import type { ReplayStore } from '@ssekit/server/broadcast';
import { createChatMemoryStore } from './store.ts';

/** The environment variables the chat reads to pick its store. */
export interface ChatStoreEnv {
  readonly REDIS_CLUSTER_NODES?: string | undefined;
  readonly REDIS_URL?: string | undefined;
  readonly NATS_URL?: string | undefined;
  readonly DATABASE_URL?: string | undefined;
  /** Key/stream/table prefix, so several chats can share one server. Default `ssekit-chat`. */
  readonly STORE_PREFIX?: string | undefined;
  /** Older name of `STORE_PREFIX`. */
  readonly REDIS_PREFIX?: string | undefined;
}

/** The chosen store and a line saying which engine it runs on. */
export interface ChatStore {
  readonly store: ReplayStore;
  readonly engine: 'memory' | 'Redis' | 'Redis Cluster' | 'NATS JetStream' | 'PostgreSQL';
  readonly description: string;
}

/** Events kept per room, and for how long: the same bound on every engine. */
const RETENTION = { maxEvents: 500, maxAgeMs: 60 * 60_000 } as const;

interface Engine {
  readonly variable: keyof ChatStoreEnv;
  readonly engine: ChatStore['engine'];
  create(value: string, prefix: string): Promise<ReplayStore>;
}

/** A PostgreSQL table name from the prefix: lower-case letters, digits and `_` (`ssekit-chat` → `ssekit_chat_events`). */
function tableOf(prefix: string): string {
  return `${prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 40)}_events`;
}

/** The engines in order of precedence: the first whose variable is set wins. */
const ENGINES: readonly Engine[] = [
  {
    variable: 'REDIS_CLUSTER_NODES',
    engine: 'Redis Cluster',
    create: (nodes, prefix) =>
      createRedisReplayStore({
        cluster: nodes
          .split(',')
          .map((node) => node.trim())
          .filter(Boolean),
        prefix,
        maxLen: RETENTION.maxEvents,
        maxAgeMs: RETENTION.maxAgeMs,
      }),
  },
  {
    variable: 'REDIS_URL',
    engine: 'Redis',
    create: (url, prefix) =>
      createRedisReplayStore({ url, prefix, maxLen: RETENTION.maxEvents, maxAgeMs: RETENTION.maxAgeMs }),
  },
  {
    variable: 'NATS_URL',
    engine: 'NATS JetStream',
    create: (servers, prefix) =>
      createNatsStore({
        servers: servers.split(',').map((server) => server.trim()),
        stream: prefix.replace(/[^A-Za-z0-9_-]/g, '_'),
        retention: RETENTION,
      }),
  },
  {
    variable: 'DATABASE_URL',
    engine: 'PostgreSQL',
    create: (connectionString, prefix) =>
      createPostgresStore({ connectionString, table: tableOf(prefix), retention: RETENTION }),
  },
];

/**
 * The chat's replay store, chosen from the environment: `REDIS_CLUSTER_NODES` (comma-separated `host:port`),
 * `REDIS_URL`, `NATS_URL`, `DATABASE_URL` — the first one set, in that order — else the in-memory store of this one
 * process ({@link createChatMemoryStore}: also bounded across rooms). Every engine keeps 500 events per room for an
 * hour.
 *
 * @example
 * ```ts
 * const { store, description } = await createStoreFromEnv(process.env);
 * console.log(`chat on ${description}`);
 * ```
 */
export async function createStoreFromEnv(env: ChatStoreEnv = process.env): Promise<ChatStore> {
  const prefix = env.STORE_PREFIX || env.REDIS_PREFIX || 'ssekit-chat';
  for (const engine of ENGINES) {
    const value = env[engine.variable];
    if (!value) continue;
    const store = await engine.create(value, prefix);
    return { store, engine: engine.engine, description: `${engine.engine} store (${engine.variable}=${value})` };
  }
  return {
    store: createChatMemoryStore(),
    engine: 'memory',
    description: 'in-memory store',
  };
}
