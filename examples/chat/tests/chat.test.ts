import { createMemoryReplayStore, type ReplayStore, StoreUnavailableError } from '@ssekit/server/broadcast';
import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { dataOf, type TestStream, until } from '../../../packages/server/tests/broadcast-helpers.ts';
import { chromiumAvailable, launchChromium } from '../../../scripts/chromium.ts';
import { type ChatApp, type ChatOptions, startChat } from '../src/app.ts';
import { CHAT_MEMORY_LIMITS, createChatMemoryStore } from '../src/store.ts';
import { joinRoom, post, rawPost, signIn } from './helpers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function chat(store: ReplayStore = createMemoryReplayStore(), options: Partial<ChatOptions> = {}) {
  const app = await startChat({ store, ...options });
  cleanups.push(
    () => app.close(),
    () => store.close(),
  );
  return app;
}

async function stream(app: ChatApp, room: string, options: Parameters<typeof joinRoom>[2] = {}) {
  const s = await joinRoom(app, room, options);
  cleanups.push(() => s.close());
  return s;
}

const text = (value: string) => JSON.stringify({ text: value });

describe('chat HTTP API', () => {
  it('close({ reconnectWindowMs }) is graceful: each open stream gets a retry hint within the window, then ends', async () => {
    const store = createMemoryReplayStore();
    const app = await startChat({ store });
    cleanups.push(() => store.close());
    const bodies = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const response = await fetch(`${app.url}/rooms/lobby/events`, { headers: { accept: 'text/event-stream' } });
        expect(response.status).toBe(200);
        const reader = response.body!.getReader();
        const first = await reader.read(); // the stream is open (headers and roster flushed)
        return { reader, text: new TextDecoder().decode(first.value) };
      }),
    );
    const closing = app.close({ reconnectWindowMs: 2000, drainMs: 1000 });
    const retries: number[] = [];
    for (const body of bodies) {
      let text = body.text;
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await body.reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      const hint = /^retry: (\d+)$/m.exec(text);
      expect(hint, text).not.toBeNull();
      retries.push(Number(hint![1]));
    }
    await closing;
    for (const retry of retries) {
      expect(retry).toBeGreaterThanOrEqual(0);
      expect(retry).toBeLessThanOrEqual(2000);
    }
  });

  it('POST answers 201 with the event id once stored, and the room streams the message as the signed-in user', async () => {
    const app = await chat();
    const ada = await signIn(app, 'ada');
    const s = await stream(app, 'lobby');
    const response = await post(app, 'lobby', text('hello\nworld'), { cookie: ada });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await s.waitFor((e) => e.some((x) => x.id === id));
    const message = dataOf<{ user: string; text: string; sentAt: string }>(s.events, 'message').at(-1);
    expect(message).toMatchObject({ user: 'ada', text: 'hello\nworld' });
    expect(Number.isNaN(Date.parse(message?.sentAt ?? ''))).toBe(false);
  });

  it('answers 400 to invalid JSON or an invalid message, 415 to a non-JSON body, and publishes nothing', async () => {
    const app = await chat();
    const cookie = await signIn(app, 'ada');
    const s = await stream(app, 'r1');
    for (const body of ['{not json', '{"user":"ada"}', '{"text":""}', '{"text":5}', '[]']) {
      const response = await post(app, 'r1', body, { cookie });
      expect(response.status, body).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await post(app, 'r1', text('x'.repeat(2001)), { cookie })).status).toBe(400);
    expect((await post(app, 'r1', 'text=b', { cookie, type: 'application/x-www-form-urlencoded' })).status).toBe(415);
    const marker = await post(app, 'r1', text('marker'), { cookie });
    const { id } = (await marker.json()) as { id: string };
    await s.waitFor((e) => e.some((x) => x.id === id));
    expect(dataOf<{ text: string }>(s.events, 'message').map((m) => m.text)).toEqual(['marker']);
  });

  it('answers 413 with a status line and a problem body to a 70,000-character text and to a 1 MB body', async () => {
    const app = await chat();
    const cookie = await signIn(app, 'ada');
    const url = `${app.url}/rooms/lobby/messages`;
    const headers = { 'content-type': 'application/json', cookie };
    for (const body of [text('x'.repeat(70_000)), `{"text":"${'y'.repeat(1024 * 1024)}"}`]) {
      const answer = await rawPost(url, body, headers);
      expect(answer).toMatchObject({ status: 413 });
      expect(JSON.parse((answer as { body: string }).body)).toMatchObject({ status: 413 });
      // fetch (undici) gets it too
      const response = await post(app, 'lobby', body, { cookie });
      expect(response.status).toBe(413);
    }
    // The server is fine afterwards.
    expect((await post(app, 'lobby', text('small'), { cookie })).status).toBe(201);
  });

  it('answers 503 when the store is down, and the message is not delivered', async () => {
    const memory = createMemoryReplayStore();
    let down = false;
    const store: ReplayStore = {
      ...memory,
      append: (topic, event, data) =>
        down ? Promise.reject(new StoreUnavailableError('Redis is unreachable')) : memory.append(topic, event, data),
    };
    const app = await chat(store);
    const cookie = await signIn(app, 'ada');
    const s = await stream(app, 'r2');
    down = true;
    const response = await post(app, 'r2', text('lost?'), { cookie });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    down = false;
    const after = await post(app, 'r2', text('after'), { cookie });
    expect(after.status).toBe(201);
    const { id } = (await after.json()) as { id: string };
    await s.waitFor((e) => e.some((x) => x.id === id));
    expect(s.events.some((e) => e.data.includes('lost?'))).toBe(false);
  });

  it('replays what was missed after a reconnect with Last-Event-ID, then continues live', async () => {
    const app = await chat();
    const cookie = await signIn(app, 'bo');
    const first = await stream(app, 'r3');
    const seen = await post(app, 'r3', text('zero'), { cookie });
    const lastSeen = ((await seen.json()) as { id: string }).id;
    await first.waitFor((e) => e.some((x) => x.id === lastSeen));
    first.close();
    const missed: string[] = [];
    for (const value of ['one', 'two', 'three']) {
      const response = await post(app, 'r3', text(value), { cookie });
      missed.push(((await response.json()) as { id: string }).id);
    }
    const again = await stream(app, 'r3', { lastEventId: lastSeen });
    await post(app, 'r3', text('four'), { cookie });
    await again.waitFor((e) => dataOf(e, 'message').length >= 4);
    expect(
      again.events
        .filter((e) => e.event === 'message')
        .map((e) => e.id)
        .slice(0, 3),
    ).toEqual(missed);
    expect(dataOf<{ text: string }>(again.events, 'message').map((m) => m.text)).toEqual([
      'one',
      'two',
      'three',
      'four',
    ]);
  });

  it('sends the reset event to a client whose Last-Event-ID cannot be resumed', async () => {
    const app = await chat();
    const s = await stream(app, 'r4', { lastEventId: 'an-id-from-somewhere-else' });
    expect(s.events[0]).toMatchObject({ event: 'reset' });
    expect(JSON.parse(s.events[0]?.data as string)).toEqual({ reason: 'malformed' });
  });
});

