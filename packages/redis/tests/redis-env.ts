import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** The real Redis these tests talk to: loopback, default port (CI starts one; locally the tests skip without it). */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** The command that (re)starts the test Redis: loopback only, no persistence. */
export const REDIS_START_ARGS = [
  '--daemonize',
  'yes',
  '--bind',
  '127.0.0.1',
  '-::1',
  '--port',
  '6379',
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  '/var/lib/redis',
  '--logfile',
  '/var/log/redis/ci.log',
];

async function ping(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Whether Redis answered at load time. */
export const redisUp = await ping();

/**
 * Skip Redis tests only locally: in CI (`CI` set) they run and fail when Redis is unreachable.
 * Use as `it.skipIf(noRedis)(…)`.
 */
export const noRedis = !redisUp && !process.env.CI;
if (noRedis) {
  console.warn(
    '\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
      '!!  Redis is NOT reachable at 127.0.0.1:6379: the @ssekit/redis tests are SKIPPED.\n' +
      `!!  Start it: redis-server ${REDIS_START_ARGS.join(' ')}\n` +
      '!!  (In CI, with CI set, these tests fail instead of skipping.)\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
  );
}

/** A key prefix unique to this test run. */
export function uniquePrefix(name: string): string {
  return `ssekit-test:${name}:${process.pid}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes every key under `prefix:` (SCAN, never KEYS) on the test Redis (or `url`). */
export async function deleteKeys(prefix: string, url = REDIS_URL): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Redis down: nothing to clean (a restarted Redis without persistence is empty).
  } finally {
    client.disconnect();
  }
}

/** Starts Redis unless it answers; waits until it does (bounded). */
export async function ensureRedisRunning(timeoutMs = 10_000): Promise<void> {
  if (await ping()) return;
  try {
    execFileSync('redis-server', REDIS_START_ARGS, { stdio: 'ignore' });
  } catch {
    // it may be starting already; the wait below decides
  }
  const deadline = Date.now() + timeoutMs;
  while (!(await ping())) {
    if (Date.now() > deadline) throw new Error('Redis did not come back within the bound');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const LOCK_DIR = join(tmpdir(), 'ssekit-redis-tests.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs this test file's Redis tests alone: vitest runs files in parallel, and some of them count connections or keys
 * on the shared Redis (destructive tests run their own redis-server, see own-redis.ts). A lock
 * directory (mkdir is atomic) holds the owner's pid; a lock whose owner died is taken over. Resolves with its release.
 */
export async function lockRedis(timeoutMs = 110_000): Promise<() => void> {
  const release = await acquire(timeoutMs);
  // A restart by another run (not under this lock) may still be under way: wait for Redis, bounded.
  await ensureRedisRunning();
  return release;
}

async function acquire(timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      return () => rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
      } catch {
        // the owner has not written its pid yet
      }
      if (Number.isInteger(owner) && owner !== process.pid && !alive(owner)) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another Redis test file held ${LOCK_DIR} for ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
