export { TestStreamError, type TestStreamFailure } from './errors.js';
export { assertEvents, type EventSource, expectEvents } from './expect.js';
export { type HubTester, type TestHubOptions, testHub } from './test-hub.js';
export { type FetchApp, type RouteTarget, routerFor, type TestableRoute, testRoute } from './test-route.js';
export { DEFAULT_TIMEOUT_MS, TestStream, type WaitOptions } from './test-stream.js';
export type { ExpectedEvent, RawTestEvent, RequestArgs, TestEvent, TestRequest } from './types.js';
