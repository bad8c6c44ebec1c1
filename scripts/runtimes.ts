import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

/** The repository root (this file is in `scripts/`). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The runtimes the tests start besides Node. Each comes from the npm registry as a pinned root devDependency
 * (`bun`, `deno`, `miniflare` with its `workerd`, `next`), so `npm ci` brings them; nothing is downloaded at test time.
 */
export type Runtime = 'bun' | 'deno' | 'workerd' | 'next';

const BINARIES: Record<Runtime, string> = {
  bun: 'node_modules/.bin/bun',
  deno: 'node_modules/.bin/deno',
  workerd: 'node_modules/.bin/workerd',
  next: 'node_modules/.bin/next',
};

/**
 * The path of a runtime's executable inside the repository's node_modules.
 *
 * @example
 * ```ts
 * spawn(runtimeBinary('bun'), ['--version']);
 * ```
 */
export function runtimeBinary(runtime: Runtime): string {
  return `${REPO_ROOT}${BINARIES[runtime]}`;
}

const versions = new Map<Runtime, string | undefined>();

/**
 * The runtime's version line (`bun --version` …), or `undefined` when it is not installed or does not run here.
 *
 * @example
 * ```ts
 * runtimeVersion('deno'); // 'deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu)'
 * ```
 */
export function runtimeVersion(runtime: Runtime): string | undefined {
  if (versions.has(runtime)) return versions.get(runtime);
  let version: string | undefined;
  const binary = runtimeBinary(runtime);
  if (existsSync(binary)) {
    try {
      version = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000, cwd: REPO_ROOT })
        .trim()
        .split('\n')[0];
    } catch {
      version = undefined;
    }
  }
  versions.set(runtime, version);
  return version;
}

/**
 * Whether the tests of a runtime can run. Under `CI` a missing runtime throws (the tests fail, never skip); locally it
 * warns loudly and the caller skips.
 *
 * @example
 * ```ts
 * const hasBun = runtimeAvailable('bun', 'the conformance suite on Bun');
 * describe.skipIf(!hasBun)('on Bun', () => { … });
 * ```
 */
export function runtimeAvailable(runtime: Runtime, what: string): boolean {
  if (runtimeVersion(runtime) !== undefined) return true;
  const message = `${runtimeBinary(runtime)} is missing or does not run (npm ci installs it)`;
  if (process.env.CI) throw new Error(`${message}: ${what} must run in CI`);
  console.warn(`\n!!! ${message}: SKIPPING ${what} (they fail under CI) !!!\n`);
  return false;
}

/** A server process started by a test. */
export interface HostProcess {
  /** The base URL the process printed (`listening on <url>`). */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within 5 s; resolves with the exit code (or signal name). */
  stop(): Promise<number | string | null>;
}

/** What {@link startHostProcess} runs. */
export interface HostProcessOptions {
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bound on the start, until the `listening on` line. Default 60 s. */
  timeoutMs?: number;
  /** What marks the process ready, its first group the base URL. Default: a `listening on <url>` line. */
  ready?: RegExp;
}

/**
 * Spawns a server process and resolves once it prints `listening on <url>`. Its stdin is a pipe held by this process,
 * so hosts that watch stdin (see the conformance hosts) exit when the test process is gone.
 *
 * @example
 * ```ts
 * const host = await startHostProcess({ command: runtimeBinary('bun'), args: ['serve.ts'] });
 * await fetch(`${host.url}/events`);
 * await host.stop();
 * ```
 */
export function startHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const stop = async (): Promise<number | string | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode ?? child.signalCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${options.command} did not get ready within the bound:\n${out}`));
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = (options.ready ?? /listening on (https?:\/\/[^\s/]+)/).exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], child, output: () => out, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.command} exited (${code}) before listening:\n${out}`));
    });
  });
}

/**
 * Resolves with a free TCP port on 127.0.0.1 (for servers that cannot be told to pick one, like `next start`).
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Builds a Next.js app (`next build`, bounded) with the Node running this process; rejects with the build output.
 *
 * @example
 * ```ts
 * await nextBuild('examples/next');
 * const app = await nextStart('examples/next');
 * ```
 */
