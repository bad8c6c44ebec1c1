import { createMemoryReplayStore } from '@ssekit/server/broadcast';
import { describeReplayStore } from './store-conformance.ts';

describeReplayStore('memory', {
  create: async () => createMemoryReplayStore(),
  retention: {
    maxEvents: async (maxEventsPerTopic) => createMemoryReplayStore({ maxEventsPerTopic }),
    maxAgeMs: async (maxAgeMs) => createMemoryReplayStore({ maxAgeMs }),
    maxBytes: async (maxBytesPerTopic) => createMemoryReplayStore({ maxBytesPerTopic }),
  },
});
