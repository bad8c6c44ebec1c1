import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSsekitError } from '@ssekit/contract';
import { BodyTooLargeError, HttpError, implement } from '@ssekit/server';
import { createHub, type Hub, type ReplayStore } from '@ssekit/server/broadcast';
import { createNodeHandler } from '@ssekit/server/node';
import { ChatMessageInput, chatContract, RoomId, UserName } from '@ssekit-examples/contracts';
import * as z from 'zod';
import { bundlePage } from './bundle.ts';
import { answerTooLarge, problem, readBody, send } from './http.ts';
import { createIdentities, type Identities, nameCookie, originAllowed } from './identity.ts';
import { createPresence, type Presence } from './presence.ts';

/** A running chat server. */
export interface ChatApp {
  readonly server: Server;
  readonly url: string;
  readonly hub: Hub<typeof chatContract.roomEvents>;
  readonly presence: Presence;
  readonly identities: Identities;
  /**
   * Stops the chat. Without options every stream ends at once; with `reconnectWindowMs` it is the graceful shutdown
   * (`router.close`): new streams get 503, each open stream a `retry:` hint spread over the window, so its client
   * resumes on another instance with `Last-Event-ID`.
   */
  close(options?: { reconnectWindowMs?: number; drainMs?: number }): Promise<void>;
}

/** Options of {@link startChat}. */
export interface ChatOptions {
  store: ReplayStore;
  port?: number;
  host?: string;
  /** HMAC secret of the name cookie. Default: `CHAT_SECRET`, else random per process. */
  secret?: string;
  /** Origins allowed besides the server's own (`http://<host>:<port>`, and `localhost` for a loopback host). */
  allowedOrigins?: readonly string[];
  /** Presence coalescing window, ms. Default 250. */
  presenceWindowMs?: number;
}

const MAX_BODY_BYTES = 16 * 1024;
const MESSAGES_PATH = /^\/rooms\/([^/]+)\/messages$/;
const PostedMessage = ChatMessageInput.pick({ text: true });
const SignIn = z.object({ name: UserName });

/**
 * The chat: `POST /session` signs a name in (signed cookie); `GET /rooms/:roomId/events` streams a room (messages,
 * replayable; the roster and coalesced presence, live only; the reset signal) and `POST /rooms/:roomId/messages`
 * publishes `{ text }` as the signed-in name — 201 once stored, 400 on a bad body, 401 without a valid name cookie,
 * 413 past 16 KiB, 503 when the store is down. Requests from an origin outside the allow-list get 403. `GET /` serves
 * the page, `GET /app.js` its script (esbuild bundle of the generated client and the UI).
 *
 * @example
 * ```ts
 * const { store } = await createStoreFromEnv(process.env);
 * const app = await startChat({ store, port: 8080 });
 * ```
 */
export async function startChat(options: ChatOptions): Promise<ChatApp> {
  const hub = createHub(chatContract.roomEvents, { store: options.store, onError: (e) => console.warn('[chat]', e) });
  const identities = createIdentities(options.secret ?? process.env.CHAT_SECRET);
  const presence = createPresence(options.presenceWindowMs === undefined ? {} : { windowMs: options.presenceWindowMs });
  const allowed = new Set(options.allowedOrigins ?? []);
  const router = implement(
    chatContract,
    {
      roomEvents: {
        // A last guard: the request listener below already refused foreign origins before routing.
        beforeStream: (ctx) => {
          if (!originAllowed(ctx.request.headers.origin, allowed)) throw new HttpError(403);
        },
        handler: async (session) => {
          const user = identities.verify(session.request.headers.cookie)?.name;
          let leave: (() => void) | undefined;
          // The roster goes out once this stream is live, so it reflects the joining user too.
          try {
            await hub.subscribe(session, {
              onLive: () => {
                leave = presence.join(session.params.roomId, session, user);
              },
            });
          } finally {
            leave?.();
          }
        },
      },
    },
    { heartbeat: { periodMs: 15_000 } },
  );
  const sse = createNodeHandler(router);
  const [html, script] = await Promise.all([
    readFile(new URL('./page/index.html', import.meta.url), 'utf8'),
    bundlePage(),
  ]);

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!originAllowed(req.headers.origin, allowed)) {
      problem(res, 403, 'cross-origin requests are not allowed');
      return;
    }
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      send(res, 200, 'text/html; charset=utf-8', html);
      return;
    }
    if (req.method === 'GET' && path === '/app.js') {
      send(res, 200, 'text/javascript; charset=utf-8', script);
      return;
    }
    if (path === '/session') {
      if (req.method === 'GET') {
        const identity = identities.verify(req.headers.cookie);
        if (identity) send(res, 200, 'application/json', JSON.stringify({ name: identity.name }));
        else problem(res, 401, 'not signed in');
      } else if (req.method === 'POST') void signIn(identities, req, res);
      else res.writeHead(405, { allow: 'GET, POST' }).end();
      return;
    }
    const match = MESSAGES_PATH.exec(path);
    if (match) {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      void postMessage(hub, identities, match[1] as string, req, res);
      return;
    }
    sse(req, res, () => problem(res, 404, `nothing at ${path}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  allowed.add(url);
  if (host === '127.0.0.1' || host === '::1' || host === 'localhost') allowed.add(`http://localhost:${port}`);
  return {
    server,
    hub,
    presence,
    identities,
    url,
    async close(graceful) {
      if (graceful) await router.close(graceful);
      else router.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await hub.close();
      presence.close();
    },
  };
}

/** Reads and validates a JSON body; answers 413/415/400 itself and resolves `undefined` then. */
async function readJson<T>(req: IncomingMessage, res: ServerResponse, schema: z.ZodType<T>): Promise<T | undefined> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    problem(res, 415, 'send application/json');
    return undefined;
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req, MAX_BODY_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) answerTooLarge(req, res, error.message);
    else problem(res, 400, 'invalid JSON');
    return undefined;
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    problem(res, 400, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
    return undefined;
  }
  return parsed.data;
}

async function signIn(identities: Identities, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const input = await readJson(req, res, SignIn);
  if (!input) return;
  const current = identities.verify(req.headers.cookie);
  const cookie = identities.signIn(input.name, current);
  if (!cookie) {
    problem(res, 409, `the name "${input.name}" is taken`);
    return;
  }
  send(res, 200, 'application/json', JSON.stringify({ name: input.name }), { 'set-cookie': nameCookie(cookie) });
}

async function postMessage(
  hub: ChatApp['hub'],
  identities: Identities,
  rawRoom: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let roomId: string;
  try {
    roomId = RoomId.parse(decodeURIComponent(rawRoom));
  } catch {
    problem(res, 400, 'invalid room id');
    return;
  }
  const identity = identities.verify(req.headers.cookie);
  if (!identity) {
    problem(res, 401, 'sign in first (POST /session), then post with its cookie');
    return;
  }
  const input = await readJson(req, res, PostedMessage);
  if (!input) return;
  try {
    const message = { user: identity.name, text: input.text, sentAt: new Date().toISOString() };
    const receipt = await hub.publish({ roomId }, 'message', message);
    send(res, 201, 'application/json', JSON.stringify({ id: receipt.id }));
  } catch (error) {
    if (isSsekitError(error) && error.code === 'STORE_UNAVAILABLE') {
      problem(res, 503, 'the message store is unavailable; the message was not sent', { 'retry-after': '1' });
    } else {
      console.error('[chat]', error);
      problem(res, 500, 'internal error');
    }
  }
}
