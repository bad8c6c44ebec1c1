import { implement } from '@ssekit/server';
import { createHub } from '@ssekit/server/broadcast';
import { createFetchHandler, type FetchHandler } from '@ssekit/server/fetch';
import { ChatMessageInput, chatContract, RoomId } from '@ssekit-examples/contracts';
import { createKtorParityRouter } from '../../ktor-parity/src/router.ts';

/** The parts of a Durable Object namespace binding this Worker uses (`@cloudflare/workers-types` has the full type). */
interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(request: Request): Promise<Response> };
}

/** The Worker's bindings (wrangler.json). */
export interface Env {
  ROOMS: DurableObjectNamespaceLike;
}

const ROOM_PATH = /^\/rooms\/([^/]+)\/(events|messages)$/;

function problem(status: number, detail: string): Response {
  return Response.json(
    { type: 'about:blank', title: 'Bad Request', status, detail },
    {
      status,
      headers: { 'content-type': 'application/problem+json' },
    },
  );
}

/**
 * One chat room: a Durable Object per room id, which every request for the room reaches, wherever it arrives. It owns
 * the room's hub and its memory replay store, so publishes and subscribers share one process — what a stateless
 * Worker cannot offer. Replay (`Last-Event-ID`) works while the object lives; when it restarts (evicted, redeployed),
 * the store's epoch changes and a resuming client gets the `reset` event, then live events.
 *
 * @example
 * ```ts
 * // wrangler.json: "durable_objects": { "bindings": [{ "name": "ROOMS", "class_name": "ChatRoom" }] }
 * env.ROOMS.get(env.ROOMS.idFromName('lobby')).fetch(request);
 * ```
 */
export class ChatRoom {
  readonly #hub = createHub(chatContract.roomEvents);
  readonly #sse = createFetchHandler(implement(chatContract, { roomEvents: this.#hub.implementation() }));

  async fetch(request: Request): Promise<Response> {
    const match = ROOM_PATH.exec(new URL(request.url).pathname);
    if (match?.[2] !== 'messages') return this.#sse(request);
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    const room = RoomId.safeParse(safeDecode(match[1] as string));
    if (!room.success) return problem(400, 'invalid room id');
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return problem(400, 'invalid JSON');
    }
    const message = ChatMessageInput.safeParse(body);
    if (!message.success) return problem(400, message.error.issues.map((i) => i.message).join('; '));
    const receipt = await this.#hub.publish({ roomId: room.data }, 'message', {
      ...message.data,
      sentAt: new Date().toISOString(),
    });
    return Response.json({ id: receipt.id }, { status: 201 });
  }
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

// Built at module scope, once per isolate (a router holds no timers or randomness until a stream opens).
const seedRoutes: FetchHandler = createFetchHandler(createKtorParityRouter());

/**
 * The Worker: the ktor-parity routes (`/events`, `/json`, `/greetings/:name`, `/ktor/nested`) served statelessly,
 * and `/rooms/:roomId/events` and `POST /rooms/:roomId/messages` handed to the room's Durable Object.
 */
export default {
  fetch(request: Request, env: Env): Promise<Response> {
    const room = ROOM_PATH.exec(new URL(request.url).pathname)?.[1];
    if (room !== undefined) {
      // A malformed room id goes to an object of that exact name, whose router answers it with a 400 problem.
      return env.ROOMS.get(env.ROOMS.idFromName(safeDecode(room) ?? room)).fetch(request);
    }
    return seedRoutes(request);
  },
};
