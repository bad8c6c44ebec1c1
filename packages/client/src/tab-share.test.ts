import { afterEach, describe, expect, it } from 'vitest';
import type { CloseInfo, EventStreamConnection } from './event-stream-types.js';
import { NetworkError } from './http-errors.js';
import type { RawSseEvent } from './raw-event.js';
import {
  type EventStreamStatus,
  type LeaderCallbacks,
  type LockManagerLike,
  openSharedStream,
  type TabSharingApis,
} from './tab-share.js';

// Node's own BroadcastChannel (it delivers between instances of one process, like tabs of one origin), and a lock
// manager with the Web Locks semantics this module relies on: one holder per name, waiters granted in order, a
// pending request dropped when its signal aborts, the lock released when the callback's promise settles.
function createLocks(): LockManagerLike {
  const queues = new Map<string, { grant(): void; signal?: AbortSignal }[]>();
  const held = new Set<string>();
  const next = (name: string) => {
    if (held.has(name)) return;
    const waiter = queues.get(name)?.shift();
    if (waiter) waiter.grant();
  };
  return {
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        const waiter = {
          signal: options.signal,
          grant: () => {
            held.add(name);
            void callback(null)
              .finally(() => {
                held.delete(name);
                next(name);
              })
              .then(resolve, reject);
          },
        };
        options.signal?.addEventListener('abort', () => {
          const queue = queues.get(name) ?? [];
          const i = queue.indexOf(waiter);
          if (i >= 0) {
            queue.splice(i, 1);
            reject(new Error('AbortError'));
          }
        });
        queues.set(name, [...(queues.get(name) ?? []), waiter]);
        next(name);
      });
    },
  };
}

const apis: TabSharingApis = {
  locks: createLocks(),
  BroadcastChannel: BroadcastChannel as unknown as TabSharingApis['BroadcastChannel'],
};

interface Tab {
  events: string[];
  statuses: EventStreamStatus[];
  errors: string[];
  role: string | undefined;
  close(): void;
}

/** A fake network stream the leading tab drives from the test: what a real connectEventStream would call back. */
interface Leader {
  lastEventId: string | undefined;
  callbacks: LeaderCallbacks;
  closed: boolean;
}

const leaders: Leader[] = [];
const tabs: Tab[] = [];
afterEach(() => {
  for (const tab of tabs.splice(0)) tab.close();
  leaders.length = 0;
});

function openTab(name: string): Tab {
  const tab: Tab = { events: [], statuses: [], errors: [], role: undefined, close: () => {} };
  const shared = openSharedStream(
    apis,
    name,
    undefined,
    (lastEventId, callbacks) => {
      const leader: Leader = { lastEventId, callbacks, closed: false };
      leaders.push(leader);
      const connection: EventStreamConnection = {
        close: () => {
          leader.closed = true;
        },
        restart: () => {},
        lastEventId,
        done: Promise.resolve(),
      };
      return connection;
    },
    {
      onEvent: (raw: RawSseEvent) => tab.events.push(`${raw.id}:${raw.data}`),
      onStatus: (status) => tab.statuses.push(status),
      onError: (error) => tab.errors.push(error.code),
      onRole: (role) => {
        tab.role = role;
      },
    },
  );
  tab.close = () => shared.close();
  tabs.push(tab);
  return tab;
}

const settle = async (predicate: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!predicate()) throw new Error(`never: ${what}`);
};
const event = (id: number): RawSseEvent => ({ event: 'tick', data: `t${id}`, id: String(id) });

describe('openSharedStream', () => {
  it('one tab connects; the others hear its raw events, status and errors (as SharedStreamError)', async () => {
    const a = openTab('feed-1');
    await settle(() => a.role === 'leader' && leaders.length === 1, 'a leads');
    const b = openTab('feed-1');
    const first = leaders[0] as Leader;
    first.callbacks.onOpen(new Response());
    await settle(() => b.statuses.at(-1) === 'open', 'b hears open');
    first.callbacks.onEvent(event(1));
    first.callbacks.onError(new NetworkError({ url: 'http://x', method: 'GET', phase: 'read', cause: 'reset' }));
    first.callbacks.onRetry({ attempt: 1, delayMs: 1, error: undefined });
    await settle(() => b.statuses.at(-1) === 'retrying', 'b hears retrying');
    expect(a.events).toEqual(['1:t1']);
    expect(b.events).toEqual(['1:t1']);
    expect(b.errors).toEqual(['SHARED_STREAM']);
    expect(b.role).toBe('follower');
    expect(leaders).toHaveLength(1);
  });

  it('when the leader leaves, the next tab connects with the last id it heard', async () => {
    const a = openTab('feed-2');
    await settle(() => a.role === 'leader', 'a leads');
    const b = openTab('feed-2');
    const first = leaders[0] as Leader;
    for (const id of [1, 2, 3]) first.callbacks.onEvent(event(id));
    await settle(() => b.events.length === 3, 'b hears 3 events');
    a.close();
    await settle(() => b.role === 'leader' && leaders.length === 2, 'b takes over');
    expect(first.closed).toBe(true);
    expect(leaders[1]?.lastEventId).toBe('3');
  });

  it('a tab that joins late learns the leader’s last id and status', async () => {
    const a = openTab('feed-3');
    await settle(() => a.role === 'leader', 'a leads');
    const first = leaders[0] as Leader;
    first.callbacks.onOpen(new Response());
    first.callbacks.onEvent(event(9));
    const b = openTab('feed-3');
    await settle(() => b.statuses.at(-1) === 'open', 'b learns the status');
    a.close();
    await settle(() => leaders.length === 2, 'b takes over');
    expect(leaders[1]?.lastEventId).toBe('9');
  });

  it('a terminal end in the leader (204, 4xx) ends every tab after at most one connection of its own', async () => {
    const a = openTab('feed-4');
    await settle(() => a.role === 'leader', 'a leads');
    const b = openTab('feed-4');
    const ended: CloseInfo = { reason: 'no-content' };
    (leaders[0] as Leader).callbacks.onClose(ended);
    // b either hears "closed" first and stops, or is granted the lock first, connects once and ends the same way
    await settle(() => b.statuses.at(-1) === 'closed' || leaders.length === 2, 'b hears it or takes over');
    leaders[1]?.callbacks.onClose(ended);
    await settle(() => b.statuses.at(-1) === 'closed', 'b closed');
    await new Promise((r) => setTimeout(r, 50));
    expect(leaders.length).toBeLessThanOrEqual(2);
    expect(a.statuses.at(-1)).toBe('closed');
  });
});
