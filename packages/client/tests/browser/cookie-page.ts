import { createClient } from '../fixtures/feed/generated/client.ts';

/** What the cookie-session page records, read by the test through `page.evaluate`. */
export interface CookieLog {
  ticks: number[];
  opens: number;
  closed: { reason: string; status: number | undefined } | undefined;
}

declare global {
  interface Window {
    cookieLog: CookieLog;
  }
}

// The stream is on another origin (`?api=`); `?credentials=include` sends the session cookie with it (recipe (b) of
// docs/auth.md), without it the browser sends no cookie cross-origin.
const params = new URLSearchParams(location.search);
const credentials = params.get('credentials') === 'include' ? 'include' : undefined;
const client = createClient({
  baseUrl: params.get('api') as string,
  reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
  ...(credentials ? { credentials } : {}),
});
const log: CookieLog = { ticks: [], opens: 0, closed: undefined };
window.cookieLog = log;
client.feed.subscribe(
  { params: { feed: 'inbox' } },
  {
    tick: (data) => log.ticks.push(data.n),
    onOpen: () => {
      log.opens++;
    },
    onClose: (info) => {
      log.closed = { reason: info.reason, status: (info.error as { status?: number } | undefined)?.status };
    },
  },
);
