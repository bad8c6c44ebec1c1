import { createNatsStore, type NatsStore, type NatsStoreOptions } from '@ssekit/nats';
import type { ReplayStore } from '@ssekit/server/broadcast';
import { afterAll } from 'vitest';
import { describeReplayStore } from '../../server/tests/store-conformance.ts';
import { deleteStream, NATS_URL, noNats, type OwnNatsServer, startOwnNats, uniqueStream } from './nats-env.ts';

// The shared NATS (127.0.0.1:4222) for every case but the outage, which kills a nats-server of its own.
const streams: string[] = [];
afterAll(async () => {
  for (const stream of streams) await deleteStream(stream);
});

/** Where each store under test lives, so a second instance can join it. */
const backendOf = new WeakMap<ReplayStore, { servers: string; stream: string }>();

async function open(options: NatsStoreOptions = {}): Promise<NatsStore> {
  const servers = (options.servers as string | undefined) ?? NATS_URL;
  const stream = options.stream ?? uniqueStream('conf');
  if (servers === NATS_URL) streams.push(stream);
  const store = await createNatsStore({ onError: () => {}, ...options, servers, stream });
  backendOf.set(store, { servers, stream });
  return store;
}

let own: OwnNatsServer | undefined;
afterAll(async () => {
  await own?.dispose();
});

describeReplayStore('NATS JetStream', {
  skip: noNats && `NATS JetStream is not reachable at ${NATS_URL}`,
  create: () => open(),
  second: (first) => open({ ...backendOf.get(first) }),
  retention: {
    maxEvents: (maxEvents) => open({ retention: { maxEvents } }),
    maxAgeMs: (maxAgeMs) => open({ retention: { maxAgeMs } }),
    maxBytes: (maxBytes) => open({ retention: { maxBytes } }),
  },
  outage: {
    // File storage: JetStream writes each message before it acknowledges it.
    durable: true,
    async create() {
      own ??= await startOwnNats();
      return open({ servers: own.url, commandTimeoutMs: 1000 });
    },
    stop: async () => own?.kill(),
    start: async () => own?.start(),
  },
});