describe('chat identity and origin check', () => {
  it('takes the author from the signed cookie, never the body; a missing or forged cookie gets 401', async () => {
    const app = await chat();
    const ada = await signIn(app, 'ada');
    const s = await stream(app, 'id1');
    // Missing cookie, a cookie with the name changed, a cookie signed with another secret, garbage.
    const other = await chat(createMemoryReplayStore(), { secret: 'another secret' });
    const foreign = await signIn(other, 'mallory');
    const [, value] = ada.split('=') as [string, string];
    const [, owner, signature] = value.split('.');
    const renamed = `chat_name=${Buffer.from('bo').toString('base64url')}.${owner}.${signature}`;
    for (const cookie of [undefined, renamed, foreign, 'chat_name=x.y.z', 'chat_name=']) {
      const response = await post(app, 'id1', JSON.stringify({ user: 'bo', text: 'as bo' }), { cookie });
      expect(response.status, String(cookie)).toBe(401);
    }
    const response = await post(app, 'id1', JSON.stringify({ user: 'bo', text: 'really ada' }), { cookie: ada });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await s.waitFor((e) => e.some((x) => x.id === id));
    expect(dataOf<{ user: string; text: string }>(s.events, 'message')).toEqual([
      expect.objectContaining({ user: 'ada', text: 'really ada' }),
    ]);
  });

  it('a name is held by its first sign-in: another client cannot sign in as it (409); its owner can again', async () => {
    const app = await chat();
    const ada = await signIn(app, 'ada');
    const again = await fetch(`${app.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ada' }),
    });
    expect(again.status).toBe(409);
    expect(await signIn(app, 'ada', ada)).toMatch(/^chat_name=/);
    const me = await fetch(`${app.url}/session`, { headers: { cookie: ada } });
    expect(await me.json()).toEqual({ name: 'ada' });
    expect((await fetch(`${app.url}/session`)).status).toBe(401);
  });

  it('refuses a request from a foreign origin with 403 before any handler runs; its own origin passes', async () => {
    const app = await chat(createMemoryReplayStore(), { allowedOrigins: ['https://chat.example'] });
    const ada = await signIn(app, 'ada');
    const watcher = await stream(app, 'o1');
    const evil = 'https://evil.example';
    const refused = await joinRoom(app, 'o1', { origin: evil, live: false });
    cleanups.push(() => refused.close());
    expect(refused.status).toBe(403);
    expect(app.hub.subscriberCount()).toBe(1);
    expect((await post(app, 'o1', text('csrf'), { cookie: ada, origin: evil })).status).toBe(403);
    const preflight = await fetch(`${app.url}/rooms/o1/messages`, { method: 'OPTIONS', headers: { origin: evil } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const signInFromEvil = await fetch(`${app.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: evil },
      body: JSON.stringify({ name: 'eve' }),
    });
    expect(signInFromEvil.status).toBe(403);
    // Allowed: the server's own origin, a configured one, and no Origin at all (curl, a same-origin GET).
    for (const origin of [app.url, 'https://chat.example']) {
      const s = await stream(app, 'o1', { origin });
      expect(s.status).toBe(200);
      expect((await post(app, 'o1', text(`from ${origin}`), { cookie: ada, origin })).status).toBe(201);
    }
    await watcher.waitFor((e) => dataOf(e, 'message').length === 2);
    expect(dataOf<{ text: string }>(watcher.events, 'message').map((m) => m.text)).not.toContain('csrf');
  });
});

