export {
  createRedisReplayStore,
  type RedisClusterNode,
  type RedisReplayStore,
  type RedisReplayStoreOptions,
} from './redis-store.js';
