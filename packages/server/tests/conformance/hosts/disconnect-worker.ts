/**
 * A Worker that records when its streams learn that their client left, for the workerd disconnect tests: `/silent/:id`
 * writes nothing (no heartbeat), `/beating/:id` heartbeats every 200 ms (a timer per stream, the default on workerd),
 * `/shared/:id` the same from one timer shared by the streams, `/log` answers what happened, as JSON.
 */
import { defineContract } from '@ssekit/contract';
import { z } from 'zod';
import { createFetchHandler } from '../../../src/adapters/fetch/index.ts';
import { implement } from '../../../src/index.ts';

const contract = defineContract({
  silent: { path: '/silent/:id', events: { message: z.string() } },
  beating: { path: '/beating/:id', events: { message: z.string() } },
  shared: { path: '/shared/:id', events: { message: z.string() } },
});

/** What the Worker observed: streams opened and streams whose `session.signal` fired. */
export interface DisconnectLog {
  opened: string[];
  aborted: string[];
}

const log: DisconnectLog = { opened: [], aborted: [] };
let handler: ((request: Request) => Promise<Response>) | undefined;

function hold(session: { params: { id: string }; signal: AbortSignal; done: Promise<void> }): Promise<void> {
  log.opened.push(session.params.id);
  session.signal.addEventListener('abort', () => log.aborted.push(session.params.id), { once: true });
  return session.done;
}

export default {
  fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname === '/log') return Promise.resolve(Response.json(log));
    handler ??= createFetchHandler(
      implement(contract, {
        silent: { heartbeat: false, handler: hold },
        beating: { heartbeat: { periodMs: 200 }, handler: hold },
        shared: { heartbeat: { periodMs: 200, timers: 'shared' }, handler: hold },
      }),
    );
    return handler(request);
  },
};