describe('chat memory bounds', () => {
  it('one client flooding many rooms cannot grow the store past its total byte bound or room count', async () => {
    const store = createChatMemoryStore({ maxTotalBytes: 2 * 1024 * 1024 });
    const app = await chat(store);
    const cookie = await signIn(app, 'flood');
    const big = text('x'.repeat(2000));
    let next = 0;
    let newestId: string | undefined;
    // 1,500 rooms × 2,000 characters ≈ 3 MB of messages, and 1,500 rooms more with a tiny one: both bounds are hit.
    const worker = async () => {
      for (let room = next++; room < 3000; room = next++) {
        const response = await post(app, `flood-${room}`, room < 1500 ? big : text('.'), { cookie });
        expect(response.status).toBe(201);
        if (room === 2999) newestId = ((await response.json()) as { id: string }).id;
        expect(store.totalBytes).toBeLessThanOrEqual(2 * 1024 * 1024);
        expect(store.topicCount).toBeLessThanOrEqual(CHAT_MEMORY_LIMITS.maxTopics);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(store.topicCount).toBe(CHAT_MEMORY_LIMITS.maxTopics);
    // The newest room is whole: its message is still retained, so resuming from it is no reset, and the next
    // message arrives.
    const last = await joinRoom(app, 'flood-2999', { lastEventId: newestId as string });
    cleanups.push(() => last.close());
    await post(app, 'flood-2999', text('after'), { cookie });
    await last.waitFor((e) => dataOf(e, 'message').length === 1);
    expect(last.events.filter((e) => e.event === 'reset')).toEqual([]);
    expect(dataOf<{ text: string }>(last.events, 'message').map((m) => m.text)).toEqual(['after']);
    // Resuming from before a room's first message in an evicted store is answered conservatively: that cursor might
    // predate a room dropped whole, so it gets the reset event rather than a silent partial replay.
    const early = await joinRoom(app, 'flood-2999', { lastEventId: `${store.epoch}-0-0` });
    cleanups.push(() => early.close());
    expect(early.events.map((e) => e.event)).toContain('reset');
  }, 60_000);

  it('the default chat store is bounded across rooms', () => {
    const store = createChatMemoryStore();
    cleanups.push(() => store.close());
    expect(CHAT_MEMORY_LIMITS).toMatchObject({ maxTopics: 1000, maxTotalBytes: 32 * 1024 * 1024 });
  });
});

describe('chat presence', () => {
  it('sends the roster when a stream goes live, then coalesced presence diffs, none of them stored', async () => {
    const store = createChatMemoryStore();
    const app = await chat(store, { presenceWindowMs: 200 });
    const [bo, ada, cy, dy] = await Promise.all(['bo', 'ada', 'cy', 'dy'].map((name) => signIn(app, name)));
    const boStream = await stream(app, 'p1', { cookie: bo as string });
    expect(dataOf(boStream.events, 'roster')).toEqual([{ users: ['bo'] }]);
    await boStream.waitFor((e) => dataOf(e, 'presence').length === 1, 5000, "bo's own join");
    const adaStream = await stream(app, 'p1', { cookie: ada as string });
    expect(dataOf(adaStream.events, 'roster')).toEqual([{ users: ['bo', 'ada'] }]);
    await boStream.waitFor((e) => dataOf(e, 'presence').length === 2, 5000, 'two diffs');
    // bo's own join, then ada's.
    expect(dataOf(boStream.events, 'presence')).toEqual([
      { joined: ['bo'], left: [] },
      { joined: ['ada'], left: [] },
    ]);
    // Two joins within one window: one event.
    await Promise.all([stream(app, 'p1', { cookie: cy as string }), stream(app, 'p1', { cookie: dy as string })]);
    await boStream.waitFor((e) => dataOf(e, 'presence').length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const third = dataOf<{ joined: string[]; left: string[] }>(boStream.events, 'presence').slice(2);
    expect(third.flatMap((d) => d.joined).sort()).toEqual(['cy', 'dy']);
    expect(third.length).toBe(1);
    adaStream.close();
    await boStream.waitFor((e) => e.some((x) => x.event === 'presence' && x.data.includes('"left":["ada"]')));
    // Nothing but messages is stored; roster and presence carry no id.
    expect(boStream.events.filter((e) => e.event !== 'message').every((e) => e.id === undefined)).toBe(true);
    const stored = await store.read(app.hub.topicOf({ roomId: 'p1' }), store.epoch, { ms: 0, seq: 0 });
    expect(stored).toEqual({ kind: 'events', events: [] });
  });

  it('1,000 users joining cost deliveries linear in users, and messages stay resumable', async () => {
    const users = 1000;
    const store = createChatMemoryStore();
    // A 2 s window: however slowly the 1,000 streams open on a loaded machine (up to ~15 s), at most a few windows.
    const app = await chat(store, { presenceWindowMs: 2000 });
    const cookies: string[] = [];
    for (let i = 0; i < users; i += 50) {
      cookies.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => signIn(app, `user-${i + j}`)))));
    }
    const poster = cookies[0] as string;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await post(app, 'big', text(`before ${i}`), { cookie: poster });
      ids.push(((await response.json()) as { id: string }).id);
    }
    const streams: TestStream[] = [];
    for (let i = 0; i < users; i += 100) {
      streams.push(...(await Promise.all(cookies.slice(i, i + 100).map((cookie) => joinRoom(app, 'big', { cookie })))));
    }
    cleanups.push(() => {
      for (const s of streams) s.close();
    });
    await until(() => app.presence.roster('big').length === users, 10_000, 'everyone in the roster');
    // Once the last window flushed, every stream's view (roster, then diffs as a set) is the full room.
    const last = streams.at(-1);
    await last?.waitFor((e) => viewOf(e).size === users, 10_000, 'the full roster on the last stream');
    await streams[0]?.waitFor((e) => viewOf(e).size === users, 10_000, 'the full roster on the first stream');
    const joined = app.presence.deliveries;
    // Quadratic presence would be users * (users + 1) / 2 = 500,500 deliveries; here: one roster per stream plus one
    // diff per stream per window while people keep joining.
    expect(joined).toBeLessThanOrEqual(10 * users);
    for (const s of streams) s.close();
    await until(() => app.presence.roster('big').length === 0, 10_000, 'everyone gone');
    // A client resuming from the first message gets the nine after it: presence never pushed them out.
    const resumed = await stream(app, 'big', { lastEventId: ids[0] as string });
    expect(resumed.events.filter((e) => e.event === 'message').map((e) => e.id)).toEqual(ids.slice(1));
    expect(resumed.events.some((e) => e.event === 'reset')).toBe(false);
    console.log(`presence: ${users} users joined with ${joined} deliveries (${(joined / users).toFixed(1)} per user)`);
  }, 120_000);
});

