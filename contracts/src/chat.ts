import { defineContract } from '@ssekit/contract';
import * as z from 'zod';

/** A room id: 1–64 characters, anything printable (percent-encoded in the path). */
export const RoomId = z.string().min(1).max(64);
/** What a client posts to `POST /rooms/:roomId/messages`. */
export const ChatMessageInput = z.object({ user: z.string().min(1).max(64), text: z.string().min(1).max(2000) });
/** A chat message as it is broadcast: the posted fields plus the server's timestamp. */
export const ChatMessage = ChatMessageInput.extend({ sentAt: z.iso.datetime() });
/** Someone opened or closed the room's stream. */
export const Presence = z.object({ user: z.string().min(1).max(64), status: z.enum(['joined', 'left']) });
/** The client's `Last-Event-ID` cannot be resumed: refetch the room, then continue live. */
export const ReplayReset = z.object({ reason: z.enum(['malformed', 'other-epoch', 'expired', 'unknown-position']) });
/** Payload of the error event: a stable code, never an internal message. */
export const ChatStreamError = z.object({ code: z.string(), message: z.string() });

/**
 * The chat example's contract: one replayable stream per room, carrying messages, presence and the reset signal.
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
    summary: 'Live events of one chat room, resumable with Last-Event-ID',
    params: z.object({ roomId: RoomId }),
    query: z.object({ user: z.string().min(1).max(64).optional() }),
    replay: true,
    resetEvent: 'reset',
    errorEvent: 'error',
    events: { message: ChatMessage, presence: Presence, reset: ReplayReset, error: ChatStreamError },
    examples: {
      message: [{ user: 'ada', text: 'hello', sentAt: '2026-01-01T00:00:00.000Z' }],
      presence: [{ user: 'ada', status: 'joined' }],
      reset: [{ reason: 'expired' }],
    },
    requestExamples: [{ name: 'the lobby', params: { roomId: 'lobby' } }],
  },
});

export type ChatContract = typeof chatContract;
