import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '@ssekit/server/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type HostProcess, REPO_ROOT, runProcess, startHostProcess } from '../../../scripts/runtimes.ts';
import { startKtorParity } from '../src/app.ts';

/** The raw bytes of a response, undecoded, with its headers. */
function raw(
  url: string,
  headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br' },
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A running example, however it was started. */
interface RunningExample {
  url: string;
  close(): Promise<void>;
}

/** How the shared checks start an example. */
export interface SameWireOptions {
  /**
   * Starts the example in this process (the Node examples). Without it, the example runs as its package's `start`
   * script (what `npm run example:<name>` runs), in its own runtime, on a free `PORT`.
   */
  start?: (options: { port: number }) => Promise<RunningExample>;
  /** False when the example's runtime is missing locally: skipped, loudly (never under CI). */
  available?: boolean;
  /** Runs the package's `build` script (bounded) before its start script, as `npm run example:<name>` does. */
  build?: boolean;
  /** The line that says the server is up, its first group the base URL. Default: `listening on <url>`. */
  ready?: RegExp;
  /** The exit code after SIGTERM. Default 0 (runExample closes and exits); miniflare and `next start` exit 128 + 15. */
  exitCodeOnSigterm?: number;
}

/**
 * The command line of an example's `start` (or `build`) script, as this test runs it: `tsx …` through this Node
 * (`--import tsx`), any other command from the repository's `node_modules/.bin`. The script is plain words (no shell
 * syntax), so the tested command is exactly the one `npm run example:<name>` runs.
 */
function scriptCommand(exampleDir: URL, script: 'start' | 'build'): { command: string; args: string[] } {
  const pkg = JSON.parse(readFileSync(new URL('package.json', exampleDir), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const line = pkg.scripts[script] ?? '';
  const [bin, ...args] = line.split(/\s+/);
  if (!bin || /[&|;$<>]/.test(line)) throw new Error(`${script} script is not a plain command: ${line}`);
  if (bin === 'tsx') return { command: process.execPath, args: ['--import', 'tsx', ...args] };
  return { command: `${REPO_ROOT}node_modules/.bin/${bin}`, args };
}

async function runBuild(exampleDir: URL): Promise<void> {
  const { command, args } = scriptCommand(exampleDir, 'build');
  const run = await runProcess(command, args, {
    cwd: fileURLToPath(exampleDir),
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    timeoutMs: 240_000,
  });
  if (run.code !== 0)
    throw new Error(`build of ${exampleDir.pathname} failed (${run.code}):\n${run.stdout}\n${run.stderr}`);
}

async function startScript(exampleDir: URL, options: SameWireOptions, port: number): Promise<HostProcess> {
  const { command, args } = scriptCommand(exampleDir, 'start');
  return startHostProcess({
    command,
    args,
    cwd: fileURLToPath(exampleDir),
    env: { ...process.env, PORT: String(port) },
    timeoutMs: 60_000,
    ...(options.ready ? { ready: options.ready } : {}),
  });
}

/**
 * The checks every example of the seed routes shares: the same bytes on the wire as the node:http example for each
 * seed route, the same 400 problem, and its `start` script (`npm run example:<name>`) starting on `PORT` and stopping
 * cleanly on SIGTERM.
 */
export function describeSameWireAsKtorParity(name: string, exampleDir: URL, options: SameWireOptions): void {
  const skip = options.available === false;
  let built: Promise<void> | undefined;
  const prepare = () => {
    built ??= options.build ? runBuild(exampleDir) : Promise.resolve();
    return built;
  };
  describe.skipIf(skip)(`examples/${name}`, () => {
    let example: RunningExample;
    let node: RunningServer;
    beforeAll(async () => {
      await prepare();
      const start =
        options.start ??
        (async () => {
          const host = await startScript(exampleDir, options, await freePort());
          return {
            url: host.url,
            close: async () => {
              await host.stop();
            },
          };
        });
      [example, node] = await Promise.all([start({ port: 0 }), startKtorParity({ port: 0 })]);
    }, 240_000);
    afterAll(async () => {
      await Promise.all([example?.close(), node?.close()]);
    });

    it.each(['/events', '/json', '/greetings/Ada?count=3', '/ktor/nested'])(
      'GET %s puts the same bytes on the wire as the node:http example',
      async (path) => {
        const [ours, reference] = await Promise.all([raw(example.url + path), raw(node.url + path)]);
        expect(ours.status).toBe(200);
        expect(ours.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        expect(ours.headers['cache-control']).toBe('no-cache, no-transform');
        expect(ours.headers['content-encoding']).toBeUndefined();
        expect(ours.body.length).toBeGreaterThan(0);
        expect(ours.body.equals(reference.body)).toBe(true);
      },
    );

    it('answers bad params with the same 400 problem as the node:http example', async () => {
      const [ours, reference] = await Promise.all([
        raw(`${example.url}/greetings/Ada?count=0`, {}),
        raw(`${node.url}/greetings/Ada?count=0`, {}),
      ]);
      expect(ours.status).toBe(400);
      expect(ours.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(ours.body.toString())).toEqual(JSON.parse(reference.body.toString()));
    });
  });

  describe.skipIf(skip)(`npm run example:${name}`, () => {
    let host: HostProcess | undefined;
    afterAll(async () => {
      await host?.stop();
    });

    it('starts on PORT, serves the stream, and stops on SIGTERM', async () => {
      const port = await freePort();
      await prepare();
      host = await startScript(exampleDir, options, port);
      expect(new URL(host.url).port).toBe(String(port));
      const res = await raw(`${host.url}/ktor/nested`);
      expect(res.body.toString()).toBe('event: hello\nid: 1\ndata: Hello from the enclosing route\n\n');
      expect(await host.stop()).toBe(options.exitCodeOnSigterm ?? 0);
      host = undefined;
    }, 240_000);
  });
}