/** The set of users a stream's roster and presence events add up to. */
function viewOf(events: readonly { event: string; data: string }[]): Set<string> {
  const view = new Set<string>();
  for (const e of events) {
    if (e.event === 'roster') {
      view.clear();
      for (const user of (JSON.parse(e.data) as { users: string[] }).users) view.add(user);
    } else if (e.event === 'presence') {
      const diff = JSON.parse(e.data) as { joined: string[]; left: string[] };
      for (const user of diff.joined) view.add(user);
      for (const user of diff.left) view.delete(user);
    }
  }
  return view;
}

const hasChromium = chromiumAvailable('the chat page test');

describe('chat page in Chromium', () => {
  it.skipIf(!hasChromium)(
    'signs in, joins a room through the generated client, shows the roster, sends a message and shows it',
    async () => {
      const app = await chat();
      const ada = await signIn(app, 'ada');
      const adaStream = await stream(app, 'lobby', { cookie: ada });
      const browser: Browser = await launchChromium();
      cleanups.push(() => browser.close());
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${app.url}/`);
      await page.fill('#user', 'grace');
      await page.click('#join');
      await page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'open');
      // The roster: ada was there before grace joined.
      await page.waitForFunction(() => {
        const text = document.querySelector('#presence')?.textContent ?? '';
        return text.includes('grace') && text.includes('ada');
      });
      await page.fill('input[name=text]', 'hello from Chromium');
      await page.click('#send button');
      await page.waitForFunction(() =>
        document.querySelector('#log')?.textContent?.includes('grace: hello from Chromium'),
      );
      // A message from elsewhere (curl, another instance) arrives too, and ada leaving shows.
      await post(app, 'lobby', text('hi grace'), { cookie: ada });
      await page.waitForFunction(() => document.querySelector('#log')?.textContent?.includes('ada: hi grace'));
      adaStream.close();
      await page.waitForFunction(() => !document.querySelector('#presence')?.textContent?.includes('ada'));
      expect(errors).toEqual([]);
      await until(() => app.hub.subscriberCount() === 1, 2000, 'one subscriber');
    },
    30_000,
  );
});
