import { createHub, implement, type SseRouter } from '@ssekit/server';
import { type RunningServer, serve } from '@ssekit/server/node';
import { namesContract } from '../fixtures/names-contract.ts';

/** What `/responses/:responseId` sends, in order: every event of the route once (the delta twice). */
export const RESPONSE_EVENTS = [
  ['response.output_text.delta', { delta: 'Hel', index: 0 }],
  ['response.output_text.delta', { delta: 'lo', index: 1 }],
  ['user-created', { id: 'u1', name: 'Ada' }],
  ['a:b', 'colon value'],
  ['thread.run.step.completed', { step: 1, status: 'completed' }],
  ['constructor', { made: true }],
  ['onError', { code: 'RATE_LIMITED', message: 'slow down' }],
] as const;

/** What the raw `/raw/responses/:responseId` route sends: a bad `user-created`, then a good one. */
export const RAW_FRAMES = [
  { event: 'user-created', data: '{"id":"","name":"nobody"}' },
  { event: 'user-created', data: '{"id":"u2","name":"Grace"}' },
] as const;

/**
 * The ssekit router of the event-names fixture: `/responses/:responseId` sends every event through the typed `send`;
 * `/threads/:threadId/runs` is served by a broadcast hub that publishes two events as soon as a subscriber is live;
 * `/raw/responses/:responseId` (not a contract route) writes frames the typed server would refuse, so clients show
 * their own validation.
 */
export function createNamesRouter(): SseRouter {
  const hub = createHub(namesContract.runs);
  const router = implement(namesContract, {
    responses: async (session) => {
      for (const [event, data] of RESPONSE_EVENTS) await session.send(event, data as never);
    },
    runs: hub.implementation({
      onLive: () => {
        void (async () => {
          await hub.publish({ threadId: 't1' }, 'thread.run.created', { runId: 'r1' });
          await hub.publish({ threadId: 't1' }, 'thread.run.step.completed', { step: 1, status: 'completed' });
        })();
      },
    }),
  });
  router.route('/raw', (raw) =>
    raw.sse('/responses/:responseId', async (session) => {
      for (const frame of RAW_FRAMES) await session.send({ ...frame });
    }),
  );
  return router;
}

/** {@link createNamesRouter} on node:http, loopback, a spare port. */
export function startNamesServer(): Promise<RunningServer> {
  return serve(createNamesRouter(), { port: 0, host: '127.0.0.1' });
}
