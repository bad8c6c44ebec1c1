import { createRedisReplayStore } from '@ssekit/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys, lockRedis, noRedis, REDIS_URL, uniquePrefix } from '../../../packages/redis/tests/redis-env.ts';
import { dataOf, openStream } from '../../../packages/server/tests/broadcast-helpers.ts';
import { startChat } from '../src/app.ts';
import { joinRoom, signIn } from './helpers.ts';

const prefix = uniquePrefix('chat');
let unlock: (() => void) | undefined;
beforeAll(async () => {
  if (!noRedis) unlock = await lockRedis();
}, 120_000);
afterAll(() => unlock?.());
afterAll(() => deleteKeys(prefix));

describe('chat: two instances behind one Redis', () => {
  it.skipIf(noRedis)(
    'a message posted on B reaches a client on A; a client moving to B resumes with Last-Event-ID',
    async () => {
      const stores = await Promise.all([1, 2].map(() => createRedisReplayStore({ url: REDIS_URL, prefix })));
      // One secret for both instances: a name cookie signed by one is valid on the other.
      const secret = 'one secret for every instance';
      const [a, b] = await Promise.all(stores.map((store) => startChat({ store, secret })));
      if (!a || !b) throw new Error('two instances expected');
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
        await onA.waitFor((events) => events.some((e) => e.id === viaB));
        const last = onA.events.filter((e) => e.id !== undefined).at(-1)?.id as string;
        onA.close();
        const missed = [await post(a, 'missed 1'), await post(b, 'missed 2')];
        const onB = await openStream(`${b.url}/rooms/lobby/events`, { lastEventId: last });
        await onB.waitFor((events) => dataOf(events, 'message').length >= 2);
        expect(onB.events.filter((e) => e.event === 'message').map((e) => e.id)).toEqual(missed);
        expect(dataOf<{ text: string }>(onB.events, 'message').map((m) => m.text)).toEqual(['missed 1', 'missed 2']);
        onB.close();
      } finally {
        await Promise.all([a.close(), b.close()]);
        await Promise.all(stores.map((store) => store.close()));
      }
    },
    30_000,
  );
});
