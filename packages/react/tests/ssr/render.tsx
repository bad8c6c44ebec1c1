import { StrictMode, version } from 'react';
import { renderToString } from 'react-dom/server.browser';
import { createClient } from '../../../client/tests/fixtures/feed/generated/client.ts';
import { useEventStream } from '../../src/index.ts';

// Nothing listens there: a request during rendering would be a bug the test catches through its fetch spy.
const client = createClient({ baseUrl: 'http://127.0.0.1:1' });

function Feed() {
  const { status, events } = useEventStream(client.feed, { params: { feed: 'ssr' } }, { share: 'tabs' });
  return (
    <p>
      {status}|{events.tick?.data.n ?? '-'}
    </p>
  );
}

/** Server-renders a component that uses the hook, as a framework's SSR pass would; bundled per React version. */
export function render(): { html: string; react: string } {
  return {
    html: renderToString(
      <StrictMode>
        <Feed />
      </StrictMode>,
    ),
    react: version,
  };
}
