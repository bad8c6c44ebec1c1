import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bundlePage } from '../../client/tests/helpers/feed-server.ts';
import type { render } from './ssr/render.tsx';

afterEach(() => {
  vi.unstubAllGlobals();
});

const scratch = resolve(import.meta.dirname, '../../../node_modules/.cache/ssekit-react-ssr');
const timeouts = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

// react-dom/server's renderToString, with React 19 and with React 18, each bundled with the hook (esbuild).
describe.each([19, 18] as const)('server-side rendering with React %i', (react) => {
  it('renders the initial state and opens nothing: no fetch, no timer', async () => {
    const code = await bundlePage(new URL('./ssr/render.tsx', import.meta.url), { react, platform: 'node' });
    mkdirSync(scratch, { recursive: true });
    const file = join(scratch, `render-${react}.mjs`);
    writeFileSync(file, code);
    const module = (await import(pathToFileURL(file).href)) as { render: typeof render };
    const fetchSpy = vi.fn(() => Promise.reject(new Error('no fetch during SSR')));
    vi.stubGlobal('fetch', fetchSpy);
    const before = timeouts();
    const { html, react: version } = module.render();
    await new Promise((r) => setTimeout(r, 50));
    expect(version).toMatch(new RegExp(`^${react}\\.`));
    expect(html).toBe('<p>connecting<!-- -->|<!-- -->-</p>');
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(timeouts()).toBeLessThanOrEqual(before);
  });
});
