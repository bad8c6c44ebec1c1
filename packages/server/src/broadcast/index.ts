export {
  comparePositions,
  formatEventId,
  formatStreamPosition,
  isValidEpoch,
  MAX_EVENT_ID_LENGTH,
  type ParsedEventId,
  parseEventId,
  parseStreamPosition,
  randomEpoch,
  type StreamPosition,
  ZERO_POSITION,
} from './event-id.js';
export {
  createHub,
  type Hub,
  type HubImplementation,
  type HubOptions,
  type PreparedEvent,
  type PublishReceipt,
  type ResetInfo,
  type SubscribeContext,
  type SubscribeOptions,
} from './hub.js';
export { createMemoryReplayStore, type MemoryReplayStoreOptions } from './memory-store.js';
export {
  positiveStoreOption,
  type ReplayResult,
  type ReplayStore,
  type ResetReason,
  StoreDataError,
  type StoredEvent,
  type StoreListener,
  StoreUnavailableError,
} from './store.js';
export { checkTopic, defaultTopic, MAX_TOPIC_LENGTH, TopicError, type TopicFn } from './topic.js';
