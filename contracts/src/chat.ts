import { defineContract } from '@ssekit/contract';
import * as z from 'zod';

/** A room id: 1–64 characters, anything printable (percent-encoded in the path). */
export const RoomId = z.string().min(1).max(64);
/** A user name: 1–64 characters. */
export const UserName = z.string().min(1).max(64);
/** A chat message's author and text (the chat example takes the author from its signed name cookie, not the body). */
export const ChatMessageInput = z.object({ user: UserName, text: z.string().min(1).max(2000) });
/** A chat message as it is broadcast: the posted fields plus the server's timestamp. */
export const ChatMessage = ChatMessageInput.extend({ sentAt: z.iso.datetime() });
/** Who is in the room now: sent once to each stream when it goes live (not stored, carries no id). */
export const Roster = z.object({ users: z.array(UserName) });
/**
 * Who came and went since the last change event (coalesced over a short window; not stored, carries no id). Apply to
 * the roster as a set: add `joined`, remove `left`.
 */
export const Presence = z.object({ joined: z.array(UserName), left: z.array(UserName) });
/** The client's `Last-Event-ID` cannot be resumed: refetch the room, then continue live. */
export const ReplayReset = z.object({ reason: z.enum(['malformed', 'other-epoch', 'expired', 'unknown-position']) });
/** Payload of the error event: a stable code, never an internal message. */
export const ChatStreamError = z.object({ code: z.string(), message: z.string() });

/**
 * The chat example's contract: one replayable stream per room, carrying messages (stored, resumable), the roster and
 * presence changes (live only) and the reset signal.
 *
 * @example
 * ```ts
 * const hub = createHub(chatContract.roomEvents);
 * implement(chatContract, { roomEvents: hub.implementation() });
 * ```
 */
export const chatContract = defineContract({
  roomEvents: {
    path: '/rooms/:roomId/events',
    summary: 'Live events of one chat room; messages are resumable with Last-Event-ID',
    params: z.object({ roomId: RoomId }),
    replay: true,
    resetEvent: 'reset',
    errorEvent: 'error',
    events: { message: ChatMessage, roster: Roster, presence: Presence, reset: ReplayReset, error: ChatStreamError },
    examples: {
      message: [{ user: 'ada', text: 'hello', sentAt: '2026-01-01T00:00:00.000Z' }],
      roster: [{ users: ['ada', 'bo'] }],
      presence: [{ joined: ['cy'], left: ['bo'] }],
      reset: [{ reason: 'expired' }],
    },
    requestExamples: [{ name: 'the lobby', params: { roomId: 'lobby' } }],
  },
});

export type ChatContract = typeof chatContract;
