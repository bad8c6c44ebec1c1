import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../scripts/chromium.ts';
import { renderDocsHtml } from '../src/emitters/html/html.ts';
import { generate } from '../src/generate.ts';
import { seedIr } from './fixtures/seed-ir.ts';

const root = resolve(import.meta.dirname, '../..');
const artifacts = resolve(root, 'test-artifacts');
const hasChromium = chromiumAvailable("the docs page's Chromium tests");

// The page for contracts/ as `ssekit generate` writes it (docs/ssekit.config.ts, without touching the files).
const { ir, files } = await generate({ cwd: resolve(root, 'docs'), check: true });
const page = files.find((f) => f.name === 'docs/index.html');
if (!page) throw new Error('the html emitter wrote no docs/index.html');

interface Loaded {
  page: Page;
  errors: string[];
  requests: string[];
}

let browser: Browser | undefined;

async function load(html: string, name: string): Promise<Loaded> {
  if (!browser) throw new Error('no browser');
  await mkdir(artifacts, { recursive: true });
  const file = resolve(artifacts, name);
  await writeFile(file, html);
  const url = pathToFileURL(file).href;
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(`${message.type()}: ${message.text()}`);
  });
  tab.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  tab.on('request', (request) => requests.push(request.url()));
  await tab.goto(url, { waitUntil: 'load' });
  expect(requests).toEqual([url]);
  return { page: tab, errors, requests };
}

async function visibleTexts(tab: Page, selector: string, attribute: string): Promise<string[]> {
  return tab.$$eval(
    selector,
    (elements, attr) =>
      elements.filter((el) => (el as HTMLElement).offsetParent !== null).map((el) => el.getAttribute(attr) ?? ''),
    attribute,
  );
}

describe('docs page in Chromium', () => {
  beforeAll(async () => {
    if (!hasChromium) return;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.skipIf(!hasChromium)(
    'shows every route and event of contracts/, fetches nothing, logs no error, and the search filters',
    async () => {
      const { page: tab, errors, requests } = await load(page.contents, 'docs.html');
      const routeKeys = ir.routes.map((r) => r.key);
      expect(await visibleTexts(tab, 'section[data-route]', 'data-route')).toEqual(routeKeys);
      for (const route of ir.routes) {
        const section = tab.locator(`section[data-route="${route.key}"]`);
        await expect(section.locator('h2 .path').textContent()).resolves.toBe(route.path);
        expect(
          await section
            .locator('article[data-event]')
            .evaluateAll((els) => els.map((e) => e.getAttribute('data-event'))),
        ).toEqual(route.events.map((e) => e.name));
        for (const event of route.events) {
          expect(await section.locator(`article[data-event="${event.name}"] table.schema`).isVisible()).toBe(true);
        }
        await expect(section.locator('.snippet pre').first().textContent()).resolves.toContain(
          `client.${route.key}.subscribe(`,
        );
      }
      expect(await visibleTexts(tab, 'nav li[data-nav-route]', 'data-nav-route')).toEqual(routeKeys);
      await tab.screenshot({ path: resolve(artifacts, 'docs.png'), fullPage: false });

      // Filter by an event name: only routes with such an event, and within them only that event.
      await tab.fill('#search', 'presence');
      expect(await visibleTexts(tab, 'section[data-route]', 'data-route')).toEqual(['roomEvents']);
      expect(await visibleTexts(tab, 'section[data-route] article[data-event]', 'data-event')).toEqual(['presence']);
      expect(await visibleTexts(tab, 'nav li[data-nav-route]', 'data-nav-route')).toEqual(['roomEvents']);
      expect(await visibleTexts(tab, 'nav li[data-nav-event]', 'data-nav-event')).toEqual(['presence']);
      // Filter by a route key: the route with all its events.
      await tab.fill('#search', 'greetings');
      expect(await visibleTexts(tab, 'section[data-route]', 'data-route')).toEqual(['greetings']);
      expect(await visibleTexts(tab, 'section[data-route] article[data-event]', 'data-event')).toEqual([
        'greeting',
        'error',
      ]);
      // Filter by a path: the whole route shows.
      await tab.fill('#search', '/rooms/');
      expect(await visibleTexts(tab, 'section[data-route]', 'data-route')).toEqual(['roomEvents']);
      expect(await visibleTexts(tab, 'section[data-route] article[data-event]', 'data-event')).toEqual([
        'message',
        'roster',
        'presence',
        'reset',
        'error',
      ]);
      // An event name shared by routes shows each of them.
      await tab.fill('#search', 'ERROR');
      expect(await visibleTexts(tab, 'section[data-route]', 'data-route')).toEqual(
        ir.routes.filter((r) => r.events.some((e) => e.name === 'error')).map((r) => r.key),
      );
      await tab.fill('#search', 'no such thing');
      expect(await visibleTexts(tab, 'section[data-route]', 'data-route')).toEqual([]);
      expect(await tab.locator('#no-match').isVisible()).toBe(true);
      await tab.fill('#search', '');
      expect(await visibleTexts(tab, 'section[data-route]', 'data-route')).toEqual(routeKeys);
      await tab.screenshot({ path: resolve(artifacts, 'docs-full.png'), fullPage: true });

      expect(errors).toEqual([]);
      expect(requests).toHaveLength(1);
      await tab.close();
    },
  );

  it.skipIf(!hasChromium)('renders hostile contract strings as text: nothing runs, nothing is fetched', async () => {
    const ir = structuredClone(seedIr);
    const hostile = `<img src="https://example.com/x.png" onerror="window.__pwned=1"><script>window.__pwned=2</script>`;
    ir.info.title = hostile;
    ir.routes[0]!.summary = hostile;
    ir.routes[1]!.events[0]!.examples = [
      { id: 1, firstName: `</script><script>window.__pwned=3</script>`, lastName: hostile },
    ];
    ir.routes[1]!.events[0]!.schema = { type: 'object', description: hostile, properties: { x: { enum: [hostile] } } };
    const { page: tab, errors } = await load(renderDocsHtml(ir), 'docs-hostile.html');
    expect(await tab.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await tab.locator('main header h1').textContent()).toContain('<script>window.__pwned=2</script>');
    expect(await tab.locator('img').count()).toBe(0);
    expect(errors).toEqual([]);
    await tab.close();
  });
});
