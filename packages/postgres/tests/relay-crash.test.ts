import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createPostgresStore, publishInTransaction } from '@ssekit/postgres';
import { createHub } from '@ssekit/server/broadcast';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, openStream } from '../../server/tests/broadcast-helpers.ts';
import { feedContract } from './fixtures/feed-contract.ts';
import { createSchema, DATABASE_URL, dropSchema, noPostgres } from './pg-env.ts';

let pool: pg.Pool;
let schema: string | undefined;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL });
  if (!noPostgres) schema = await createSchema(pool, 'crash');
});
afterAll(async () => {
  if (schema) await dropSchema(pool, schema);
  await pool.end();
});

const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts a relay instance in a child process; resolves with its URL once it serves. */
async function startRelay(table: string): Promise<{ url: string; kill: () => Promise<void> }> {
  const fixture = fileURLToPath(new URL('./fixtures/relay.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@ssekit/source', '--import', 'tsx', fixture], {
    env: { ...process.env, DATABASE_URL, TABLE: table },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the relay did not start within 20 s')), 20_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const parsed = JSON.parse(line) as { ready?: number };
      if (parsed.ready) {
        clearTimeout(timer);
        resolve(parsed.ready);
      }
    });
    child.once('exit', (code) => reject(new Error(`the relay exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/feeds/f/events`,
    kill: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      children.delete(child);
    },
  };
}

async function commitPublish(hub: Parameters<typeof publishInTransaction>[1], n: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const receipt = await publishInTransaction(client, hub, { feed: 'f' }, 'tick', { src: 'app', n });
    await client.query('COMMIT');
    return receipt;
  } finally {
    client.release();
  }
}

describe('relay killed right after a commit', () => {
  it.skipIf(noPostgres)(
    'the event reaches the client exactly once: from the relay before it died, or by replay from the restarted one',
    async () => {
      const table = `${schema}.events`;
      // The application: publishes in its own transactions; it serves no subscriber.
      const appStore = await createPostgresStore({ pool, table, onError: () => {} });
      const app = createHub(feedContract.feed, { store: appStore });
      try {
        for (let round = 0; round < 3; round++) {
          const relay = await startRelay(table);
          const lastId = round === 0 ? undefined : (await appStore.head(app.topicOf({ feed: 'f' }))).position;
          const stream = await openStream(relay.url, {
            ...(lastId ? { lastEventId: `${appStore.epoch}-${lastId.ms}-0` } : {}),
          });
          const first = await commitPublish(app, round * 10);
          await stream.waitFor((events) => events.some((e) => e.id === first.id), 5000, 'the first event');
          // Round 0: the relay dies first and the event is committed while no relay runs (only the restarted one can
          // deliver it). Later rounds: commit, then kill the relay at once (it may or may not have delivered it).
          let second: Awaited<ReturnType<typeof commitPublish>>;
          if (round === 0) {
            await relay.kill();
            second = await commitPublish(app, round * 10 + 1);
          } else {
            second = await commitPublish(app, round * 10 + 1);
            await relay.kill();
          }
          await stream.ended;
          if (round === 0) expect(stream.events.some((e) => e.id === second.id)).toBe(false);
          const before = stream.events.filter((e) => e.event === 'tick');
          // A restarted relay; the client resumes from the last id it got.
          const restarted = await startRelay(table);
          const resumed = await openStream(restarted.url, { lastEventId: before.at(-1)?.id as string });
          const third = await commitPublish(app, round * 10 + 2);
          await resumed.waitFor((events) => events.some((e) => e.id === third.id), 5000, 'the third event');
          resumed.close();
          await restarted.kill();
          const ids = [...before, ...resumed.events.filter((e) => e.event === 'tick')].map((e) => e.id);
          expect(ids.filter((id) => id === second.id)).toHaveLength(1);
          expect(ids.slice(-2)).toEqual([second.id, third.id]);
          expect(new Set(ids).size).toBe(ids.length);
          expect(resumed.events.some((e) => e.event === 'reset')).toBe(false);
          expect(dataOf<{ n: number }>(resumed.events, 'tick').at(-1)?.n).toBe(round * 10 + 2);
        }
      } finally {
        await appStore.close();
      }
    },
    60_000,
  );
});
