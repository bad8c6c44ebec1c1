import { request } from 'node:http';
import { openStream, type TestStream } from '../../../packages/server/tests/broadcast-helpers.ts';
import type { ChatApp } from '../src/app.ts';

/** Signs `name` in; the `Cookie` header value to send with later requests. */
export async function signIn(app: ChatApp, name: string, cookie?: string): Promise<string> {
  const response = await fetch(`${app.url}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 200) throw new Error(`sign-in as ${name}: HTTP ${response.status}`);
  const setCookie = response.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0] as string;
}

/** Posts a body to a room as `cookie`'s user (JSON unless `type` says otherwise). */
export function post(
  app: ChatApp,
  room: string,
  body: string,
  options: { cookie?: string | undefined; type?: string; origin?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': options.type ?? 'application/json' };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  return fetch(`${app.url}/rooms/${encodeURIComponent(room)}/messages`, { method: 'POST', headers, body });
}

/** Opens a room's stream, with a name cookie and/or `Last-Event-ID`; resolves once it is live (its roster arrived). */
export async function joinRoom(
  app: ChatApp,
  room: string,
  options: { cookie?: string; lastEventId?: string; origin?: string; live?: boolean } = {},
): Promise<TestStream> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  const s = await openStream(`${app.url}/rooms/${encodeURIComponent(room)}/events`, {
    headers,
    ...(options.lastEventId ? { lastEventId: options.lastEventId } : {}),
  });
  if (s.status === 200 && options.live !== false) {
    await s.waitFor((e) => e.some((x) => x.event === 'roster'), 10_000, 'the roster');
  }
  return s;
}

/**
 * A POST over a raw node:http request, body written as fast as the socket takes it: the status line the client got,
 * or the socket error when it got none (a reset before the answer).
 */
export function rawPost(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', (error) => resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }));
    req.end(body);
  });
}