export function nextBuild(appDir: string, args: readonly string[] = [], timeoutMs = 240_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NEXT_CLI, 'build', ...args], {
      cwd: `${REPO_ROOT}${appDir}`,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`next build in ${appDir} failed (${code}):\n${out}`));
    });
  });
}

/**
 * Starts a built Next.js app with `next start` on 127.0.0.1 and a free port, with the Node running this process.
 *
 * @example
 * ```ts
 * const app = await nextStart('examples/next');
 * ```
 */
export async function nextStart(appDir: string): Promise<HostProcess> {
  const port = await freePort();
  return startHostProcess({
    command: process.execPath,
    args: [NEXT_CLI, 'start', '--hostname', '127.0.0.1', '--port', String(port)],
    cwd: `${REPO_ROOT}${appDir}`,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    ready: /Local:\s+(https?:\/\/[^\s/]+)[\s\S]*Ready/,
  });
}

const NEXT_CLI = `${REPO_ROOT}node_modules/next/dist/bin/next`;

/**
 * Arguments that run a TypeScript entry from the sources (the `@ssekit/source` condition) on Bun or Deno.
 *
 * @example
 * ```ts
 * spawn(runtimeBinary('deno'), runtimeArgs('deno', 'packages/client/tests/runtimes/main.ts'));
 * ```
 */
export function runtimeArgs(runtime: 'bun' | 'deno', entry: string, extra: readonly string[] = []): string[] {
  if (runtime === 'bun') return ['--conditions=@ssekit/source', entry, ...extra];
  // Deno: the sources import siblings as `./x.js` (TypeScript's NodeNext style), which Deno resolves to `./x.ts` only
  // with --sloppy-imports. Permissions: the network to loopback only, and the environment (PORT, PREFIX, REDIS_URL).
  return [
    'run',
    '--sloppy-imports',
    '--conditions=@ssekit/source',
    '--no-lock',
    '--allow-net=127.0.0.1',
    '--allow-env',
    entry,
    ...extra,
  ];
}

/** The compatibility date the Workers tests run with (workerd supports dates up to its own release). */
export const WORKER_COMPATIBILITY_DATE = '2026-07-01';

/**
 * `enable_request_signal`: without it workerd never aborts `request.signal` when the client disconnects, and never
 * cancels the response body either, so nothing tells a stream its client left (see the README's runtime table).
 */
export const WORKER_COMPATIBILITY_FLAGS = ['enable_request_signal'];

/** esbuild options shared by the bundles the tests build from the repository's TypeScript sources. */
const SOURCE_BUNDLE: BuildOptions = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  mainFields: ['module', 'main'],
  logLevel: 'silent',
};

/**
 * Bundles a Worker module with esbuild, from the sources (the `@ssekit/source` condition), as Wrangler would.
 *
 * @example
 * ```ts
 * new Miniflare({ modules: true, script: await bundleWorker('src/worker.ts') });
 * ```
 */
export async function bundleWorker(entry: string): Promise<string> {
  const result = await build({
    ...SOURCE_BUNDLE,
    entryPoints: [`${REPO_ROOT}${entry}`],
    write: false,
    platform: 'neutral',
    conditions: ['@ssekit/source', 'workerd', 'worker', 'browser'],
  });
  const file = result.outputFiles?.[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry}`);
  return file.text;
}

/**
 * Bundles a module and its dependencies (from the sources, the `@ssekit/source` condition) into one ES module file
 * for Node, e.g. for a Next.js app whose bundler cannot read the sources.
 *
 * @example
 * ```ts
 * await bundleModule('src/host.ts', 'app/generated/host.mjs');
 * ```
 */
export async function bundleModule(entry: string, outfile: string): Promise<void> {
  await build({
    ...SOURCE_BUNDLE,
    entryPoints: [`${REPO_ROOT}${entry}`],
    outfile: `${REPO_ROOT}${outfile}`,
    platform: 'node',
    conditions: ['@ssekit/source'],
  });
}

/** What a process printed and how it exited. */
export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a process to its end (SIGKILL after `timeoutMs`); resolves with its output and exit code.
 *
 * @example
 * ```ts
 * const { code, stdout } = await runProcess(runtimeBinary('bun'), ['--version']);
 * ```
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
