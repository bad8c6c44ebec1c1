import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSsekitError } from '@ssekit/contract';
import { implement } from '@ssekit/server';
import { createHub, type Hub, type ReplayStore } from '@ssekit/server/broadcast';
import { createNodeHandler } from '@ssekit/server/node';
import { ChatMessageInput, chatContract, RoomId } from '@ssekit-examples/contracts';
import { bundlePage } from './bundle.ts';

/** A running chat server. */
export interface ChatApp {
  readonly server: Server;
  readonly url: string;
  readonly hub: Hub<typeof chatContract.roomEvents>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;
const MESSAGES_PATH = /^\/rooms\/([^/]+)\/messages$/;

/**
 * The chat: `GET /rooms/:roomId/events` streams a room (replayable: messages, presence, the reset signal) and
 * `POST /rooms/:roomId/messages` publishes `{ user, text }` — 201 once stored, 400 on a bad body, 503 when the store
 * is down. `GET /` serves the page, `GET /app.js` its script (esbuild bundle of the generated client and the UI).
 *
 * @example
 * ```ts
 * const app = await startChat({ store: await createChatStore(process.env.REDIS_URL), port: 8080 });
 * ```
 */
export async function startChat(options: { store: ReplayStore; port?: number; host?: string }): Promise<ChatApp> {
  const hub = createHub(chatContract.roomEvents, { store: options.store, onError: (e) => console.warn('[chat]', e) });
  const router = implement(
    chatContract,
    {
      roomEvents: {
        handler: async (session) => {
          const user = session.query.user;
          const roomId = session.params.roomId;
          // Announced once this stream is live, so the joining page sees its own arrival too.
          const onLive = () => {
            if (user) void hub.publish({ roomId }, 'presence', { user, status: 'joined' }).catch(() => {});
          };
          await hub.subscribe(session, { onLive });
          if (user) void hub.publish({ roomId }, 'presence', { user, status: 'left' }).catch(() => {});
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
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      send(res, 200, 'text/html; charset=utf-8', html);
      return;
    }
    if (req.method === 'GET' && path === '/app.js') {
      send(res, 200, 'text/javascript; charset=utf-8', script);
      return;
    }
    const match = MESSAGES_PATH.exec(path);
    if (match) {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      void postMessage(hub, match[1] as string, req, res);
      return;
    }
    sse(req, res, () => problem(res, 404, `nothing at ${path}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    hub,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    async close() {
      router.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await hub.close();
    },
  };
}

async function postMessage(
  hub: ChatApp['hub'],
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
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    problem(res, 415, 'send application/json');
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch (error) {
    problem(res, error instanceof RangeError ? 413 : 400, error instanceof RangeError ? error.message : 'invalid JSON');
    return;
  }
  const parsed = ChatMessageInput.safeParse(body);
  if (!parsed.success) {
    problem(res, 400, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
    return;
  }
  try {
    const receipt = await hub.publish({ roomId }, 'message', { ...parsed.data, sentAt: new Date().toISOString() });
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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RangeError(`the body exceeds ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

function problem(res: ServerResponse, status: number, detail: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res
    .writeHead(status, { 'content-type': 'application/problem+json', ...headers })
    .end(JSON.stringify({ type: 'about:blank', status, detail }));
}
