import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { createMemoryReplayStore } from '@ssekit/server/broadcast';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChatApp, startChat } from '../../../examples/chat/src/app.ts';
import { startHonoExample } from '../../../examples/hono/src/app.ts';
import { startKtorParity } from '../../../examples/ktor-parity/src/app.ts';
import { runCli } from '../../src/cli/run-cli.js';
import { BOGUS_LAST_EVENT_ID, type CheckReport, checkServer } from '../../src/devtools/check/run-check.js';
import { type LoadedRoute, loadContractRoutes } from '../../src/devtools/load-routes.js';
import { type TempProject, tempProject } from '../helpers/temp-project.js';
import { frame, rawSseServer, STREAM_HEADERS } from './sse-servers.js';

const CONTRACT = `import { defineContract } from '@ssekit/contract';
import { z } from 'zod';

const tick = z.object({ n: z.number().int() });

export const contract = defineContract({
  feed: { path: '/feed', events: { tick } },
  room: { path: '/rooms/:roomId', events: { tick } },
  echo: {
    path: '/echo',
    method: 'POST',
    body: z.object({ q: z.string() }),
    events: { echo: z.object({ q: z.string() }) },
    requestExamples: [{ name: 'hi', headers: { 'x-trace': '7' }, body: { q: 'hi' } }],
  },
  replayed: {
    path: '/replayed',
    replay: true,
    resetEvent: 'reset',
    events: { tick, reset: z.object({ reason: z.string() }) },
  },
  failing: {
    path: '/failing',
    query: z.object({ fail: z.string().optional() }),
    errorEvent: 'failed',
    events: { tick, failed: z.object({ code: z.string(), message: z.string() }) },
    requestExamples: [{ name: 'provoked', query: { fail: 'yes' }, expect: 'error-event' }],
  },
});
`;

const contractsDir = resolve(import.meta.dirname, '../../../contracts');
const contractsModule = join(contractsDir, 'src/index.ts');
const SEED_ROUTES = ['events', 'json', 'greetings'];
let project: TempProject;
let routes: LoadedRoute[];
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  project = await tempProject('ssekit-check-');
  await project.write('src/contracts.ts', CONTRACT);
  routes = await loadContractRoutes({ cwd: project.dir, contracts: 'src/contracts.ts' });
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

function check(baseUrl: string, only: string, extra: { heartbeatMs?: number; durationMs?: number } = {}) {
  return checkServer({ baseUrl, routes, only: [only], durationMs: extra.durationMs ?? 1000, maxEvents: 5, ...extra });
}

/** The status of every check named `name`, across the report's cases. */
function statusOf(report: CheckReport, name: string): string[] {
  return report.cases.flatMap((c) => c.checks.filter((k) => k.name === name).map((k) => k.status));
}

function messageOf(report: CheckReport, name: string): string {
  return report.cases.flatMap((c) => c.checks.filter((k) => k.name === name).map((k) => k.message)).join(' | ');
}

