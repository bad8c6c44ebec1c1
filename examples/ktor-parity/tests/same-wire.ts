import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '@ssekit/server/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type HostProcess, REPO_ROOT, startHostProcess } from '../../../scripts/runtimes.ts';
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
  /** Runs before the start script (Next.js: `next build`). */
  prepare?: () => Promise<void>;
  /** The line that says the server is up, its first group the base URL. Default: `listening on <url>`. */
  ready?: RegExp;
  /** The exit code after SIGTERM. Default 0 (the examples close and exit); miniflare's exit hook exits 128 + 15. */
  exitCodeOnSigterm?: number;
}

/**
 * The command line of an example's `start` script, as this test runs it: `tsx …` through this Node (`--import tsx`),
 * any other command from the repository's `node_modules/.bin`. The script is plain words (no shell syntax), so the
 * tested command is exactly the one the README names.
 */
function startCommand(exampleDir: URL): { command: string; args: string[] } {
  const pkg = JSON.parse(readFileSync(new URL('package.json', exampleDir), 'utf8')) as { scripts: { start: string } };
  const [bin, ...args] = pkg.scripts.start.split(/\s+/);
  if (!bin || /[&|;$<>]/.test(pkg.scripts.start))
    throw new Error(`start script is not a plain command: ${pkg.scripts.start}`);
  if (bin === 'tsx') return { command: process.execPath, args: ['--import', 'tsx', ...args] };
  return { command: `${REPO_ROOT}node_modules/.bin/${bin}`, args };
}

async function startScript(exampleDir: URL, options: SameWireOptions, port: number): Promise<HostProcess> {
  const { command, args } = startCommand(exampleDir);
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
  let prepared: Promise<void> | undefined;
  const prepare = () => {
    prepared ??= options.prepare?.() ?? Promise.resolve();
    return prepared;
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
