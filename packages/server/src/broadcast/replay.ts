import { comparePositions, parseEventId, type StreamPosition } from './event-id.js';
import type { HubRoute } from './hub-route.js';
import type { ReplayResult, ReplayStore } from './store.js';
import { asStoreError, type Subscriber } from './topic-fanout.js';

/**
 * Resumes a subscriber from its `Last-Event-ID`: it joined the live feed first (events held in its buffer), so this
 * writes every retained later event of its (authorized) topic in order — or the reset event when the id cannot be
 * resumed — then what the buffer held, skipping positions already written: no gap, no duplicate.
 */
export async function replayInto(
  store: ReplayStore,
  route: HubRoute,
  subscriber: Subscriber,
  topic: string,
  lastEventId: string,
): Promise<void> {
  const session = subscriber.session;
  const parsed = parseEventId(lastEventId);
  let result: ReplayResult;
  if (!parsed) result = { kind: 'reset', reason: 'malformed' };
  else {
    try {
      result = await store.read(topic, parsed.epoch, parsed.position);
    } catch (error) {
      throw asStoreError(error, `cannot replay topic "${topic}"`);
    }
  }
  let after: StreamPosition;
  if (result.kind === 'events' && parsed) {
    after = parsed.position;
    for (const stored of result.events) {
      if (session.closed) return;
      // Re-authorization of replayed events: only the authorized topic's events, in order, once.
      if (stored.topic !== topic || comparePositions(stored.position, after) <= 0) continue;
      const frame = route.frameOf(stored);
      after = stored.position;
      if (frame) await session.writeEncoded(frame);
    }
  } else {
    const reason = result.kind === 'reset' ? result.reason : 'malformed';
    let head: { epoch: string; position: StreamPosition };
    try {
      head = await store.head(topic);
    } catch (error) {
      throw asStoreError(error, `cannot read the head of topic "${topic}"`);
    }
    if (session.closed) return;
    after = head.position;
    await session.writeEncoded(route.resetFrame(reason, head.epoch, head.position));
  }
  // No await from here until live: the buffer is drained and switched off in one turn.
  const held = subscriber.buffer ?? [];
  subscriber.buffer = undefined;
  // The held events leave the bound's "held" share and enter the queue itself as they are written.
  session.releaseBytes(subscriber.heldBytes);
  subscriber.heldBytes = 0;
  if (session.closed) return;
  for (const { stored, frame } of held) {
    // A write past the bound cuts the client off (disconnect policy): nothing more is written then.
    if (session.closed) return;
    if (comparePositions(stored.position, after) > 0) {
      void session.writeEncoded(frame);
      after = stored.position;
    }
  }
  // The replay read may be ahead of the live feed (e.g. Redis: XRANGE on one connection, pub/sub on another):
  // live events up to `after` may still arrive, and are skipped until the first newer one.
  subscriber.skipThrough = after;
}
