export { createRedisReplayStore, type RedisReplayStore, type RedisReplayStoreOptions } from './redis-store.js';
