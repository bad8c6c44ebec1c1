import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bench/ folder. */
export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

/** Soft file-descriptor limit for children: 65536, or the hard limit when that is lower. */
const NOFILE = 65_536;

/** The Node.js binary that runs a child: its path and `--version`. */
export interface NodeRuntime {
  path: string;
  version: string;
}

let serverNode: NodeRuntime = { path: process.execPath, version: process.version };

/**
 * The Node.js binary every server child (parts A, B, D: every implementation alike) runs on; the runner's own by
 * default, another one after {@link useServerNode} (`--node`).
 */
export function serverRuntime(): NodeRuntime {
  return serverNode;
}

/** Runs every server child started from now on with the `node` binary at `path`; returns its version. */
export function useServerNode(path: string): NodeRuntime {
  const version = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  serverNode = { path, version };
  return serverNode;
}

export interface ChildOptions {
  /** Script path relative to bench/ (run through tsx), or an absolute `.mjs` path (run by plain node). */
  script: string;
  /** The `node` binary to run it with; default the runner's own (`process.execPath`). */
  node?: string;
  args?: string[];
  label: string;
  exposeGc?: boolean;
  /** Write a V8 CPU profile of the child into this directory. */
  cpuProfDir?: string;
  /** How long to wait for the child's `ready`. */
  startTimeoutMs?: number;
}

/** A child that reported why it could not start (e.g. a competitor that does not run on this Node). */
export class ChildStartError extends Error {
  readonly reason: string;
  constructor(label: string, reason: string) {
    super(`${label} could not start: ${reason}`);
    this.name = 'ChildStartError';
    this.reason = reason;
  }
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/**
 * A benchmark child process (server or client) speaking the command protocol of `child.ts` over IPC.
 * Started through `bash -c 'ulimit -n …; exec node …'` so it can hold thousands of sockets.
 */
export class BenchChild {
  readonly label: string;
  readonly process: ChildProcess;
  readonly ready: Record<string, unknown>;
  #nextId = 1;
  #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #exited = false;

  private constructor(label: string, child: ChildProcess, ready: Record<string, unknown>) {
    this.label = label;
    this.process = child;
    this.ready = ready;
    child.on('message', (raw) => {
      const reply = raw as Reply;
      const waiter = this.#pending.get(reply.id);
      if (!waiter) return;
      this.#pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`${label}: ${reply.error}`));
    });
    child.once('exit', (code, signal) => {
      this.#exited = true;
      for (const waiter of this.#pending.values()) {
        waiter.reject(new Error(`${label} exited (code ${code}, signal ${signal}) with a command pending`));
      }
      this.#pending.clear();
    });
  }

  static start(options: ChildOptions): Promise<BenchChild> {
    const bundled = options.script.endsWith('.mjs');
    const nodeArgs = [
      ...(bundled ? [] : ['--conditions=@ssekit/source', '--import', 'tsx']),
      ...(options.exposeGc ? ['--expose-gc'] : []),
      ...(options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
      bundled ? options.script : join(BENCH_DIR, options.script),
      ...(options.args ?? []),
    ];
    const raiseLimit = `h=$(ulimit -Hn); if [ "$h" = unlimited ] || [ "$h" -gt ${NOFILE} ]; then h=${NOFILE}; fi; ulimit -n "$h"; exec "$@"`;
    const child = spawn('bash', ['-c', raiseLimit, 'bash', options.node ?? process.execPath, ...nodeArgs], {
      cwd: BENCH_DIR,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${options.label}: not ready within ${options.startTimeoutMs ?? 20_000} ms`));
      }, options.startTimeoutMs ?? 20_000);
      timer.unref();
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${options.label}: exited with code ${code} before it was ready`));
      };
      child.once('exit', onExit);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('message', (raw) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        const first = raw as Reply;
        if (!first.ok) {
          child.kill('SIGKILL');
          reject(new ChildStartError(options.label, first.error ?? 'unknown error'));
          return;
        }
        resolve(new BenchChild(options.label, child, (raw as Reply).result as Record<string, unknown>));
      });
    });
  }

  /** Sends a command and waits for its reply, at most `timeoutMs`. */
  request<T>(cmd: string, body: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    if (this.#exited) return Promise.reject(new Error(`${this.label} has exited`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.label}: no reply to ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.process.send({ id, cmd, ...body });
    });
  }

  /** Asks the child to exit; kills it if it has not within `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.#exited || this.process.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    try {
      this.process.send({ id: -1, cmd: 'exit' });
    } catch {
      // channel already closed: the kill timer below handles it
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    timer.unref();
    await exited;
    clearTimeout(timer);
  }
}

/** Stops every child, never throwing. */
export async function stopAll(children: readonly (BenchChild | undefined)[]): Promise<void> {
  await Promise.all(children.map((child) => child?.stop().catch(() => {})));
}
