import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CloseInfo, connectEventStream, type RetryInfo } from '../src/index.ts';

// The reconnect loop's backoff as a server sees it: the delay before each attempt grows. Math.random is pinned to the
// top of the jitter range, so every delay is its ceiling and the growth is exact; the server counts the attempts and
// the client's fetch records when each one left. Only lower bounds on the gaps are asserted (a loaded machine may
// wait longer, never shorter).

let server: Server | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('reconnect backoff, observed by the server', () => {
  it('waits longer before each attempt: the delay doubles from initialDelayMs up to maxDelayMs', async () => {
    let arrivals = 0;
    // Refuses every attempt with a retryable status and no Retry-After: only the backoff decides the pacing.
    server = createServer((_req, res) => {
      arrivals++;
      res.writeHead(503);
      res.end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const retries: RetryInfo[] = [];
    // When each attempt left the client (its request then reached the server: counted above). Client-side stamps, so
    // a server handler delayed by a busy machine cannot shorten a measured wait.
    const starts: number[] = [];
    const closed = await new Promise<CloseInfo>((resolve) => {
      connectEventStream({
        url: `http://127.0.0.1:${port}/events`,
        reconnect: { initialDelayMs: 25, maxDelayMs: 200, maxAttempts: 6 },
        onEvent: () => {},
        fetch: (input, init) => {
          starts.push(performance.now());
          return fetch(input, init);
        },
        onRetry: (info) => retries.push(info),
        onError: () => {},
        onClose: resolve,
      });
    });
    expect(closed.reason).toBe('retries-exhausted');
    expect(retries.map((r) => r.delayMs)).toEqual([25, 50, 100, 200, 200, 200]);
    expect(arrivals).toBe(7);
    expect(starts).toHaveLength(7);
    const gaps = starts.slice(1).map((at, i) => at - (starts[i] as number));
    // Each attempt came no sooner than its delay (2 ms of timer rounding allowed): the waits grew from 25 to 200 ms.
    // (Only lower bounds: a loaded machine may stretch any gap, so gaps are not compared with each other.)
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual((retries[i] as RetryInfo).delayMs - 2);
    });
  });
});
