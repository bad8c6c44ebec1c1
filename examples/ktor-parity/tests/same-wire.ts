import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '@ssekit/server/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/**
 * The checks every framework example shares: the same bytes on the wire as the node:http example for each seed route,
 * the same 400 problem, and `npm run example:<name>` starting on PORT.
 */
export function describeSameWireAsKtorParity(
  name: string,
  start: (options: { port: number }) => Promise<{ url: string; close(): Promise<void> }>,
  exampleDir: URL,
): void {
  describe(`examples/${name}`, () => {
    let example: { url: string; close(): Promise<void> };
    let node: RunningServer;
    beforeAll(async () => {
      [example, node] = await Promise.all([start({ port: 0 }), startKtorParity({ port: 0 })]);
    });
    afterAll(async () => {
      await Promise.all([example.close(), node.close()]);
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

  describe(`npm run example:${name}`, () => {
    let child: ChildProcess | undefined;
    afterAll(() => {
      child?.kill('SIGTERM');
    });

    it('starts on PORT and serves the stream', async () => {
      const cwd = fileURLToPath(exampleDir);
      child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@ssekit/source', 'src/main.ts'], {
        cwd,
        env: { ...process.env, PORT: '0' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no "listening on" line in: ${out}`)), 20_000);
        child?.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const res = await raw(`${url}/ktor/nested`);
      expect(res.body.toString()).toBe('event: hello\nid: 1\ndata: Hello from the enclosing route\n\n');
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      child = undefined;
    });
  });
}
