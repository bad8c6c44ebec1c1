import { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from '@ssekit/postgres';
import type { ReplayStore } from '@ssekit/server/broadcast';
import pg from 'pg';
import { afterAll } from 'vitest';
import { describeReplayStore } from '../../server/tests/store-conformance.ts';
import { DATABASE_URL, noPostgres, PG_BIN_DIR, PrivatePostgres } from './pg-env.ts';

// The shared PostgreSQL (database `test`) for every case but the outage, which kills a private server of its own.
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 30 });
pool.on('error', () => {});
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
  await pool.end();
});

/** Where each store under test lives, so a second instance can join it. */
const backendOf = new WeakMap<ReplayStore, { connectionString: string; table: string }>();
let counter = 0;

async function open(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const connectionString = options.connectionString ?? DATABASE_URL;
  let table = options.table;
  if (!table) {
    const schema = `ssekit_conf_${process.pid}_${Date.now().toString(36)}_${counter++}`;
    const admin = connectionString === DATABASE_URL ? pool : new pg.Pool({ connectionString, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    if (admin !== pool) await admin.end();
    else schemas.push(schema);
    table = `${schema}.events`;
  }
  const store = await createPostgresStore({ onError: () => {}, ...options, connectionString, table });
  backendOf.set(store, { connectionString, table });
  return store;
}

let privatePostgres: PrivatePostgres | undefined;
afterAll(async () => {
  await privatePostgres?.destroy();
});

describeReplayStore('PostgreSQL', {
  skip: noPostgres && `PostgreSQL is not reachable at ${DATABASE_URL}`,
  create: () => open(),
  second: (first) => open({ ...backendOf.get(first) }),
  retention: {
    maxEvents: (maxEvents) => open({ retention: { maxEvents } }),
    maxAgeMs: (maxAgeMs) => open({ retention: { maxAgeMs } }),
    maxBytes: (maxBytes) => open({ retention: { maxBytes } }),
  },
  ...(!PG_BIN_DIR && !process.env.CI
    ? {}
    : {
        outage: {
          // Committed transactions survive a crash (WAL): nothing acknowledged is lost.
          durable: true,
          async create() {
            privatePostgres ??= await PrivatePostgres.start();
            return open({ connectionString: privatePostgres.url, commandTimeoutMs: 1000, pollIntervalMs: 500 });
          },
          stop: async () => privatePostgres?.kill(),
          start: async () => privatePostgres?.start(),
        },
      }),
});
