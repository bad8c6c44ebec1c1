import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** Debian's Redis server binary (`REDIS_SERVER` overrides it): the private servers (outage, restart, cluster) run it. */
export const REDIS_SERVER_BIN = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

function hasRedisServer(): boolean {
  if (!existsSync(REDIS_SERVER_BIN)) return false;
  try {
    return /v=(\d+)/.test(execFileSync(REDIS_SERVER_BIN, ['--version'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}

/** The major version of the installed redis-server (0 when missing). */
export const redisServerMajor = (() => {
  if (!hasRedisServer()) return 0;
  const match = /v=(\d+)/.exec(execFileSync(REDIS_SERVER_BIN, ['--version'], { encoding: 'utf8' }));
  return Number(match?.[1] ?? 0);
})();

/**
 * Skip the private-server tests only locally: in CI (`CI` set) they run and fail when redis-server is missing.
 * Use as `it.skipIf(noRedisServer)(…)`.
 */
export const noRedisServer = redisServerMajor === 0 && !process.env.CI;
if (noRedisServer) {
  console.warn(
    '\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
      `!!  ${REDIS_SERVER_BIN} is NOT installed: the private Redis (outage, Cluster) tests are SKIPPED.\n` +
      '!!  Install it: apt-get install redis-server   (In CI, with CI set, these tests fail instead.)\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
  );
}

/** A loopback TCP port free right now (the OS picks it). */
export async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Whether a Redis on this loopback port answers PING (bounded: one 500 ms connect attempt). */
export async function pingPort(port: number): Promise<boolean> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    retryStrategy: () => null,
    connectTimeout: 500,
  });
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

/** One redis-server process this test started: on a spare loopback port, in its own temp directory. */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: readonly string[],
  ) {}

  /** Starts a redis-server on a spare loopback port; `args` are extra config (e.g. `--appendonly yes`). */
  static async start(args: readonly string[] = [], dir?: string): Promise<PrivateRedis> {
    const home = dir ?? mkdtempSync(join(tmpdir(), 'ssekit-redis-'));
    mkdirSync(home, { recursive: true });
    const server = new PrivateRedis(await sparePort(), home, args);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** (Re)starts the process on the same port and directory; resolves once it answers PING (bounded). */
  async start(timeoutMs = 10_000): Promise<void> {
    if (this.child) return;
    const child = spawn(
      REDIS_SERVER_BIN,
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--protected-mode',
        'no',
        '--logfile',
        join(this.dir, 'redis.log'),
        ...this.args,
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    const deadline = Date.now() + timeoutMs;
    while (!(await pingPort(this.port))) {
      if (!this.child) throw new Error(`redis-server on port ${this.port} exited at start (see ${this.dir}/redis.log)`);
      if (Date.now() > deadline)
        throw new Error(`redis-server on port ${this.port} did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Kills the process (SIGKILL: a crash, nothing flushed beyond what its config already made durable). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }

  /** Kills the process and removes its directory. */
  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
