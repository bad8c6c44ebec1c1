import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { type TempProject, tempProject } from '../helpers/temp-project.js';
import { frame, rawSseServer, STREAM_HEADERS } from './sse-servers.js';

const CONTRACT = `import { defineContract } from '@ssekit/contract';
import { z } from 'zod';

export const contract = defineContract({
  ticks: { path: '/ticks', events: { tick: z.object({ n: z.number().int() }) } },
  echo: {
    path: '/echo',
    method: 'POST',
    body: z.object({ q: z.string() }),
    events: { echo: z.object({ q: z.string() }) },
  },
});
`;

let project: TempProject;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  project = await tempProject('ssekit-tail-');
  await project.write('src/contracts.ts', CONTRACT);
});
afterAll(() => project.cleanup());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(handle: (req: IncomingMessage, res: ServerResponse, index: number) => void) {
  const s = await rawSseServer(handle);
  cleanups.push(() => s.close());
  return s;
}

interface Run {
  code: number;
  out: string[];
  err: string[];
}

/** Runs `ssekit <argv>` in-process; `stopAfter(out)` may resolve the Ctrl-C promise. */
async function cli(
  argv: string[],
  options: { color?: boolean; stopWhen?: (out: string[]) => boolean; cwd?: string } = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const code = await runCli(argv, {
    cwd: options.cwd ?? project.dir,
    out: (line) => {
      out.push(line);
      if (options.stopWhen?.(out)) stop();
    },
    err: (line) => err.push(line),
    stop: stopped,
    ...(options.color === undefined ? {} : { color: options.color }),
  });
  return { code, out, err };
}

/** First connection: two good ticks, then the end; second: an invalid tick and an undeclared event, then open. */
function reconnectingTicks() {
  return server((req, res, index) => {
    res.writeHead(200, STREAM_HEADERS);
    if (index === 0) {
      res.end(`retry: 20\n${frame('tick', { n: 1 }, '1')}${frame('tick', { n: 2 }, '2')}`);
      return;
    }
    res.write(frame('tick', { n: 'three' }, '3') + frame('surprise', 'boo', '4'));
    req.on('close', () => res.end());
  });
}

