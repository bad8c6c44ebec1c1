import { createMemoryReplayStore, type ReplayStore, StoreUnavailableError } from '@ssekit/server/broadcast';
import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { dataOf, openStream, type TestStream, until } from '../../../packages/server/tests/broadcast-helpers.ts';
import { chromiumAvailable, launchChromium } from '../../../scripts/chromium.ts';
import { type ChatApp, startChat } from '../src/app.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function chat(store: ReplayStore = createMemoryReplayStore()): Promise<ChatApp> {
  const app = await startChat({ store });
  cleanups.push(
    () => app.close(),
    () => store.close(),
  );
  return app;
}

async function stream(app: ChatApp, room: string, options: { lastEventId?: string; user?: string } = {}) {
  const query = options.user ? `?user=${encodeURIComponent(options.user)}` : '';
  const s = await openStream(`${app.url}/rooms/${encodeURIComponent(room)}/events${query}`, {
    ...(options.lastEventId ? { lastEventId: options.lastEventId } : {}),
  });
  cleanups.push(() => s.close());
  return s;
}

function post(app: ChatApp, room: string, body: string, type = 'application/json') {
  return fetch(`${app.url}/rooms/${encodeURIComponent(room)}/messages`, {
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });
}

/** Posts until the (freshly connected) stream sees one: its subscription is then live. */
async function warmUp(app: ChatApp, room: string, s: TestStream): Promise<void> {
  for (let i = 0; i < 50 && !s.events.some((e) => e.event === 'message'); i++) {
    await post(app, room, JSON.stringify({ user: 'warm', text: 'up' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await s.waitFor((e) => e.some((x) => x.event === 'message'));
}

describe('chat HTTP API', () => {
  it('POST answers 201 with the event id once stored, and the room streams the message', async () => {
    const app = await chat();
    const s = await stream(app, 'lobby');
    await warmUp(app, 'lobby', s);
    const response = await post(app, 'lobby', JSON.stringify({ user: 'ada', text: 'hello\nworld' }));
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await s.waitFor((e) => e.some((x) => x.id === id));
    const message = dataOf<{ user: string; text: string; sentAt: string }>(s.events, 'message').at(-1);
    expect(message).toMatchObject({ user: 'ada', text: 'hello\nworld' });
    expect(Number.isNaN(Date.parse(message?.sentAt ?? ''))).toBe(false);
  });

  it('answers 400 to invalid JSON or an invalid message, 415 to a non-JSON body, and publishes nothing', async () => {
    const app = await chat();
    const s = await stream(app, 'r1');
    await warmUp(app, 'r1', s);
    const before = s.events.length;
    for (const body of ['{not json', '{"user":"ada"}', '{"user":"","text":"x"}', '{"user":"a","text":5}', '[]']) {
      const response = await post(app, 'r1', body);
      expect(response.status, body).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await post(app, 'r1', JSON.stringify({ user: 'a', text: 'x'.repeat(2001) }))).status).toBe(400);
    expect((await post(app, 'r1', 'user=a&text=b', 'application/x-www-form-urlencoded')).status).toBe(415);
    const marker = await post(app, 'r1', JSON.stringify({ user: 'a', text: 'marker' }));
    const { id } = (await marker.json()) as { id: string };
    await s.waitFor((e) => e.some((x) => x.id === id));
    expect(s.events.slice(before).map((e) => JSON.parse(e.data).text)).toEqual(['marker']);
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
    const s = await stream(app, 'r2');
    await warmUp(app, 'r2', s);
    down = true;
    const response = await post(app, 'r2', JSON.stringify({ user: 'ada', text: 'lost?' }));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    down = false;
    const after = await post(app, 'r2', JSON.stringify({ user: 'ada', text: 'after' }));
    expect(after.status).toBe(201);
    const { id } = (await after.json()) as { id: string };
    await s.waitFor((e) => e.some((x) => x.id === id));
    expect(s.events.some((e) => e.data.includes('lost?'))).toBe(false);
  });

  it('replays what was missed after a reconnect with Last-Event-ID, then continues live', async () => {
    const app = await chat();
    const first = await stream(app, 'r3');
    await warmUp(app, 'r3', first);
    const lastSeen = first.events.at(-1)?.id as string;
    first.close();
    const missed: string[] = [];
    for (const text of ['one', 'two', 'three']) {
      const response = await post(app, 'r3', JSON.stringify({ user: 'bo', text }));
      missed.push(((await response.json()) as { id: string }).id);
    }
    const again = await stream(app, 'r3', { lastEventId: lastSeen });
    await again.waitFor((e) => e.length >= 3);
    await post(app, 'r3', JSON.stringify({ user: 'bo', text: 'four' }));
    await again.waitFor((e) => e.length >= 4);
    expect(again.events.slice(0, 3).map((e) => e.id)).toEqual(missed);
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
    await s.waitFor((e) => e.length >= 1);
    expect(s.events[0]).toMatchObject({ event: 'reset' });
    expect(JSON.parse(s.events[0]?.data as string)).toEqual({ reason: 'malformed' });
  });

  it('publishes presence when a named user joins and leaves', async () => {
    const app = await chat();
    const watcher = await stream(app, 'r5');
    await warmUp(app, 'r5', watcher);
    const ada = await stream(app, 'r5', { user: 'ada' });
    await watcher.waitFor((e) => e.some((x) => x.event === 'presence'));
    ada.close();
    await watcher.waitFor((e) => e.filter((x) => x.event === 'presence').length === 2);
    expect(dataOf(watcher.events, 'presence')).toEqual([
      { user: 'ada', status: 'joined' },
      { user: 'ada', status: 'left' },
    ]);
  });
});

const hasChromium = chromiumAvailable('the chat page test');

describe('chat page in Chromium', () => {
  it.skipIf(!hasChromium)(
    'joins a room through the generated client, sends a message and shows it, with presence',
    async () => {
      const app = await chat();
      const browser: Browser = await launchChromium();
      cleanups.push(() => browser.close());
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${app.url}/`);
      await page.fill('#user', 'grace');
      await page.click('#join');
      await page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'open');
      await page.waitForFunction(() => document.querySelector('#presence')?.textContent?.includes('grace'));
      // The stream is live once our own presence arrived: a message posted now must show up.
      await page.fill('input[name=text]', 'hello from Chromium');
      await page.click('#send button');
      await page.waitForFunction(() =>
        document.querySelector('#log')?.textContent?.includes('grace: hello from Chromium'),
      );
      // A message from elsewhere (curl, another instance) arrives too.
      await post(app, 'lobby', JSON.stringify({ user: 'ada', text: 'hi grace' }));
      await page.waitForFunction(() => document.querySelector('#log')?.textContent?.includes('ada: hi grace'));
      expect(errors).toEqual([]);
      await until(() => app.hub.subscriberCount() === 1, 2000, 'one subscriber');
    },
    30_000,
  );
});
