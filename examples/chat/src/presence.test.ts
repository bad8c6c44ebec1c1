import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPresence } from './presence.ts';

type Sent = [name: string, data: unknown];

/** A stand-in for a room stream: records what presence sends it. */
function fakeSession() {
  const sent: Sent[] = [];
  const session = {
    closed: false,
    send(name: string, data: unknown) {
      sent.push([name, data]);
      return Promise.resolve();
    },
  };
  return {
    session: session as unknown as Parameters<ReturnType<typeof createPresence>['join']>[1],
    sent,
    raw: session,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('chat presence', () => {
  it('1,000 users joining within a window cost 2 deliveries each: a roster, then one diff', () => {
    const presence = createPresence({ windowMs: 250 });
    const streams = Array.from({ length: 1000 }, () => fakeSession());
    streams.forEach((s, i) => {
      presence.join('room', s.session, `user-${i}`);
    });
    expect(presence.deliveries).toBe(1000); // one roster each
    vi.advanceTimersByTime(250);
    expect(presence.deliveries).toBe(2000); // one coalesced diff each
    const diff = streams[0]?.sent[1]?.[1] as { joined: string[] } | undefined;
    expect(diff?.joined).toHaveLength(1000);
    // The roster of the last to join already holds everyone.
    expect(streams[999]?.sent[0]).toEqual(['roster', { users: Array.from({ length: 1000 }, (_, i) => `user-${i}`) }]);
    presence.close();
  });

  it('a diff states each changed user once, as they are at the end of the window; tabs of one user count once', () => {
    const presence = createPresence({ windowMs: 100 });
    const watcher = fakeSession();
    presence.join('room', watcher.session, undefined); // anonymous: gets everything, is not in the roster
    vi.advanceTimersByTime(100);
    const adaTab1 = fakeSession();
    const adaTab2 = fakeSession();
    const leaveAda1 = presence.join('room', adaTab1.session, 'ada');
    const leaveAda2 = presence.join('room', adaTab2.session, 'ada');
    const leaveBo = presence.join('room', fakeSession().session, 'bo');
    leaveBo(); // came and went within the window
    vi.advanceTimersByTime(100);
    expect(watcher.sent).toEqual([
      ['roster', { users: [] }],
      ['presence', { joined: ['ada'], left: ['bo'] }],
    ]);
    leaveAda1(); // ada still has a tab open: nothing changes
    vi.advanceTimersByTime(100);
    expect(watcher.sent).toHaveLength(2);
    leaveAda2();
    leaveAda2(); // idempotent
    vi.advanceTimersByTime(100);
    expect(watcher.sent.at(-1)).toEqual(['presence', { joined: [], left: ['ada'] }]);
    expect(presence.roster('room')).toEqual([]);
    presence.close();
  });

  it('skips closed streams and forgets an empty room', () => {
    const presence = createPresence({ windowMs: 50 });
    const a = fakeSession();
    const b = fakeSession();
    const leaveA = presence.join('room', a.session, 'a');
    const leaveB = presence.join('room', b.session, 'b');
    b.raw.closed = true;
    vi.advanceTimersByTime(50);
    expect(b.sent).toHaveLength(1); // its roster only
    leaveB();
    expect(presence.roomCount).toBe(1);
    vi.advanceTimersByTime(50);
    expect(a.sent.at(-1)).toEqual(['presence', { joined: [], left: ['b'] }]);
    leaveA();
    vi.advanceTimersByTime(50);
    expect(presence.roomCount).toBe(0);
    presence.close();
  });
});
