import pg from 'pg';

/** The shared PostgreSQL these tests use: loopback, database `test`, trust auth. */
export const DATABASE_URL = process.env.SSEKIT_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function answers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Whether PostgreSQL answered at load time. */
export const postgresUp = await answers();

/** Skip PostgreSQL tests only locally: in CI (`CI` set) they run and fail when PostgreSQL is unreachable. */
export const noPostgres = !postgresUp && !process.env.CI;
if (noPostgres) {
  console.warn(
    '\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
      `!!  PostgreSQL is NOT reachable at ${DATABASE_URL}: the @ssekit/postgres tests are SKIPPED.\n` +
      '!!  Start it: pg_ctlcluster <version> main start (trust auth, database test)\n' +
      '!!  (In CI, with CI set, these tests fail instead of skipping.)\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
  );
}

/** A schema of the test's own: `<schema>.events` is a table name for the store. Drop it with {@link dropSchema}. */
export async function createSchema(pool: pg.Pool, name: string): Promise<string> {
  const schema = `ssekit_t_${name}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  await pool.query(`CREATE SCHEMA ${schema}`);
  return schema;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}
