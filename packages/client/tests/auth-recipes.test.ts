// The three auth recipes of docs/auth.md, end to end over real HTTP: a hub with replay on a node:http server, and the
// typed client (`subscribeRoute` is what a generated client's `subscribe` calls with the config given to createClient).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineContract } from '@ssekit/contract';
import { type BeforeStreamContext, HttpError, implement } from '@ssekit/server';
import { createHub, createMemoryReplayStore } from '@ssekit/server/broadcast';
import { createNodeHandler } from '@ssekit/server/node';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  type ClientConfig,
  type CloseInfo,
  createEventDecoder,
  HttpStatusError,
  type RouteClientSpec,
  type SsekitError,
  subscribeRoute,
  type TypedEvent,
} from '../src/index.ts';
import { waitFor } from './helpers/sse-server.ts';

/** One replayable inbox per user. */
const inboxContract = defineContract({
  inbox: {
    path: '/users/:userId/inbox',
    params: z.object({ userId: z.string().min(1).max(32) }),
    replay: true,
    resetEvent: 'reset',
    events: { note: z.object({ n: z.number().int() }), reset: z.object({ reason: z.string() }) },
  },
});

type InboxEvent = TypedEvent<'note', { n: number }> | TypedEvent<'reset', { reason: string }>;
/** What the generated client's spec for the route holds. */
const inboxSpec: RouteClientSpec<InboxEvent> = {
  key: 'inbox',
  path: '/users/:userId/inbox',
  method: 'GET',
  decoders: {
    note: createEventDecoder({ schema: z.object({ n: z.number().int() }), route: 'inbox' }),
    reset: createEventDecoder({ schema: z.object({ reason: z.string() }), route: 'inbox' }),
  },
};

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  cookie: string | undefined;
  lastEventId: string | undefined;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Serves the inbox with `userOf(request)` as the authentication (401 when it returns undefined) and the hub's
 * per-topic authorization (403 unless the user asks for their own inbox).
 */
async function serveInbox(userOf: (headers: Readonly<Record<string, string>>) => string | undefined) {
  // Recipe (c): per-topic authorization in the hub. `authorize` runs before every subscription (each reconnect too).
  const hub = createHub(inboxContract.inbox, {
    store: createMemoryReplayStore(),
    authorize: ({ params, request }) => userOf(request.headers) === params.userId,
  });
  const inbox = hub.implementation();
  const router = implement(inboxContract, {
    inbox: {
      // Recipes (a) and (b): authenticate first (401), then let the hub authorize the topic (403).
      beforeStream: async (ctx: BeforeStreamContext<{ userId: string }>) => {
        if (userOf(ctx.request.headers) === undefined) {
          throw new HttpError(401, { detail: 'sign in again' }, { 'www-authenticate': 'Bearer' });
        }
        await inbox.beforeStream(ctx);
      },
      handler: inbox.handler,
    },
  });
  const seen: Seen[] = [];
  const sse = createNodeHandler(router);
  const server: Server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      cookie: req.headers.cookie,
      lastEventId: req.headers['last-event-id'] as string | undefined,
    });
    sse(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(async () => {
    router.closeAll();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await hub.close();
  });
  return { url, hub, router, seen };
}

/** Subscribes and records notes, errors and the close. */
function follow(config: ClientConfig, userId: string) {
  const notes: { n: number; id: string | undefined }[] = [];
  const errors: SsekitError[] = [];
  let closed: CloseInfo | undefined;
  const sub = subscribeRoute(
    config,
    inboxSpec,
    { params: { userId } },
    {
      note: (data: { n: number }, e) => notes.push({ n: data.n, id: e.id }),
      onError: (e) => errors.push(e),
      onClose: (info) => {
        closed = info;
      },
    },
  );
  cleanups.push(() => sub.close());
  return {
    notes,
    errors,
    sub,
    get closed() {
      return closed;
    },
  };
}

