/**
 * The modules the mutation run covers: for each, the source files Stryker mutates and the test files that judge them.
 * `npm run test:mutation -- <module…>` runs the named modules (all when none is named), one Stryker run each.
 */
export const mutationModules = {
  encoder: {
    mutate: ['packages/server/src/encode.ts'],
    tests: [
      'packages/server/src/encode.test.ts',
      'packages/server/src/encode-wire.test.ts',
      'packages/server/src/router.test.ts',
      'packages/server/tests/conformance.test.ts',
    ],
  },
  session: {
    mutate: ['packages/server/src/session.ts', 'packages/server/src/write-queue.ts'],
    // Not the conformance suite: every one of its tests opens sessions, so each covers nearly every mutant here, and
    // its heartbeat, flood and pacing tests take seconds each (the run took more than 30 minutes). What it checks of
    // the session (write path, bound, pacing, heartbeats, the abort signal, closing) session.test.ts and the unit tests
    // below check on an in-memory sink with fake timers, in milliseconds; write-bound.test.ts keeps one real socket.
    tests: [
      'packages/server/src/session.test.ts',
      'packages/server/src/write-queue.test.ts',
      'packages/server/src/router.test.ts',
      'packages/server/src/coalesce.test.ts',
      'packages/server/tests/write-bound.test.ts',
    ],
  },
  request: {
    mutate: ['packages/server/src/prepare-request.ts'],
    tests: [
      'packages/server/src/request.test.ts',
      'packages/server/tests/request-problems.test.ts',
      'packages/server/src/router.test.ts',
      'packages/server/tests/conformance.test.ts',
    ],
  },
  hub: {
    mutate: [
      'packages/server/src/broadcast/hub.ts',
      'packages/server/src/broadcast/replay.ts',
      'packages/server/src/broadcast/topic-fanout.ts',
    ],
    tests: [
      'packages/server/tests/broadcast-hub.test.ts',
      'packages/server/tests/broadcast-store.test.ts',
      'packages/server/tests/broadcast-race.test.ts',
      'packages/server/tests/broadcast-store-edges.test.ts',
    ],
  },
  redis: {
    mutate: ['packages/redis/src/redis-store.ts'],
    // Not scale-out.test.ts: its stores run in child processes, where no mutant is ever active. Not topics.test.ts:
    // its store-level claim (no cross-topic delivery, hostile names) is the conformance suite's topic-isolation case,
    // and its 1,000 subscribers would run again under nearly every mutant. Not cluster-failover.test.ts: each run kills
    // masters and waits for replicas to take over (about 30 s), under every mutant its tests cover.
    tests: [
      'packages/redis/tests/redis-store.test.ts',
      // The replay store contract every store meets (retention by count and age, resets, outage): it judges this one.
      'packages/redis/tests/store-conformance.test.ts',
      'packages/redis/tests/redis-outage.test.ts',
      'packages/redis/tests/redis-store-edges.test.ts',
      'packages/redis/tests/redis-restart.test.ts',
      // The ioredis options the store sets (fail-fast commands, reconnect delays, the cluster client's retries).
      'packages/redis/tests/redis-client-options.test.ts',
      // The code that runs only on a Redis Cluster (per-topic epochs, sharded pub/sub): the conformance suite and the
      // per-topic epoch test on a six-node cluster of its own, started anew under each mutant its tests cover (the
      // mutation vitest config runs it after the files above, so a mutant they kill never starts it).
      'packages/redis/tests/cluster-conformance.test.ts',
    ],
  },
  client: {
    mutate: [
      'packages/client/src/connect-event-stream.ts',
      'packages/client/src/backoff.ts',
      'packages/client/src/event-decoder.ts',
      'packages/client/src/event-feed.ts',
    ],
    tests: [
      'packages/client/src/*.test.ts',
      'packages/client/tests/reconnect.test.ts',
      'packages/client/tests/lifecycle.test.ts',
      'packages/client/tests/wire-rules.test.ts',
      'packages/client/tests/chunking.test.ts',
      'packages/client/tests/backoff-timing.test.ts',
      // The 401 refresh (onUnauthorized) and the backpressure gate (beforeRead, streamRoute's bounded buffer).
      'packages/client/tests/unauthorized.test.ts',
      'packages/client/tests/buffer-bound.test.ts',
    ],
  },
  validator: {
    mutate: ['codegen/src/emitters/client/standalone-validator.ts', 'codegen/src/emitters/client/validator-parts.ts'],
    // client-layout.test.ts judges the validators' layout (block indentation) with the TypeScript formatter.
    tests: ['codegen/src/emitters/client/standalone-validator.test.ts', 'codegen/tests/client-layout.test.ts'],
  },
  'zod-fast-path': {
    mutate: [
      'codegen/src/emitters/client/zod-fast-path.ts',
      'packages/client/src/plain-zod.ts',
      'packages/client/src/zod-fast-path.ts',
    ],
    // zod-fast-path.test.ts holds the emitted functions to zod's safeParse; client-layout.test.ts judges their layout.
    tests: [
      'codegen/tests/zod-fast-path.test.ts',
      'packages/client/src/plain-zod.test.ts',
      'packages/client/src/zod-fast-path.test.ts',
      'codegen/tests/client-layout.test.ts',
    ],
  },
};
