import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { StrictMode, version } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { createClient } from '../../../client/tests/fixtures/feed/generated/client.ts';
import { useEventStream } from '../../src/index.ts';
import { eventStreamQuery } from '../../src/query.ts';

const client = createClient({ baseUrl: location.origin, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });

/** What the page records, read by the test. */
export interface HookLog {
  /** `<tag>:<n>` for every tick an onEvent handler received; the tag tells which render's handler ran. */
  handled: string[];
  /** Renders of the Feed component. */
  renders: number;
}

export interface FeedProps {
  feed: string;
  /** Changes the handler's identity (a new function each render) and what it logs. */
  tag?: number;
  enabled?: boolean;
}

export interface Harness {
  react: string;
  log: HookLog;
  mountFeed(props: FeedProps, strict: boolean): void;
  renderFeed(props: FeedProps): void;
  mountQuery(feed: string): void;
  unmount(): void;
  text(): string;
  pendingTimers(): number;
}

declare global {
  interface Window {
    harness: Harness;
  }
}

const log: HookLog = { handled: [], renders: 0 };

function Feed({ feed, tag = 0, enabled = true }: FeedProps) {
  log.renders++;
  // A new request object and a new handler on every render: neither may reconnect.
  const state = useEventStream(
    client.feed,
    { params: { feed } },
    {
      enabled,
      onEvent: (event) => {
        if (event.event === 'tick') log.handled.push(`${tag}:${event.data.n}`);
      },
    },
  );
  const n = state.events.tick?.data.n;
  return (
    <p id="out">
      {state.status}|{n === undefined ? '-' : n}|{state.events.tick?.data.text ?? ''}
    </p>
  );
}

function QueryFeed({ feed }: { feed: string }) {
  const all = useQuery(eventStreamQuery(client.feed, { params: { feed } }));
  const latest = useQuery(
    eventStreamQuery(
      client.feed,
      { params: { feed } },
      {
        queryKey: ['feed', feed, 'latest'],
        reducer: (text: string, event) => (event.event === 'tick' ? event.data.text : text),
        initialValue: '',
      },
    ),
  );
  const ticks = (all.data ?? []).flatMap((event) => (event.event === 'tick' ? [event.data.n] : []));
  return (
    <p id="out">
      {all.status}|{ticks.join(',')}|{latest.data}
    </p>
  );
}

let root: Root | undefined;
let strictMode = false;
const container = () => document.getElementById('root') as HTMLElement;
// Every harness call commits before it returns (flushSync), so a test that renders new props and then
// publishes an event knows which handler the event meets: root.render alone only schedules the commit.
const render = (node: React.ReactNode) => {
  root ??= createRoot(container());
  const tree = root;
  flushSync(() => tree.render(strictMode ? <StrictMode>{node}</StrictMode> : node));
};

window.harness = {
  react: version,
  log,
  mountFeed(props, strict) {
    strictMode = strict;
    render(<Feed {...props} />);
  },
  renderFeed(props) {
    render(<Feed {...props} />);
  },
  mountQuery(feed) {
    strictMode = true;
    const queryClient = new QueryClient();
    render(
      <QueryClientProvider client={queryClient}>
        <QueryFeed feed={feed} />
      </QueryClientProvider>,
    );
  },
  unmount() {
    root?.unmount();
    root = undefined;
  },
  text: () => container().textContent ?? '',
  pendingTimers: () => window.pendingTimers(),
};
