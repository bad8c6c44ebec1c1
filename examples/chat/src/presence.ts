import type { SessionOf } from '@ssekit/server';
import type { chatContract } from '@ssekit-examples/contracts';

type RoomSession = SessionOf<typeof chatContract.roomEvents>;

interface Room {
  /** Open streams per named user (a user may have several tabs). */
  readonly members: Map<string, number>;
  readonly sessions: Set<RoomSession>;
  /** Users whose presence changed since the last `presence` event. */
  readonly changed: Set<string>;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Options of {@link createPresence}. */
export interface PresenceOptions {
  /** Joins and leaves within this window go out as one `presence` event per stream. Default 250 ms. */
  windowMs?: number;
}

/**
 * Who is in each room, kept in this process and never stored in the message log: a stream that goes live gets the
 * room's `roster` (one event), and the joins and leaves of a window go out as one `presence` diff per stream. One user
 * joining costs one roster plus, per window, one event per stream in the room — not one stored event per join sent
 * to everyone, and it never pushes messages out of the replay window.
 *
 * @example
 * ```ts
 * const presence = createPresence({ windowMs: 250 });
 * const leave = presence.join('lobby', session, 'ada'); // sends the roster to `session`
 * await session.done;
 * leave();
 * ```
 */
export function createPresence(options: PresenceOptions = {}) {
  const windowMs = options.windowMs ?? 250;
  const rooms = new Map<string, Room>();
  let deliveries = 0;

  const deliver = (session: RoomSession, send: () => Promise<void>) => {
    if (session.closed) return;
    deliveries++;
    send().catch(() => {}); // the stream closed meanwhile: nothing to tell it
  };

  const schedule = (roomId: string, room: Room) => {
    room.timer ??= setTimeout(() => flush(roomId, room), windowMs);
  };

  const flush = (roomId: string, room: Room) => {
    room.timer = undefined;
    if (room.changed.size > 0) {
      // Each changed user's state now: applying it to any roster sent during the window gives the current roster.
      const joined: string[] = [];
      const left: string[] = [];
      for (const user of room.changed) (room.members.has(user) ? joined : left).push(user);
      room.changed.clear();
      const diff = { joined, left };
      for (const session of room.sessions) deliver(session, () => session.send('presence', diff));
    }
    if (room.sessions.size === 0 && room.members.size === 0) rooms.delete(roomId);
  };

  return {
    /**
     * Adds a live stream to the room (named or anonymous) and sends it the roster. Returns the function to call when
     * the stream ended.
     */
    join(roomId: string, session: RoomSession, user: string | undefined): () => void {
      let room = rooms.get(roomId);
      if (!room) {
        room = { members: new Map(), sessions: new Set(), changed: new Set(), timer: undefined };
        rooms.set(roomId, room);
      }
      const current = room;
      if (user !== undefined) {
        const count = current.members.get(user) ?? 0;
        current.members.set(user, count + 1);
        if (count === 0) {
          current.changed.add(user);
          schedule(roomId, current);
        }
      }
      current.sessions.add(session);
      const users = [...current.members.keys()];
      deliver(session, () => session.send('roster', { users }));
      let left = false;
      return () => {
        if (left) return;
        left = true;
        current.sessions.delete(session);
        if (user !== undefined) {
          const count = (current.members.get(user) ?? 1) - 1;
          if (count > 0) current.members.set(user, count);
          else {
            current.members.delete(user);
            current.changed.add(user);
          }
        }
        schedule(roomId, current);
      };
    },
    /** The users in a room now. */
    roster(roomId: string): string[] {
      return [...(rooms.get(roomId)?.members.keys() ?? [])];
    },
    /** Roster and presence events handed to streams so far (for tests and metrics). */
    get deliveries() {
      return deliveries;
    },
    /** Rooms with streams or pending changes. */
    get roomCount() {
      return rooms.size;
    },
    /** Stops the timers (pending changes are dropped). */
    close() {
      for (const room of rooms.values()) clearTimeout(room.timer);
      rooms.clear();
    },
  };
}

/** The presence of one chat server. */
export type Presence = ReturnType<typeof createPresence>;
