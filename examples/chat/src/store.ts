import { createMemoryReplayStore, type MemoryReplayStoreOptions } from '@ssekit/server/broadcast';

/**
 * Bounds of the chat's in-memory store: 500 messages (at most 1 MiB) and one hour per room, at most 1,000 rooms and
 * 32 MiB of messages across all rooms. Past a bound the oldest messages of the least recently written rooms go first;
 * a client resuming from one of them gets the `reset` event.
 */
export const CHAT_MEMORY_LIMITS = {
  maxEventsPerTopic: 500,
  maxBytesPerTopic: 1024 * 1024,
  maxAgeMs: 60 * 60_000,
  maxTopics: 1000,
  maxTotalBytes: 32 * 1024 * 1024,
} as const satisfies MemoryReplayStoreOptions;

/**
 * The chat's in-memory store with {@link CHAT_MEMORY_LIMITS} (or tighter ones, for tests).
 *
 * @example
 * ```ts
 * const store = createChatMemoryStore();
 * console.log(store.totalBytes, store.topicCount);
 * ```
 */
export function createChatMemoryStore(limits: MemoryReplayStoreOptions = {}) {
  return createMemoryReplayStore({ ...CHAT_MEMORY_LIMITS, ...limits });
}