async function cli(cwd: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { cwd, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('ssekit check against the examples', () => {
  it('passes every check of the seed contract on the node:http example (ktor-parity), through the CLI', async () => {
    const app = await startKtorParity({ port: 0 });
    cleanups.push(() => app.close());
    // Run where the seed contract's ssekit.config.ts is: the contracts are found as `ssekit generate` finds them.
    const result = await cli(
      contractsDir,
      'check',
      app.url,
      '--duration',
      '2s',
      '--report',
      `json=${join(project.dir, 'report.json')}`,
    );
    expect(result.err).toBe('');
    expect(result.out).not.toContain('✗');
    expect(result.code).toBe(0);
    expect(result.out).toContain('greetings · Ada, three times');
    expect(result.out).toMatch(/PASS \d+ checks in 3 request\(s\): \d+ passed, 0 failed, 0 skipped, 0 warnings/);
    const report = JSON.parse(await readFile(join(project.dir, 'report.json'), 'utf8')) as CheckReport;
    expect(report.ok).toBe(true);
    expect(report.cases.map((c) => c.route)).toEqual(['events', 'json', 'greetings']);
  });

  it('passes on the Hono example (same routes, same bytes)', async () => {
    const app = await startHonoExample({ port: 0 });
    cleanups.push(() => app.close());
    const seed = await loadContractRoutes({ cwd: project.dir, contracts: contractsModule });
    const report = await checkServer({
      baseUrl: app.url,
      routes: seed,
      only: SEED_ROUTES,
      durationMs: 2000,
      maxEvents: 10,
    });
    expect(report.cases.map((c) => c.route)).toEqual(SEED_ROUTES);
    expect(report.counts).toMatchObject({ fail: 0, skip: 0 });
    expect(report.ok).toBe(true);
  });

  it('passes on the chat example, resume and reset included (replayable route, memory store)', async () => {
    const store = createMemoryReplayStore();
    const app: ChatApp = await startChat({ store });
    cleanups.push(
      () => app.close(),
      () => store.close(),
    );
    // Live traffic while the checker listens: one message every 20 ms, bounded.
    let n = 0;
    const publisher = setInterval(() => {
      if (n++ < 500) {
        void app.hub
          .publish({ roomId: 'lobby' }, 'message', {
            user: 'ada',
            text: `hello ${n}`,
            sentAt: new Date().toISOString(),
          })
          .catch(() => {});
      }
    }, 20);
    cleanups.push(() => clearInterval(publisher));
    const chatRoutes = (await loadContractRoutes({ cwd: project.dir, contracts: contractsModule })).filter(
      (r) => r.key === 'roomEvents',
    );
    expect(chatRoutes).toHaveLength(1);
    const report = await checkServer({ baseUrl: app.url, routes: chatRoutes, durationMs: 3000, maxEvents: 4 });
    expect(statusOf(report, 'resume')).toEqual(['pass']);
    expect(statusOf(report, 'reset')).toEqual(['pass']);
    expect(report.counts.fail).toBe(0);
    expect(report.ok).toBe(true);
  });
});

describe('ssekit check catches broken servers', () => {
  it('passes a well-behaved hand-written server (the baseline the broken ones differ from)', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      res.end(`retry: 1000\n${frame('tick', { n: 1 }, '1')}${frame('tick', { n: 2 }, '2')}`);
    });
    const report = await check(s.url, 'feed');
    expect(report.counts).toEqual({ pass: 8, fail: 0, skip: 0, warn: 0 });
  });

  it('an undeclared event', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      res.end(frame('tick', { n: 1 }) + frame('surprise', { n: 2 }));
    });
    const report = await check(s.url, 'feed');
    expect(statusOf(report, 'events-declared')).toEqual(['fail']);
    expect(messageOf(report, 'events-declared')).toContain('surprise');
    expect(report.ok).toBe(false);
  });

  it('an invalid payload', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      res.end(frame('tick', { n: 1 }) + frame('tick', { n: 'two' }, '2'));
    });
    const report = await check(s.url, 'feed');
    expect(statusOf(report, 'payloads-valid')).toEqual(['fail']);
    expect(messageOf(report, 'payloads-valid')).toContain('tick #2');
    expect(statusOf(report, 'events-declared')).toEqual(['pass']);
  });

  it('a forged id holding a newline', async () => {
    const forgedId = '7\nforged: yes';
    const s = await server((_req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      res.end(frame('tick', { n: 1 }, forgedId));
    });
    const report = await check(s.url, 'feed');
    expect(statusOf(report, 'ids')).toEqual(['fail']);
    expect(messageOf(report, 'ids')).toContain('"forged: yes"');
  });

  it('a retry that is not a non-negative integer', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      res.end(`retry: -5\n${frame('tick', { n: 1 })}`);
    });
    const report = await check(s.url, 'feed');
    expect(statusOf(report, 'retry')).toEqual(['fail']);
  });

  it('a wrong content type, and a missing Cache-Control', async () => {
    const wrong = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const report = await check(wrong.url, 'feed');
    expect(statusOf(report, 'content-type')).toEqual(['fail']);
    expect(messageOf(report, 'content-type')).toContain('application/json');
    const cached = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(frame('tick', { n: 1 }));
    });
    const headers = await check(cached.url, 'feed');
    expect(statusOf(headers, 'cache-control')).toEqual(['fail']);
    expect(statusOf(headers, 'x-accel-buffering')).toEqual(['warn']);
  });

  it('a status other than 200', async () => {
    const s = await server((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{}');
    });
    const report = await check(s.url, 'feed');
    expect(statusOf(report, 'status')).toEqual(['fail']);
    expect(messageOf(report, 'status')).toContain('got 404');
  });

  it('no resume: Last-Event-ID ignored, and no reset event for a bogus id', async () => {
    let next = 1;
    const s = await server((_req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      // every connection gets fresh live events, whatever Last-Event-ID says
      for (let i = 0; i < 3; i++) {
        const id = String(next++);
        res.write(frame('tick', { n: Number(id) }, id));
      }
      res.end();
    });
    const report = await check(s.url, 'replayed');
    expect(statusOf(report, 'resume')).toEqual(['fail']);
    expect(statusOf(report, 'reset')).toEqual(['fail']);
    expect(messageOf(report, 'reset')).toContain('should get "reset" first, got "tick"');
    expect(s.requests.map((h) => h['last-event-id'])).toEqual([undefined, '1', BOGUS_LAST_EVENT_ID]);
  });

  it('a resume that repeats the last event', async () => {
    const s = await server((req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      const from = Number(req.headers['last-event-id'] ?? 0);
      if (Number.isNaN(from)) {
        res.end(frame('reset', { reason: 'malformed' }, '0'));
        return;
      }
      // replays from the given id inclusive: a duplicate
      for (let n = Math.max(from, 1); n <= 4; n++) res.write(frame('tick', { n }, String(n)));
      res.end();
    });
    const report = await check(s.url, 'replayed');
    expect(statusOf(report, 'resume')).toEqual(['fail']);
    expect(messageOf(report, 'resume')).toContain('duplicate');
    expect(statusOf(report, 'reset')).toEqual(['pass']);
  });

  it('accepts a correct hand-written replaying server', async () => {
    const s = await server((req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      const header = req.headers['last-event-id'];
      const from = header === undefined ? 0 : Number(header);
      if (Number.isNaN(from)) {
        res.end(frame('reset', { reason: 'malformed' }, '4'));
        return;
      }
      for (let n = from + 1; n <= 4; n++) res.write(frame('tick', { n }, String(n)));
      res.end();
    });
    const report = await check(s.url, 'replayed');
    expect(statusOf(report, 'resume')).toEqual(['pass']);
    expect(statusOf(report, 'reset')).toEqual(['pass']);
    expect(report.ok).toBe(true);
  });

  it('a replayable route whose events carry no id fails; one ephemeral event without an id only warns', async () => {
    const bare = await server((_req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      for (let n = 1; n <= 3; n++) res.write(frame('tick', { n }));
      res.end();
    });
    const none = await check(bare.url, 'replayed');
    expect(statusOf(none, 'ids')).toEqual(['fail']);
    expect(messageOf(none, 'ids')).toContain('none of the');
    const mixed = await server((req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      const header = req.headers['last-event-id'];
      const from = header === undefined ? 0 : Number(header);
      if (Number.isNaN(from)) {
        res.end(frame('reset', { reason: 'malformed' }, '4'));
        return;
      }
      res.write(frame('tick', { n: 0 })); // ephemeral: not stored, no id
      for (let n = from + 1; n <= 4; n++) res.write(frame('tick', { n }, String(n)));
      res.end();
    });
    const report = await check(mixed.url, 'replayed');
    expect(statusOf(report, 'ids')).toEqual(['warn']);
    expect(messageOf(report, 'ids')).toContain('1 event(s) without an id');
  });

  it('no error event where the request provokes a failure; the declared one passes', async () => {
    const silent = await server((_req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      res.end(frame('tick', { n: 1 }));
    });
    const report = await check(silent.url, 'failing');
    expect(report.cases.map((c) => c.case)).toEqual(['provoked']);
    expect(statusOf(report, 'error-event')).toEqual(['fail']);
    const declared = await server((req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      const fail = new URL(req.url ?? '/', 'http://x').searchParams.get('fail') === 'yes';
      res.end(fail ? frame('failed', { code: 'INTERNAL_ERROR', message: 'Internal server error' }) : '');
    });
    expect(statusOf(await check(declared.url, 'failing'), 'error-event')).toEqual(['pass']);
  });

  it('a heartbeat that does not come within the period; comments in time pass', async () => {
    const silent = await server((_req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      res.write(frame('tick', { n: 1 }));
    });
    const late = await check(silent.url, 'feed', { heartbeatMs: 200, durationMs: 800 });
    expect(statusOf(late, 'heartbeat')).toEqual(['fail']);
    const beating = await server((_req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      res.write(frame('tick', { n: 1 }));
      const timer = setInterval(() => res.write(': heartbeat\n\n'), 40);
      res.on('close', () => clearInterval(timer));
    });
    const onTime = await check(beating.url, 'feed', { heartbeatMs: 200, durationMs: 800 });
    expect(statusOf(onTime, 'heartbeat')).toEqual(['pass']);
  });

  it('skips a route with params and no example; --cases replaces examples, checked against the schemas first', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      res.end(frame('tick', { n: 1 }));
    });
    const skipped = await check(s.url, 'room');
    expect(statusOf(skipped, 'request')).toEqual(['skip']);
    expect(messageOf(skipped, 'request')).toContain('add requestExamples to the route or pass --cases');
    expect(s.requests).toHaveLength(0);
    await project.write(
      'cases.json',
      JSON.stringify({
        room: [{ name: 'room 7', params: { roomId: '7' } }],
        failing: [{ name: 'bad', query: { fail: 1 } }],
      }),
    );
    const result = await cli(
      project.dir,
      'check',
      s.url,
      '--contracts',
      'src/contracts.ts',
      '--cases',
      'cases.json',
      '--route',
      'room',
      '--route',
      'failing',
      '--duration',
      '1s',
    );
    expect(result.out).toContain(`room · room 7  GET ${s.url}/rooms/7`);
    expect(result.out).toMatch(
      /failing · bad .*\n {4}✗ request +the request example breaks the route's schemas: query\.fail:/,
    );
    expect(result.out).not.toContain('provoked');
    expect(s.requests).toHaveLength(1);
    expect(result.code).toBe(1);
    await project.write('bad-cases.json', JSON.stringify({ nowhere: [] }));
    const unknown = await cli(
      project.dir,
      'check',
      s.url,
      '--contracts',
      'src/contracts.ts',
      '--cases',
      'bad-cases.json',
    );
    expect(unknown).toMatchObject({ code: 2, err: expect.stringContaining('no contract route "nowhere"') });
  });

  it('POSTs the example body as JSON with the example and -H headers', async () => {
    const bodies: string[] = [];
    const s = await server((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        bodies.push(`${req.method} ${body}`);
        res.writeHead(200, STREAM_HEADERS);
        res.end(frame('echo', body));
      });
    });
    const report = await checkServer({
      baseUrl: s.url,
      routes,
      only: ['echo'],
      durationMs: 1000,
      headers: { Authorization: 'Bearer abc' },
    });
    expect(report.ok).toBe(true);
    expect(bodies).toEqual(['POST {"q":"hi"}']);
    expect(s.requests[0]).toMatchObject({
      authorization: 'Bearer abc',
      'x-trace': '7',
      'content-type': 'application/json',
      accept: 'text/event-stream',
    });
  });

  it('the CLI exits 1 and writes JUnit and JSON reports naming the failure', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, STREAM_HEADERS);
      res.end(frame('surprise', { n: 1 }));
    });
    const result = await cli(
      project.dir,
      'check',
      s.url,
      '--contracts',
      'src/contracts.ts',
      '--route',
      'feed',
      '--duration',
      '1s',
      '--report',
      'junit=out/check.xml',
      '--report',
      'json=out/check.json',
    );
    expect(result.code).toBe(1);
    expect(result.out).toContain('✗ events-declared');
    expect(result.out).toContain('FAIL 8 checks in 1 request(s): 7 passed, 1 failed, 0 skipped, 0 warnings');
    const xml = await readFile(join(project.dir, 'out/check.xml'), 'utf8');
    expect(xml).toContain('<testsuites name="ssekit check" tests="8" failures="1" skipped="0">');
    expect(xml).toMatch(
      /<testcase classname="ssekit.check.feed" name="default request: events-declared">\s*<failure message="undeclared event\(s\): surprise/,
    );
    const json = JSON.parse(await readFile(join(project.dir, 'out/check.json'), 'utf8')) as CheckReport;
    expect(json.ok).toBe(false);
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await cli(project.dir, 'check')).code).toBe(2);
    expect((await cli(project.dir, 'check', 'not a url', '--contracts', 'src/contracts.ts')).code).toBe(2);
    const badReport = await cli(project.dir, 'check', 'http://127.0.0.1:1', '--report', 'xml=a.xml');
    expect(badReport).toMatchObject({ code: 2, err: expect.stringContaining('junit=<file> or json=<file>') });
    const badRoute = await cli(
      project.dir,
      'check',
      'http://127.0.0.1:1',
      '--contracts',
      'src/contracts.ts',
      '--route',
      'nope',
    );
    expect(badRoute).toMatchObject({ code: 2, err: expect.stringContaining('no contract route "nope"') });
    expect((await cli(project.dir, 'check', '--help')).out).toContain('Usage: ssekit check <baseUrl>');
  });
});
