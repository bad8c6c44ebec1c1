import { comparePositions, parseEventId, type StreamPosition } from './event-id.js';
import type { HubRoute } from './hub-route.js';
import type { ReplayResult, ReplayStore, ResetReason } from './store.js';
import { asStoreError, type Subscriber } from './topic-fanout.js';

/** Events read from the store per replay page: a stalled replay holds at most one page besides its queue. */
export const REPLAY_PAGE_EVENTS = 100;

/**
 * Resumes a subscriber from its `Last-Event-ID`: it joined the live feed first (events held in its buffer), so this
 * writes every retained later event of its (authorized) topic in order — or the reset event when the id cannot be
 * resumed — then what the buffer held, skipping positions already written: no gap, no duplicate. The store is read a
 * page at a time and each frame waits for the client's queue to drain, so a replay holds one page; live events held
 * meanwhile count toward the session's queue bound (see `TopicFanout`).
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
  let after: StreamPosition | undefined;
  let reason: ResetReason | undefined = parsed ? undefined : 'malformed';
  if (parsed) {
    after = parsed.position;
    for (;;) {
      let result: ReplayResult;
      try {
        result = await store.read(topic, parsed.epoch, after, REPLAY_PAGE_EVENTS);
      } catch (error) {
        throw asStoreError(error, `cannot replay topic "${topic}"`);
      }
      if (result.kind === 'reset') {
        // Trimmed away while an earlier page was being written: the client is told to refetch, as on connect.
        reason = result.reason;
        break;
      }
      for (const stored of result.events) {
        if (session.closed) return;
        // Re-authorization of replayed events: only the authorized topic's events, in order, once.
        if (stored.topic !== topic || comparePositions(stored.position, after) <= 0) continue;
        const frame = route.frameOf(stored);
        after = stored.position;
        if (frame) await session.writeEncoded(frame);
      }
      // A short page is the last one (a store that ignores the limit returns everything at once, then nothing).
      if (session.closed || result.events.length < REPLAY_PAGE_EVENTS) break;
    }
  }
  if (session.closed) return;
  if (reason !== undefined || after === undefined) {
    let head: { epoch: string; position: StreamPosition };
    try {
      head = await store.head(topic);
    } catch (error) {
      throw asStoreError(error, `cannot read the head of topic "${topic}"`);
    }
    if (session.closed) return;
    after = head.position;
    await session.writeEncoded(route.resetFrame(reason ?? 'malformed', head.epoch, head.position));
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
