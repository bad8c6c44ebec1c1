export { type EventStreamState, type UseEventStreamOptions, useEventStream } from './use-event-stream.js';
