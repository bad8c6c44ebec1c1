import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../../scripts/runtimes.ts';

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

/** Where Debian puts the server binaries (`initdb`, `postgres`) of the installed major version. */
function serverBinDir(): string | undefined {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : undefined;
}

/** The server binaries for a private PostgreSQL, or undefined (the outage cases then fail in CI, skip locally). */
export const PG_BIN_DIR = serverBinDir();

/** A PostgreSQL server of the test's own: a fresh cluster in a temp dir on a spare loopback port. */
export class PrivatePostgres {
  readonly url: string;
  #child: ChildProcess | undefined;
  readonly #dir: string;
  readonly #port: number;
  readonly #owner: { uid: number; gid: number } | undefined;

  private constructor(dir: string, port: number, owner: { uid: number; gid: number } | undefined) {
    this.#dir = dir;
    this.#port = port;
    this.#owner = owner;
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  /** initdb (as the `postgres` user when running as root: PostgreSQL refuses root), then start. */
  static async start(): Promise<PrivatePostgres> {
    if (!PG_BIN_DIR) throw new Error('no PostgreSQL server binaries (set PG_BIN_DIR)');
    const dir = mkdtempSync(join(tmpdir(), 'ssekit-pg-'));
    let owner: { uid: number; gid: number } | undefined;
    if (process.getuid?.() === 0) {
      owner = {
        uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
        gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
      };
      chownSync(dir, owner.uid, owner.gid);
    }
    execFileSync(join(PG_BIN_DIR, 'initdb'), ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync'], {
      stdio: 'ignore',
      ...(owner ?? {}),
    });
    const server = new PrivatePostgres(dir, await freePort(), owner);
    await server.start();
    return server;
  }

  /** Starts (or restarts) the server; resolves once it answers (bounded). */
  async start(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const child = spawn(
        join(PG_BIN_DIR as string, 'postgres'),
        ['-D', join(this.#dir, 'data'), '-p', String(this.#port), '-k', this.#dir, '-c', 'listen_addresses=127.0.0.1'],
        { stdio: 'ignore', ...(this.#owner ?? {}) },
      );
      this.#child = child;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      while (Date.now() < deadline && child.exitCode === null) {
        if (await answersAt(this.url)) return;
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 100))]);
      }
      // It exited (e.g. the old postmaster's backends still held its shared memory): try again, bounded.
      if (Date.now() >= deadline) throw new Error(`the private PostgreSQL on ${this.#port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** An immediate shutdown (SIGQUIT): no checkpoint, every connection cut, as a crash; restart does recovery. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGQUIT');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

async function answersAt(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 500 });
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
