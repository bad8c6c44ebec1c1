export { isSsekitError, SsekitError, type SsekitErrorCode } from '@ssekit/contract/errors';
export { connectEventStream } from './connect-event-stream.ts';
export { type DecodeResult, type EventDecoder, fail, ok } from './decode-result.ts';
export { createEventDecoder, type EventDecoderOptions, type StandardSchemaLike } from './event-decoder.ts';
export {
  type EventErrorContext,
  EventTooLargeError,
  EventValidationError,
  ParseError,
  UnknownEventError,
  type ValidationIssue,
} from './event-errors.ts';
export type {
  CloseInfo,
  CloseReason,
  EventStreamConnection,
  EventStreamOptions,
  ReconnectOptions,
  RetryInfo,
} from './event-stream-types.ts';
export { ContentTypeError, HttpStatusError, NetworkError } from './http-errors.ts';
export {
  AbortedError,
  CallbackError,
  IdleTimeoutError,
  RetriesExhaustedError,
} from './lifecycle-errors.ts';
export type { RawSseEvent } from './raw-event.ts';
export type { HeadersSource } from './request-headers.ts';
export type {
  ClientConfig,
  RouteCallOptions,
  RouteClientSpec,
  RouteRequest,
  SubscribeHandlers,
  Subscription,
  TypedEvent,
} from './route-types.ts';
export { buildRouteUrl } from './route-url.ts';
export { type StreamRouteOptions, streamRoute } from './stream-route.ts';
export { subscribeRoute } from './subscribe-route.ts';
