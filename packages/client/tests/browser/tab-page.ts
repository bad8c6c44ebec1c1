import { createEventStore, type EventStoreSnapshot } from '../../src/index.ts';
import { createClient, type FeedEvent } from '../fixtures/feed/generated/client.ts';

/** What the tab-sharing page records, read by the test through `page.evaluate`. */
export interface TabLog {
  /** `n` of every tick, in the order this tab received it. */
  ticks: number[];
  /** Every tick's data really is an object decoded in this tab (not a string). */
  decoded: boolean;
  snapshot: Pick<EventStoreSnapshot<FeedEvent>, 'status' | 'sharing' | 'lastEventId'>;
  /** `performance.timeOrigin + performance.now()` when this tab became the leader, if it did. */
  ledAt: number | undefined;
}

declare global {
  interface Window {
    tabLog: TabLog;
  }
}

const feed = new URLSearchParams(location.search).get('feed') ?? 'shared';
const client = createClient({ baseUrl: location.origin, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
const log: TabLog = {
  ticks: [],
  decoded: true,
  snapshot: { status: 'connecting', sharing: 'off', lastEventId: undefined },
  ledAt: undefined,
};
window.tabLog = log;

const store = createEventStore(
  client.feed,
  { params: { feed } },
  {
    share: 'tabs',
    onEvent(event) {
      if (event.event !== 'tick') return;
      log.ticks.push(event.data.n);
      if (typeof event.data !== 'object' || typeof event.data.text !== 'string') log.decoded = false;
    },
  },
);
store.subscribe(({ status, sharing, lastEventId }) => {
  if (sharing === 'leader' && log.snapshot.sharing !== 'leader') log.ledAt = performance.timeOrigin + performance.now();
  log.snapshot = { status, sharing, lastEventId };
});
