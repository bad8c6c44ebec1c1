import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pingPort, REDIS_SERVER_BIN, sparePort } from './redis-server.ts';

export { noRedisServer, sparePort } from './redis-server.ts';

/**
 * A private redis-server for destructive tests (restart, kill, outage): started by the test on a spare loopback port,
 * without persistence, in a temporary directory; never the machine's shared Redis.
 */
export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  /** Pid of the process that owns the running server (a watchdog shell; undefined while stopped). */
  readonly pid: number | undefined;
  /** Stops the server as `SHUTDOWN NOSAVE` would (SIGTERM, no persistence configured): it comes back empty. */
  shutdown(): Promise<void>;
  /** Starts it again on the same port; resolves once it answers PING. */
  start(): Promise<void>;
  /** Stops the server for good and removes its directory. */
  stop(): Promise<void>;
}

/** `sh -c WATCHDOG redis-server args…`: runs the server until stdin closes, then stops it and waits for it. */
const WATCHDOG = '"$0" "$@" & server=$!; cat >/dev/null; kill $server 2>/dev/null; wait $server';

const running = new Set<ChildProcess>();
// Whatever happens to the test, leave no redis-server of ours behind (the watchdog stops it once its stdin closes).
process.once('exit', () => {
  for (const child of running) child.stdin?.destroy();
});

/**
 * Starts a private redis-server on a spare loopback port; `stop()` it in `afterAll`.
 *
 * @example
 * ```ts
 * const redis = await startOwnRedis();
 * afterAll(() => redis.stop());
 * const store = await createRedisReplayStore({ url: redis.url });
 * ```
 */
export async function startOwnRedis(timeoutMs = 10_000): Promise<OwnRedis> {
  const port = await sparePort();
  const dir = mkdtempSync(join(tmpdir(), 'ssekit-own-redis-'));
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    if (child) return;
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    // Through a small shell that stops the server when its stdin closes: when this process dies without running its
    // exit hooks (SIGKILL, e.g. a test runner's timeout), the pipe closes and the server goes with it.
    const spawned = spawn('/bin/sh', ['-c', WATCHDOG, REDIS_SERVER_BIN, ...args], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    spawned.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child = spawned;
    running.add(spawned);
    spawned.once('exit', () => {
      running.delete(spawned);
      if (child === spawned) child = undefined;
    });
    const deadline = Date.now() + timeoutMs;
    while (!(await pingPort(port))) {
      if (child !== spawned) throw new Error(`redis-server on port ${port} exited at start: ${stderr.trim()}`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function shutdown(): Promise<void> {
    const current = child;
    if (!current) return;
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()));
    // Closing the watchdog's stdin sends the server SIGTERM (without persistence: it comes back empty).
    current.stdin?.end();
    const timer = setTimeout(() => current.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    shutdown: () => shutdown(),
    start,
    async stop() {
      await shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
