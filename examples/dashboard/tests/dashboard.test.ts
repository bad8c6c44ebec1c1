import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../scripts/chromium.ts';
import { buildPage, type DashboardApp, type PageAssets, startDashboard } from '../src/app.ts';

const hasChromium = chromiumAvailable('the dashboard e2e');
const repo = resolve(import.meta.dirname, '../../..');
const artifacts = resolve(repo, 'test-artifacts');

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let assets: PageAssets;
beforeAll(async () => {
  assets = await buildPage();
}, 120_000);

const state = (page: Page) =>
  page.evaluate(() => ({
    status: document.querySelector('#status')?.getAttribute('data-status'),
    sharing: document.querySelector('#sharing')?.getAttribute('data-sharing'),
    cards: document.querySelectorAll('.card dl').length,
    feed: document.querySelectorAll('#feed li').length,
    restarted: document.querySelector('#restart-notice') !== null,
  }));
type PageState = Awaited<ReturnType<typeof state>>;

async function until(page: Page, ok: (s: PageState) => boolean, what: string, timeoutMs = 15_000): Promise<PageState> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const s = await state(page);
    if (ok(s)) return s;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('dashboard', () => {
  it('its generated client is up to date with its contract (`ssekit generate --check`)', async () => {
    const bin = resolve(repo, 'codegen/bin/ssekit-dev.js');
    const cwd = resolve(import.meta.dirname, '..');
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((done) => {
      execFile(process.execPath, [bin, 'generate', '--check'], { cwd, timeout: 60_000 }, (error, out) =>
        done({ code: error ? 1 : 0, stdout: out }),
      );
    });
    expect({ code, stdout }).toEqual({ code: 0, stdout: 'up to date: 1 file(s)\n' });
  });

  it('serves the page and the metrics stream from `npm run example:dashboard` with PORT', async () => {
    const child: ChildProcess = spawn('npm', ['run', 'example:dashboard'], {
      cwd: repo,
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    cleanups.push(() => {
      if (child.exitCode === null) process.kill(-(child.pid as number), 'SIGTERM');
    });
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const found = /listening on (http:\/\/\S+)/.exec(out)?.[1];
        if (found) done(found);
      });
      child.once('exit', (code) => fail(new Error(`exited with ${code}: ${out}`)));
    });
    const html = await (await fetch(`${url}/`)).text();
    expect(html).toMatch(/<script type="module"[^>]* src="\/assets\/index-[\w-]+\.js"/);
    const controller = new AbortController();
    const response = await fetch(`${url}/metrics`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    controller.abort();
    expect(new TextDecoder().decode(value)).toMatch(/event: sample\nid: \S+\ndata: \{"service":/);
  }, 120_000);

  it.skipIf(!hasChromium)(
    'two tabs share one stream; status and the live feed render; after a server restart the page reconnects and starts over',
    async () => {
      let app: DashboardApp = await startDashboard({ assets, publishEveryMs: 100 });
      cleanups.push(() => app.close());
      const port = Number(new URL(app.url).port);
      const browser = await launchChromium();
      cleanups.push(() => browser.close());
      const context = await browser.newContext({ viewport: { width: 1100, height: 820 } });
      const errors: string[] = [];
      const open = async () => {
        const page = await context.newPage();
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(`${app.url}/`);
        return page;
      };

      const first = await open();
      await until(
        first,
        (s) => s.status === 'open' && s.sharing === 'leader' && s.cards === 4,
        'the first tab to lead',
      );
      const second = await open();
      await until(second, (s) => s.status === 'open' && s.sharing === 'follower' && s.feed >= 5, 'the second tab');
      expect(app.hub.subscriberCount()).toBe(1); // two tabs, one stream
      mkdirSync(artifacts, { recursive: true });
      await until(first, (s) => s.feed >= 12, 'a full feed');
      await first.screenshot({ path: resolve(artifacts, 'dashboard.png'), fullPage: true });

      await app.close();
      await until(first, (s) => s.status === 'retrying' || s.status === 'connecting', 'the tab to notice');
      app = await startDashboard({ assets, port, publishEveryMs: 100 });
      for (const page of [first, second]) {
        await until(page, (s) => s.status === 'open' && s.restarted && s.cards === 4, 'reconnected after the restart');
      }
      expect(app.hub.subscriberCount()).toBe(1);
      await first.screenshot({ path: resolve(artifacts, 'dashboard-after-restart.png'), fullPage: true });
      expect(errors).toEqual([]);
    },
    90_000,
  );
});
