import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteStream, NATS_URL, noNats } from '../../../packages/nats/tests/nats-env.ts';
import { DATABASE_URL, noPostgres } from '../../../packages/postgres/tests/pg-env.ts';
import { deleteKeys, lockRedis, noRedis, REDIS_URL, uniquePrefix } from '../../../packages/redis/tests/redis-env.ts';
import { dataOf, openStream } from '../../../packages/server/tests/broadcast-helpers.ts';
import { startChat } from '../src/app.ts';
import { type ChatStoreEnv, createStoreFromEnv } from '../src/store-from-env.ts';
import { joinRoom, signIn } from './helpers.ts';

let unlock: (() => void) | undefined;
beforeAll(async () => {
  if (!noRedis) unlock = await lockRedis();
}, 120_000);
afterAll(() => unlock?.());

const redisPrefix = uniquePrefix('chat');
const natsStream = `ssekit_chat_test_${process.pid}_${Date.now().toString(36)}`;
const pgPrefix = `ssekit_chat_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
afterAll(() => deleteKeys(redisPrefix));
afterAll(() => (noNats ? undefined : deleteStream(natsStream)));
afterAll(async () => {
  if (noPostgres) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE $1",
      [`${pgPrefix}%`],
    );
    for (const { name } of rows) await client.query(`DROP TABLE IF EXISTS "${name}" CASCADE`);
  } finally {
    await client.end();
  }
});

/** Every shared engine the chat can run on, chosen the way `npm run example:chat` chooses it: from the environment. */
const ENGINES: readonly { name: string; skip: boolean; env: ChatStoreEnv }[] = [
  { name: 'Redis', skip: noRedis, env: { REDIS_URL, STORE_PREFIX: redisPrefix } },
  { name: 'NATS JetStream', skip: noNats, env: { NATS_URL, STORE_PREFIX: natsStream } },
  { name: 'PostgreSQL', skip: noPostgres, env: { DATABASE_URL, STORE_PREFIX: pgPrefix } },
];

describe.each(ENGINES)('chat: two instances on $name', ({ name, skip, env }) => {
  it.skipIf(skip)(
    'a message posted on B reaches a client on A; a client moving to B after A is gone resumes with Last-Event-ID',
    async () => {
      const chosen = await Promise.all([1, 2].map(() => createStoreFromEnv(env)));
      for (const { engine } of chosen) expect(engine).toBe(name);
      const stores = chosen.map(({ store }) => store);
      // One secret for both instances: a name cookie signed by one is valid on the other.
      const secret = 'one secret for every instance';
      const [a, b] = await Promise.all(stores.map((store) => startChat({ store, secret })));
      if (!a || !b) throw new Error('two instances expected');
      let aClosed = false;
      try {
        const cookie = await signIn(a, 'bo');
        // Resolves once the stream is live (its roster arrived).
        const onA = await joinRoom(a, 'lobby');
        const post = async (app: typeof a, text: string) => {
          const response = await fetch(`${app.url}/rooms/lobby/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', cookie },
            body: JSON.stringify({ text }),
          });
          expect(response.status).toBe(201);
          return ((await response.json()) as { id: string }).id;
        };
        const viaB = await post(b, 'via B');
        await onA.waitFor((events) => events.some((e) => e.id === viaB), 10_000);
        const last = onA.events.filter((e) => e.id !== undefined).at(-1)?.id as string;
        const missed = [await post(a, 'missed 1'), await post(b, 'missed 2')];
        // Instance A goes away (its store too); the client comes back on B with the last id it saw.
        onA.close();
        await a.close();
        await stores[0]?.close();
        aClosed = true;
        const onB = await openStream(`${b.url}/rooms/lobby/events`, { lastEventId: last });
        await onB.waitFor((events) => dataOf(events, 'message').length >= 2, 10_000);
        expect(onB.events.filter((e) => e.event === 'message').map((e) => e.id)).toEqual(missed);
        expect(dataOf<{ text: string }>(onB.events, 'message').map((m) => m.text)).toEqual(['missed 1', 'missed 2']);
        onB.close();
      } finally {
        await Promise.all([aClosed ? undefined : a.close(), b.close()]);
        await Promise.all(stores.slice(aClosed ? 1 : 0).map((store) => store.close()));
      }
    },
    60_000,
  );
});
