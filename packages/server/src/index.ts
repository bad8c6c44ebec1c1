export {
  createHub,
  createMemoryReplayStore,
  type Hub,
  type HubOptions,
  type MemoryReplayStoreOptions,
  type PublishReceipt,
  type ReplayStore,
  type ResetReason,
  StoreDataError,
  type StoredEvent,
  StoreUnavailableError,
} from './broadcast/index.js';
export { type CorsOptions, DEFAULT_CORS_MAX_AGE_S } from './cors.js';
export {
  assertSafeField,
  encodeComment,
  encodeFrame,
  encodeLines,
  eventLine,
  type ServerSentEvent,
} from './encode.js';
export {
  BodyTimeoutError,
  ContractValidationError,
  ExtraHandlerError,
  FieldInjectionError,
  HandlerError,
  HttpError,
  InvalidLastEventIdError,
  type IssueSummary,
  MissingHandlerError,
  OriginRejectedError,
  type ProblemBody,
  RouteConflictError,
  SerializationError,
  ShuttingDownError,
  SlowConsumerError,
  type SlowConsumerPolicy,
  StreamClosedError,
  StreamLimitError,
} from './errors.js';
export { DEFAULT_HEARTBEAT_MS, type HeartbeatOptions } from './heartbeat.js';
export {
  type ContractImplementation,
  type ErrorEventData,
  type HandlerWithOptions,
  type ImplementationOf,
  implement,
  type MissingHandler,
  type NotARoute,
  type RouteHandler,
  type RouteImplementation,
  type RouteImplementationObject,
} from './implement.js';
export { type LogRateLimitOptions, rateLimitedLog } from './log-limiter.js';
export {
  DEFAULT_LIFETIME_JITTER_RATIO,
  DEFAULT_LIFETIME_RECONNECT_WINDOW_MS,
  type MaxLifetimeOptions,
} from './reconnect-hint.js';
export {
  BodyTooLargeError,
  type CoreRequest,
  LimitedBody,
  MAX_LAST_EVENT_ID_BYTES,
  type PlainResponse,
} from './request.js';
export {
  type BeforeStreamContext,
  type CloseOptions,
  type CloseResult,
  createRouter,
  DEFAULT_BODY_TIMEOUT_MS,
  DEFAULT_DRAIN_MS,
  DEFAULT_RECONNECT_WINDOW_MS,
  type DispatchResult,
  defaultErrorEventData,
  type ErrorContext,
  type RawHandler,
  type RouterOptions,
  RouteScope,
  SseRouter,
  STREAM_HEADERS,
  type StreamOptions,
} from './router.js';
export type {
  DatalessFrame,
  RawSession,
  RequestTypes,
  SendOptions,
  SessionOf,
  SseRequestInfo,
  SseSession,
  SseSessionBase,
  TypedServerSentEvent,
  TypedSession,
} from './session.js';
export { SinkBase, type SseSink } from './sink.js';
export { DEFAULT_LIMIT_RETRY_AFTER_S, DEFAULT_MAX_STREAMS, type StreamLimits } from './stream-limits.js';
