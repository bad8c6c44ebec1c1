import { createRedisReplayStore } from '@ssekit/redis';
import { createMemoryReplayStore, type ReplayStore } from '@ssekit/server/broadcast';

/**
 * The chat's replay store: Redis Streams when `redisUrl` is given (instances behind one Redis share rooms), otherwise
 * the in-memory store of this one process.
 */
export async function createChatStore(redisUrl: string | undefined, prefix = 'ssekit-chat'): Promise<ReplayStore> {
  if (!redisUrl) return createMemoryReplayStore({ maxEventsPerTopic: 500, maxAgeMs: 60 * 60_000 });
  return createRedisReplayStore({ url: redisUrl, prefix, maxLen: 500, maxAgeMs: 60 * 60_000 });
}