describe('ssekit tail', () => {
  it('prints each event, reconnects with Last-Event-ID, highlights contract violations and sums up', async () => {
    const s = await reconnectingTicks();
    const run = await cli(['tail', `${s.url}/ticks`, '--contract', 'src/contracts.ts', '--max-events', '4']);
    expect(run.out).toHaveLength(6);
    expect(run.out[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}#1 {2}tick {2}\{"n":1\}$/);
    expect(run.out[1]).toMatch(/ {2}#2 {2}tick {2}\{"n":2\}$/);
    expect(run.out[2]).toMatch(/ {2}#3 {2}tick {2}\{"n":"three"\}$/);
    expect(run.out[3]).toMatch(/^ {2}✗ invalid: .*tick/);
    expect(run.out[4]).toMatch(/ {2}#4 {2}surprise {2}boo$/);
    expect(run.out[5]).toBe('  ✗ undeclared: event "surprise" is not declared (declared: tick)');
    expect(s.requests.map((h) => h['last-event-id'])).toEqual([undefined, '2']);
    expect(run.err.at(-1)).toBe('4 events, 2 validation errors, 1 reconnect (max-events)');
    expect(run.err[0]).toBe(`connected: 200 GET ${s.url}/ticks (route ticks)`);
    expect(run.code).toBe(1);
  });

  it('--json prints one JSON object per event, with the verdict', async () => {
    const s = await reconnectingTicks();
    const run = await cli(['tail', `${s.url}/ticks`, '--json', '--contract', 'src/contracts.ts', '--max-events', '3']);
    const lines = run.out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map(({ time: _time, ...rest }) => rest)).toEqual([
      { id: '1', event: 'tick', data: { n: 1 }, valid: true },
      { id: '2', event: 'tick', data: { n: 2 }, valid: true },
      {
        id: '3',
        event: 'tick',
        data: { n: 'three' },
        valid: false,
        violation: { problem: 'invalid', message: expect.stringContaining('tick') },
      },
    ]);
    expect(Number.isNaN(Date.parse(lines[0]?.time as string))).toBe(false);
  });

  it('stops cleanly on Ctrl-C with a summary, without a contract (any SSE server)', async () => {
    const s = await server((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: plain text\n\n: a comment\n\n');
      req.on('close', () => res.end());
    });
    const run = await cli(['tail', `${s.url}/anything`], { stopWhen: (out) => out.length === 1 });
    expect(run.out).toHaveLength(1);
    expect(run.out[0]).toMatch(/ {2}#- {2}message {2}plain text$/);
    expect(run.err.at(-1)).toBe('1 event, 0 validation errors, 0 reconnects (stopped)');
    expect(run.code).toBe(0);
  });

  it('validates with the contracts of ssekit.config.ts in the current folder when a route matches the URL', async () => {
    const dir = join(project.dir, 'with-config');
    await project.write(
      'with-config/ssekit.config.ts',
      "export default { contracts: '../src/contracts.ts', out: 'gen' };\n",
    );
    const s = await reconnectingTicks();
    const matched = await cli(['tail', `${s.url}/ticks`, '--max-events', '4'], { cwd: dir });
    expect(matched.err[0]).toContain('(route ticks)');
    expect(matched.out.filter((line) => line.includes('✗'))).toHaveLength(2);
    const other = await cli(['tail', `${s.url}/elsewhere`, '--max-events', '1'], { cwd: dir });
    expect(other.err[0]).toBe("no route of ssekit.config.ts's contracts matches GET /elsewhere: not validating");
    expect(other.out).toHaveLength(1);
  });

  it('--timeout ends a quiet stream', async () => {
    const s = await server((req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      res.write(': open\n\n');
      req.on('close', () => res.end());
    });
    const run = await cli(['tail', `${s.url}/ticks`, '--timeout', '150ms']);
    expect(run.out).toEqual([]);
    expect(run.err.at(-1)).toBe('0 events, 0 validation errors, 0 reconnects (timeout)');
  });

  it('colours readable lines only when asked (a TTY without NO_COLOR)', async () => {
    const s = await server((req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      res.write(frame('tick', { n: 1 }, '1'));
      req.on('close', () => res.end());
    });
    const coloured = await cli(['tail', `${s.url}/ticks`, '--max-events', '1'], { color: true });
    expect(coloured.out[0]).toContain('\u001b[36m#1\u001b[39m');
    const plain = await cli(['tail', `${s.url}/ticks`, '--max-events', '1'], { color: false });
    expect(plain.out[0]).not.toContain('\u001b[');
    const json = await cli(['tail', `${s.url}/ticks`, '--max-events', '1', '--json'], { color: true });
    expect(json.out[0]).not.toContain('\u001b[');
  });

  it('sends headers, Last-Event-ID and a POST body, and finds the route by the URL path under a prefix', async () => {
    const s = await server((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        res.writeHead(200, STREAM_HEADERS);
        res.write(frame('echo', body, '1'));
      });
      req.on('close', () => res.end());
    });
    const run = await cli([
      'tail',
      `${s.url}/prefix/echo`,
      '-H',
      'Authorization: Bearer abc',
      '-H',
      'X-Trace: 1',
      '--last-event-id',
      '41',
      '--data',
      '{"q":"hi"}',
      '--contract',
      'src/contracts.ts',
      '--max-events',
      '1',
    ]);
    expect(run.out).toHaveLength(1);
    expect(run.out[0]).toMatch(/ {2}#1 {2}echo {2}\{"q":"hi"\}$/);
    expect(run.err[0]).toContain('connected: 200 POST');
    expect(run.err[0]).toContain('(route echo)');
    expect(s.requests[0]).toMatchObject({
      authorization: 'Bearer abc',
      'x-trace': '1',
      'last-event-id': '41',
      'content-type': 'application/json',
    });
    expect(run.code).toBe(0);
  });

  it('ends with exit code 1 when the server refuses the stream', async () => {
    const s = await server((_req, res) => {
      res.writeHead(404).end();
    });
    const run = await cli(['tail', `${s.url}/ticks`]);
    expect(run.code).toBe(1);
    expect(run.err.at(-1)).toMatch(/^0 events, 0 validation errors, 0 reconnects \(error: HTTP_STATUS: .*404/);
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await cli(['tail'])).code).toBe(2);
    expect((await cli(['tail', 'localhost:8080/x'])).code).toBe(2);
    expect((await cli(['tail', 'http://127.0.0.1:1/x', '-H', 'no colon'])).err.join('\n')).toContain("'Name: value'");
    expect((await cli(['tail', 'http://127.0.0.1:1/x', '--timeout', 'soon'])).code).toBe(2);
    expect((await cli(['tail', 'http://127.0.0.1:1/x', '--max-events', '0'])).code).toBe(2);
    expect((await cli(['tail', 'http://127.0.0.1:1/x', '--data', '{oops'])).code).toBe(2);
    const unmatched = await cli(['tail', 'http://127.0.0.1:1/nothing', '--contract', 'src/contracts.ts']);
    expect(unmatched.code).toBe(2);
    expect(unmatched.err.join('\n')).toContain('no contract route matches GET /nothing');
    const unknown = await cli([
      'tail',
      'http://127.0.0.1:1/ticks',
      '--contract',
      'src/contracts.ts',
      '--route',
      'nope',
    ]);
    expect(unknown.err.join('\n')).toContain(
      'no contract route "nope" (routes: ticks (GET /ticks), echo (POST /echo))',
    );
    const help = await cli(['tail', '--help']);
    expect(help).toMatchObject({ code: 0, out: [expect.stringContaining('Usage: ssekit tail <url>')] });
  });
});
