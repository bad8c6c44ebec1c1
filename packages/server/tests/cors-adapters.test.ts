import { defineContract } from '@ssekit/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { implement } from '../src/index.ts';
import { parseEvents, rawRequest } from './conformance/http-client.ts';
import { adapterServers } from './ops-support.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const contract = defineContract({
  ask: { method: 'POST', path: '/ask', body: z.object({ q: z.string() }), events: { answer: z.string() } },
});
const APP = 'http://127.0.0.1:5173';

describe('the cors option on every adapter (the core answers, the adapter only carries it)', () => {
  for (const [name, listenWith] of Object.entries(adapterServers(cleanups))) {
    it(`${name}: preflight 204 with the policy's headers; the stream carries Allow-Origin; another origin gets 403`, async () => {
      const handler = vi.fn(async (session: { send(name: 'answer', data: string): Promise<void> }) => {
        await session.send('answer', 'hi');
      });
      const router = implement(
        contract,
        { ask: handler as never },
        {
          heartbeat: false,
          cors: { origin: [APP], allowedHeaders: ['x-trace'], credentials: true },
          onError: () => {},
        },
      );
      const { url, prefix } = await listenWith(router);
      const preflight = await rawRequest(`${url}${prefix}/ask`, {
        method: 'OPTIONS',
        headers: {
          origin: APP,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-trace',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers).toMatchObject({
        'access-control-allow-origin': APP,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type, last-event-id, x-trace',
        'access-control-max-age': '600',
      });
      const post = (origin: string) =>
        rawRequest(`${url}${prefix}/ask`, {
          method: 'POST',
          headers: { origin, 'content-type': 'application/json', 'x-trace': '1' },
          body: '{"q":"x"}',
        });
      const allowed = await post(APP);
      expect(allowed.status).toBe(200);
      expect(allowed.headers['access-control-allow-origin']).toBe(APP);
      expect(allowed.headers.vary).toMatch(/Origin/);
      expect(parseEvents(await allowed.text()).events.map((e) => e.data)).toEqual(['hi']);
      const refused = await post('http://evil.example');
      expect(refused.status).toBe(403);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      expect(JSON.parse(await refused.text())).toMatchObject({ code: 'ORIGIN_REJECTED' });
      expect(handler).toHaveBeenCalledTimes(1);
    });
  }
});
