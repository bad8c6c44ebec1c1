import { defineContract, InvalidArgumentError } from '@ssekit/contract';
import { createHub, createMemoryReplayStore, type ReplayStore } from '@ssekit/server';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { testHub } from './test-hub.js';

const contract = defineContract({
  room: {
    path: '/rooms/:roomId/events',
    params: z.object({ roomId: z.string().min(1) }),
    replay: true,
    resetEvent: 'reset',
    events: {
      message: z.object({ text: z.string() }),
      reset: z.object({ reason: z.enum(['malformed', 'other-epoch', 'expired', 'unknown-position']) }),
    },
  },
  feed: {
    path: '/feed',
    events: { item: z.number() },
  },
});

describe('testHub', () => {
  it('subscribe resolves once live: a publish right after it reaches the subscriber, with its resumable id', async () => {
    // A store whose live feed takes a while to start, as Redis's does: had subscribe resolved with the response, the
    // publish below would reach nobody.
    const memory = createMemoryReplayStore();
    const store: ReplayStore = {
      append: (topic, event, data) => memory.append(topic, event, data),
      subscribe: async (topic, listener) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return memory.subscribe(topic, listener);
      },
      head: (topic) => memory.head(topic),
      read: (topic, epoch, position) => memory.read(topic, epoch, position),
      close: () => memory.close(),
    };
    const hub = createHub(contract.room, { store });
    const room = testHub(hub, contract.room);
    const ada = await room.subscribe({ roomId: 'lobby' });
    const other = await room.subscribe({ roomId: 'elsewhere' });
    const receipt = await room.publish({ roomId: 'lobby' }, 'message', { text: 'hi' });
    await ada.expectEvents([{ event: 'message', data: { text: 'hi' }, id: receipt.id }]);
    expect(hub.subscriberCount(receipt.topic)).toBe(1);
    // Still open and silent: the other topic got nothing.
    await expect(other.next({ timeoutMs: 30 })).rejects.toMatchObject({ reason: 'timeout' });
    expect(other.comments).toEqual([]);
    await ada.close();
    await other.close();
    expect(hub.subscriberCount()).toBe(0);
  });

  it('replays every event after a Last-Event-ID, then continues live, with no duplicate', async () => {
    const room = testHub(createHub(contract.room), contract.room);
    const lobby = { roomId: 'lobby' };
    const first = await room.publish(lobby, 'message', { text: 'one' });
    await room.publish(lobby, 'message', { text: 'two' });
    await room.publish(lobby, 'message', { text: 'three' });
    const late = await room.subscribe(lobby, { lastEventId: first.id });
    await room.publish(lobby, 'message', { text: 'four' });
    const events = await late.take(3);
    expect(events.map((e) => e.data)).toEqual([{ text: 'two' }, { text: 'three' }, { text: 'four' }]);
    expect(late.lastEventId).toBe(events[2]?.id);
    await late.close();
  });

  it('a bogus or expired Last-Event-ID gets the reset event (expectReset), then live events', async () => {
    const store = createMemoryReplayStore({ maxEventsPerTopic: 2 });
    const room = testHub(createHub(contract.room, { store }), contract.room);
    const lobby = { roomId: 'lobby' };
    const bogus = await room.subscribe(lobby, { lastEventId: 'not-an-id' });
    await room.expectReset(bogus, { reason: 'malformed' });
    const first = await room.publish(lobby, 'message', { text: 'one' });
    await bogus.expectEvents([{ event: 'message', data: { text: 'one' } }]);
    await room.publish(lobby, 'message', { text: 'two' });
    await room.publish(lobby, 'message', { text: 'three' });
    await room.publish(lobby, 'message', { text: 'four' });
    // The store keeps two events: after `first`, `two` was lost, so `first` cannot be resumed.
    const expired = await room.subscribe(lobby, { lastEventId: first.id });
    const reset = await room.expectReset(expired);
    expect(reset.data).toEqual({ reason: 'expired' });
    // A wrong expectation is an AssertionError.
    const again = await room.subscribe(lobby, { lastEventId: 'nope' });
    await expect(room.expectReset(again, { reason: 'expired' })).rejects.toThrow(/malformed/);
    for (const stream of [bogus, expired, again]) await stream.close();
  });

  it('a subscription authorize refuses is a 403 result', async () => {
    const hub = createHub(contract.room, { authorize: ({ params }) => params.roomId !== 'secret' });
    const room = testHub(hub, contract.room);
    const refused = await room.subscribe({ roomId: 'secret' });
    expect(refused.ok).toBe(false);
    expect(refused.status).toBe(403);
  });

  it('runs subscriptions with the stream options given (here a short heartbeat)', async () => {
    const room = testHub(createHub(contract.room), contract.room, { stream: { heartbeat: { periodMs: 20 } } });
    const stream = await room.subscribe({ roomId: 'quiet' });
    expect(await stream.nextComment()).toBe('heartbeat');
    await stream.close();
  });

  it('checks it was given the hub its route, and that expectReset has a reset event to expect', async () => {
    const hub = createHub(contract.room);
    expect(() => testHub(hub, contract.feed as never)).toThrow(InvalidArgumentError);
    const feed = testHub(createHub(contract.feed), contract.feed);
    const stream = await feed.subscribe({});
    await expect(feed.expectReset(stream)).rejects.toThrow(InvalidArgumentError);
    await stream.close();
  });
});
