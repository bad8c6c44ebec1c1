export {
  createNatsStore,
  type NatsConnectionLike,
  type NatsRetention,
  type NatsStore,
  type NatsStoreOptions,
} from './nats-store.js';
export { decodeTopicToken, encodeTopicToken, MAX_SUBJECT_TOKEN_LENGTH } from './subjects.js';
