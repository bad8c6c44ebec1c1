export {
  InvalidArgumentError,
  isSsekitError,
  logError,
  SsekitError,
  type SsekitErrorCode,
} from '@ssekit/contract/errors';
export { connectEventStream } from './connect-event-stream.js';
export { type DecodeResult, type EventDecoder, fail, ok } from './decode-result.js';
export { createEventDecoder, type EventDecoderOptions, type StandardSchemaLike } from './event-decoder.js';
export {
  type EventErrorContext,
  EventTooLargeError,
  EventValidationError,
  ParseError,
  UnknownEventError,
  type ValidationIssue,
} from './event-errors.js';
export {
  createEventStore,
  type EventStore,
  type EventStoreOptions,
  type EventStoreSnapshot,
  type EventStreamStatus,
  type LastEvents,
} from './event-store.js';
export type {
  CloseInfo,
  CloseReason,
  EventStreamConnection,
  EventStreamOptions,
  ReconnectOptions,
  RetryInfo,
} from './event-stream-types.js';
export { ContentTypeError, HttpStatusError, NetworkError } from './http-errors.js';
export {
  AbortedError,
  BufferOverflowError,
  CallbackError,
  IdleTimeoutError,
  RetriesExhaustedError,
  SharedStreamError,
} from './lifecycle-errors.js';
export {
  describePlainZod,
  type LengthCheck,
  type NumberCheck,
  type PlainZodNode,
  type PlainZodProperty,
} from './plain-zod.js';
export type { RawSseEvent } from './raw-event.js';
export type { FetchCredentials, FetchHeaders, FetchInit, HeadersSource } from './request-headers.js';
export { requestKey } from './request-key.js';
export type {
  BoundRoute,
  ClientConfig,
  EventDecoders,
  EventHandlerMap,
  LifecycleHandlers,
  RouteArgs,
  RouteBinding,
  RouteCallOptions,
  RouteClientSpec,
  RouteEventHandlers,
  RouteEventOf,
  RouteHandlers,
  RouteRequest,
  RouteRequestOf,
  SubscribeHandlers,
  Subscription,
  TypedEvent,
} from './route-types.js';
export { HANDLER_OPTION_KEYS } from './route-types.js';
export { buildRouteUrl } from './route-url.js';
export { type StreamRouteOptions, streamRoute } from './stream-route.js';
export { subscribeRoute } from './subscribe-route.js';
export { tabSharingApis } from './tab-share.js';
export { createZodFastPathDecoder, type ZodFastPathDecoderOptions, zodFastPathSignature } from './zod-fast-path.js';
