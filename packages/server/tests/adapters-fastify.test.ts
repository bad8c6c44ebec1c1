import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ssekitFrameworkErrors, ssekitPlugin } from '../src/adapters/fastify/index.ts';
import { createRouter, type SseRouter } from '../src/index.ts';
import { parseEvents, rawRequest, waitFor } from './conformance/http-client.ts';

interface LogLine {
  msg: string;
  level: number;
  req?: { url: string; method: string };
  res?: { statusCode: number };
}

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A Fastify app with its pino logger writing JSON lines into `logs`. */
function createApp(logs: LogLine[]): FastifyInstance {
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line));
      callback();
    },
  });
  return Fastify({ logger: { level: 'info', stream }, forceCloseConnections: true });
}

async function listen(instance: FastifyInstance): Promise<string> {
  await instance.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(instance.server.address() as AddressInfo).port}`;
}

function roomsRouter(started: string[]): SseRouter {
  const router = createRouter({ heartbeat: false });
  router.sse('/rooms/:room', async (session) => {
    const user = (session.request.raw as FastifyRequest & { user?: string }).user;
    started.push(`${session.params.room}:${user}`);
    await session.send({ event: 'joined', data: `${user} in ${session.params.room}` });
  });
  return router;
}

describe('Fastify 5: ssekitPlugin', () => {
  it('an onRequest hook rejects with 401 before the stream; the logger saw every request', async () => {
    const logs: LogLine[] = [];
    const started: string[] = [];
    app = createApp(logs);
    app.decorateRequest('user', '');
    app.addHook('onRequest', async (request, reply) => {
      const auth = request.headers.authorization;
      if (auth !== 'Bearer ada') return reply.code(401).send({ error: 'unauthorized' });
      (request as FastifyRequest & { user: string }).user = 'ada';
    });
    await app.register(ssekitPlugin, { router: roomsRouter(started), prefix: '/sse' });
    const url = await listen(app);

    const denied = await rawRequest(`${url}/sse/rooms/lobby`);
    expect(denied.status).toBe(401);
    expect(JSON.parse(await denied.text())).toEqual({ error: 'unauthorized' });
    expect(started).toEqual([]);

    const allowed = await rawRequest(`${url}/sse/rooms/lobby`, { headers: { authorization: 'Bearer ada' } });
    expect(allowed.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    // The hook's work reaches the handler through session.request.raw (the FastifyRequest).
    expect(parseEvents(await allowed.text()).events).toEqual([
      { event: 'joined', data: 'ada in lobby', id: undefined },
    ]);
    expect(started).toEqual(['lobby:ada']);

    await waitFor(() => logs.filter((l) => l.msg === 'request completed').length === 2, 5000, 'completion logs');
    const incoming = logs.filter((l) => l.msg === 'incoming request').map((l) => l.req?.url);
    expect(incoming).toEqual(['/sse/rooms/lobby', '/sse/rooms/lobby']);
    const completed = logs.filter((l) => l.msg === 'request completed').map((l) => l.res?.statusCode);
    expect(completed).toEqual([401, 200]);
  });

  it('declares native routes: preHandler hooks see params, and headers set by hooks go out with the stream', async () => {
    const started: string[] = [];
    app = Fastify({ forceCloseConnections: true });
    const routes: string[] = [];
    app.addHook('onRoute', (route) => {
      routes.push(`${[route.method].flat().join(',')} ${route.url}`);
    });
    app.addHook('preHandler', async (request, reply) => {
      const { room } = request.params as { room?: string };
      if (room === 'vault') return reply.code(403).send({ error: 'forbidden room' });
      reply.header('x-request-id', String(request.id));
    });
    await app.register(ssekitPlugin, { router: roomsRouter(started), prefix: '/sse' });
    const url = await listen(app);
    expect(routes).toContain('GET,POST,PUT,PATCH,DELETE /sse/rooms/:room');

    const vault = await rawRequest(`${url}/sse/rooms/vault`);
    expect(vault.status).toBe(403);
    await vault.text();
    const open = await rawRequest(`${url}/sse/rooms/hall`);
    expect(open.status).toBe(200);
    expect(open.headers['x-request-id']).toMatch(/^req-/);
    expect(parseEvents(await open.text()).events[0]?.data).toBe('undefined in hall');
    expect(started).toEqual(['hall:undefined']);
  });

  it("keeps Fastify's 404 outside the prefix and answers the core's problem inside it", async () => {
    app = Fastify({ forceCloseConnections: true });
    app.get('/health', async () => 'ok');
    const started: string[] = [];
    await app.register(ssekitPlugin, { router: roomsRouter(started), prefix: '/sse' });
    const url = await listen(app);

    const outside = await rawRequest(`${url}/elsewhere`);
    expect(outside.status).toBe(404);
    expect(JSON.parse(await outside.text())).toMatchObject({ error: 'Not Found', statusCode: 404 });

    const inside = await rawRequest(`${url}/sse/nope`);
    expect(inside.status).toBe(404);
    expect(inside.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(await inside.text())).toMatchObject({ status: 404, detail: 'no SSE route at /nope' });

    const health = await rawRequest(`${url}/health`);
    expect(await health.text()).toBe('ok');

    // HEAD (Fastify's automatic HEAD route for GET): the stream's headers, no body, no handler.
    const head = await rawRequest(`${url}/sse/rooms/x`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(await head.text()).toBe('');
    expect(started).toEqual([]);
  });

  it('mounts at the root, and with methodNotAllowed: false leaves other methods to Fastify', async () => {
    app = Fastify({ forceCloseConnections: true });
    app.post('/rooms/:room', async () => 'posted by the app');
    await app.register(ssekitPlugin, { router: roomsRouter([]), methodNotAllowed: false });
    const url = await listen(app);
    const get = await rawRequest(`${url}/rooms/root`);
    expect(parseEvents(await get.text()).events[0]?.data).toBe('undefined in root');
    const post = await rawRequest(`${url}/rooms/root`, { method: 'POST' });
    expect(await post.text()).toBe('posted by the app');
  });

  it('fires the session signal when the client goes away, and releases the session', async () => {
    let aborted = 0;
    const router = createRouter({ heartbeat: false });
    router.sse('/hold', async (session) => {
      session.signal.addEventListener('abort', () => aborted++);
      await session.send({ data: 'open' });
      return session.done;
    });
    app = Fastify({ forceCloseConnections: true });
    await app.register(ssekitPlugin, { router });
    const url = await listen(app);
    const res = await rawRequest(`${url}/hold`);
    const chunks: string[] = [];
    res.onChunk((c) => chunks.push(c));
    await waitFor(() => chunks.join('') === 'data: open\n\n', 5000, 'first event');
    res.abort();
    await waitFor(() => aborted === 1 && router.sessionCount === 0, 5000, 'abort');
  });

  it('app.close() ends open streams cleanly, with a retry hint in the shutdown window, instead of waiting for them', async () => {
    const router = createRouter({ heartbeat: false });
    router.sse('/hold', async (session) => {
      await session.send({ data: 'open' });
      return session.done;
    });
    const local = Fastify();
    await local.register(ssekitPlugin, { router, shutdown: { reconnectWindowMs: 3000 } });
    const url = await listen(local);
    const res = await rawRequest(`${url}/hold`);
    const body = res.text();
    await local.close();
    // The stream ended (not cut): the client reads the whole body to its end, the router's retry hint last.
    const text = await body;
    expect(text).toMatch(/^data: open\n\nretry: \d+\n\n$/);
    expect(Number(/retry: (\d+)/.exec(text)?.[1])).toBeLessThanOrEqual(3000);
    expect(router.sessionCount).toBe(0);
    expect(router.closing).toBe(true);
  });

  it('ssekitFrameworkErrors answers bad URLs under the prefix with the core problem, elsewhere as Fastify does', async () => {
    const router = roomsRouter([]);
    app = Fastify({ frameworkErrors: ssekitFrameworkErrors(router, { prefix: '/sse' }) });
    await app.register(ssekitPlugin, { router, prefix: '/sse' });
    const url = await listen(app);
    const inside = await rawRequest(`${url}/sse/rooms/%E0%A4%A`);
    expect(inside.status).toBe(400);
    expect(inside.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(await inside.text()).errors[0]).toMatchObject({ in: 'params', path: 'room' });
    const outside = await rawRequest(`${url}/other/%E0%A4%A`);
    expect(outside.status).toBe(400);
    expect(JSON.parse(await outside.text())).toMatchObject({ code: 'FST_ERR_BAD_URL', statusCode: 400 });
  });

  it('refuses registration without a router', async () => {
    app = Fastify();
    await expect(app.register(ssekitPlugin, {} as never).ready()).rejects.toThrow(/pass \{ router \}/);
  });
});
