import { StrictMode, version } from 'react';
import { renderToString } from 'react-dom/server.browser';
import { createClient } from '../../../client/tests/fixtures/feed/generated/client.ts';
import { useEventStream } from '../../src/index.ts';

/** Server-renders a component that uses the hook, as a framework's SSR pass would; bundled per React version. */
export function render(baseUrl: string): { html: string; react: string } {
  const client = createClient({ baseUrl });
  function Feed() {
    const { status, events } = useEventStream(client.feed, { params: { feed: 'ssr' } }, { share: 'tabs' });
    return (
      <p>
        {status}|{events.tick?.data.n ?? '-'}
      </p>
    );
  }
  return {
    html: renderToString(
      <StrictMode>
        <Feed />
      </StrictMode>,
    ),
    react: version,
  };
}
