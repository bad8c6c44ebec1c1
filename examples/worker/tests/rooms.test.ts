import { afterEach, describe, expect, it } from 'vitest';
import { dataOf, openStream, type TestStream } from '../../../packages/server/tests/broadcast-helpers.ts';
import { runtimeAvailable } from '../../../scripts/runtimes.ts';
import { type RunningWorkerExample, startWorkerExample } from '../src/app.ts';

// Replay on Workers: a Durable Object per room owns the room's hub and memory store (see src/worker.ts).
const hasWorkerd = runtimeAvailable('workerd', 'the examples/worker room tests');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<RunningWorkerExample> {
  const example = await startWorkerExample();
  cleanups.push(() => example.close());
  return example;
}

async function post(example: RunningWorkerExample, room: string, text: string): Promise<string> {
  const response = await fetch(`${example.url}/rooms/${encodeURIComponent(room)}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: 'ada', text }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function stream(example: RunningWorkerExample, room: string, lastEventId: string): Promise<TestStream> {
  const s = await openStream(`${example.url}/rooms/${encodeURIComponent(room)}/events`, { lastEventId });
  cleanups.push(() => s.close());
  return s;
}

const texts = (s: TestStream) => dataOf<{ text: string }>(s.events, 'message').map((m) => m.text);

describe.skipIf(!hasWorkerd)('examples/worker: chat rooms in Durable Objects', () => {
  it('streams a room live, replays after Last-Event-ID, and keeps rooms apart', async () => {
    const example = await start();
    // Joining with the id of a stored message: live first, then the replay, so nothing slips between.
    const first = await post(example, 'lobby', 'first');
    const lobby = await stream(example, 'lobby', first);
    const other = await stream(example, 'kitchen', await post(example, 'kitchen', 'elsewhere'));
    await post(example, 'lobby', 'two');
    const three = await post(example, 'lobby', 'three');
    await lobby.waitFor((events) => events.length >= 2, 10_000, 'two live messages');
    expect(texts(lobby)).toEqual(['two', 'three']);
    expect(other.events).toEqual([]);
    // Away for two messages, back with the last id: those two, in order, then live.
    lobby.close();
    await post(example, 'lobby', 'four');
    await post(example, 'lobby', 'five');
    const back = await stream(example, 'lobby', three);
    await back.waitFor((events) => events.length >= 2, 10_000, 'the replay');
    await post(example, 'lobby', 'six');
    await back.waitFor((events) => events.length >= 3, 10_000, 'live after the replay');
    expect(texts(back)).toEqual(['four', 'five', 'six']);
  }, 60_000);

  it('after the objects restart (a redeploy), a resuming client gets the reset event, then live messages', async () => {
    const example = await start();
    const last = await post(example, 'lobby', 'before');
    await example.restart();
    const resumed = await stream(example, 'lobby', last);
    await resumed.waitFor((events) => events.length >= 1, 10_000, 'the reset event');
    expect(resumed.events[0]?.event).toBe('reset');
    expect(JSON.parse(resumed.events[0]?.data ?? '{}')).toEqual({ reason: 'other-epoch' });
    await post(example, 'lobby', 'after');
    await resumed.waitFor((events) => events.length >= 2, 10_000, 'a live message after the reset');
    expect(texts(resumed)).toEqual(['after']);
  }, 60_000);

  it('answers a bad message with a 400 problem', async () => {
    const example = await start();
    const response = await fetch(`${example.url}/rooms/lobby/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: '', text: 'x' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