describe('recipe (a): bearer token through the headers function, refreshed on a 401', () => {
  it('a token that expired while the stream was open is refreshed on reconnect; Last-Event-ID is kept, nothing lost', async () => {
    // The identity provider of the test: token → user.
    const valid = new Map([['token-1', 'ada']]);
    let issued = 1;
    const { url, hub, router, seen } = await serveInbox(
      (headers) => valid.get(headers.authorization?.replace(/^Bearer /, '') ?? '') ?? undefined,
    );

    // The client side of the recipe.
    let token = 'token-1';
    const refreshToken = async () => {
      issued++;
      token = `token-${issued}`;
      valid.set(token, 'ada'); // what your auth server does on a refresh
    };
    const config: ClientConfig = {
      baseUrl: url,
      headers: () => ({ authorization: `Bearer ${token}` }),
      onUnauthorized: () => refreshToken(),
      reconnect: { initialDelayMs: 10 },
    };

    const ada = follow(config, 'ada');
    await waitFor(() => hub.subscriberCount() === 1, 5000, 'the subscription');
    for (const n of [1, 2]) await hub.publish({ userId: 'ada' }, 'note', { n });
    await waitFor(() => ada.notes.length === 2, 5000, 'two notes');

    // The token expires and the stream is cut (a deploy, a proxy timeout...); two notes are published meanwhile.
    valid.delete('token-1');
    router.closeAll();
    for (const n of [3, 4]) await hub.publish({ userId: 'ada' }, 'note', { n });
    await waitFor(() => hub.subscriberCount() === 1 && seen.length === 3, 5000, 'the refreshed reconnect');
    await hub.publish({ userId: 'ada' }, 'note', { n: 5 });
    await waitFor(() => ada.notes.length === 5, 5000, 'five notes');

    expect(ada.notes.map((note) => note.n)).toEqual([1, 2, 3, 4, 5]);
    const lastBeforeCut = ada.notes[1]?.id;
    expect(seen.map(({ authorization, lastEventId }) => ({ authorization, lastEventId }))).toEqual([
      { authorization: 'Bearer token-1', lastEventId: undefined },
      { authorization: 'Bearer token-1', lastEventId: lastBeforeCut }, // 401
      { authorization: 'Bearer token-2', lastEventId: lastBeforeCut }, // at once, same Last-Event-ID
    ]);
    expect(ada.errors).toEqual([]);
    expect(ada.closed).toBeUndefined();
  });

  it('a second 401 in a row (the refresh did not help) ends the stream; no retry loop', async () => {
    const { url, seen } = await serveInbox(() => undefined);
    let refreshes = 0;
    const ada = follow(
      {
        baseUrl: url,
        headers: () => ({ authorization: 'Bearer revoked' }),
        onUnauthorized: () => {
          refreshes++;
        },
        reconnect: { initialDelayMs: 10 },
      },
      'ada',
    );
    await waitFor(() => ada.closed !== undefined, 5000, 'the stream to end');
    expect(ada.closed?.reason).toBe('terminal-error');
    expect(ada.closed?.error).toBeInstanceOf(HttpStatusError);
    expect(ada.closed?.error).toMatchObject({ code: 'HTTP_STATUS', status: 401 });
    expect(refreshes).toBe(1);
    expect(seen).toHaveLength(2);
  });
});

describe('recipe (b): cookie session', () => {
  it("sends the session cookie with credentials: 'include'; no session or an unknown one gets 401", async () => {
    const sessions = new Map([['s3cr3t', 'ada']]);
    const { url, hub, seen } = await serveInbox((headers) => {
      const sid = /(?:^|;\s*)sid=([^;]+)/.exec(headers.cookie ?? '')?.[1];
      return sid === undefined ? undefined : sessions.get(sid);
    });
    // A browser's fetch keeps the cookie jar; this one plays that part for the test, for requests that include
    // credentials (the recipe's `credentials: 'include'`, needed when the stream is on another origin).
    const jar = 'sid=s3cr3t';
    const browserFetch: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      if (init?.credentials === 'include') headers.set('cookie', jar);
      return fetch(input, { ...init, headers });
    };
    const ada = follow({ baseUrl: url, credentials: 'include', fetch: browserFetch }, 'ada');
    await waitFor(() => hub.subscriberCount() === 1, 5000, 'the subscription');
    await hub.publish({ userId: 'ada' }, 'note', { n: 1 });
    await waitFor(() => ada.notes.length === 1, 5000, 'a note');
    expect(seen[0]?.cookie).toBe('sid=s3cr3t');

    // Without credentials (or with a session the server does not know): 401, terminal.
    const anonymous = follow({ baseUrl: url, fetch: browserFetch }, 'ada');
    await waitFor(() => anonymous.closed !== undefined, 5000, 'the anonymous stream to end');
    expect(anonymous.closed?.error).toMatchObject({ code: 'HTTP_STATUS', status: 401 });
    sessions.delete('s3cr3t');
    const expired = follow({ baseUrl: url, credentials: 'include', fetch: browserFetch }, 'ada');
    await waitFor(() => expired.closed !== undefined, 5000, 'the expired stream to end');
    expect(expired.closed?.error).toMatchObject({ code: 'HTTP_STATUS', status: 401 });
    expect(hub.subscriberCount()).toBe(1);
  });
});

describe('recipe (c): per-topic authorization in the hub', () => {
  it("a user subscribes to their own inbox only: another user's inbox answers 403 before any event", async () => {
    const { url, hub } = await serveInbox((headers) => headers.authorization?.replace(/^Bearer /, ''));
    const config = (user: string): ClientConfig => ({
      baseUrl: url,
      headers: { authorization: `Bearer ${user}` },
      reconnect: { initialDelayMs: 10 },
    });
    const own = follow(config('ada'), 'ada');
    await waitFor(() => hub.subscriberCount(hub.topicOf({ userId: 'ada' })) === 1, 5000, "ada's subscription");
    await hub.publish({ userId: 'bo' }, 'note', { n: 1 }); // stored in bo's inbox before anyone looks
    const raw = await fetch(`${url}/users/bo/inbox`, {
      headers: { authorization: 'Bearer ada', accept: 'text/event-stream', 'last-event-id': 'x' },
    });
    expect(raw.status).toBe(403);
    expect(raw.headers.get('content-type')).toBe('application/problem+json');
    expect(await raw.text()).not.toContain('"n"');
    const other = follow(config('ada'), 'bo');
    await waitFor(() => other.closed !== undefined, 5000, 'the refused stream to end');
    expect(other.notes).toEqual([]);
    expect(other.closed?.error).toMatchObject({ code: 'HTTP_STATUS', status: 403 });
    expect(hub.subscriberCount(hub.topicOf({ userId: 'bo' }))).toBe(0);
    await hub.publish({ userId: 'ada' }, 'note', { n: 2 });
    await waitFor(() => own.notes.length === 1, 5000, "ada's note");
    expect(own.notes.map((note) => note.n)).toEqual([2]);
  });
});
