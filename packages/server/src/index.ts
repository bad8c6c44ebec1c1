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
export {
  assertSafeField,
  encodeComment,
  encodeFrame,
  encodeLines,
  eventLine,
  type ServerSentEvent,
} from './encode.js';
export {
  ContractValidationError,
  ExtraHandlerError,
  FieldInjectionError,
  HandlerError,
  HttpError,
  InvalidLastEventIdError,
  type IssueSummary,
  MissingHandlerError,
  type ProblemBody,
  RouteConflictError,
  SerializationError,
  SlowConsumerError,
  type SlowConsumerPolicy,
  StreamClosedError,
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
  BodyTooLargeError,
  type CoreRequest,
  LimitedBody,
  MAX_LAST_EVENT_ID_BYTES,
  type PlainResponse,
} from './request.js';
export {
  type BeforeStreamContext,
  createRouter,
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
