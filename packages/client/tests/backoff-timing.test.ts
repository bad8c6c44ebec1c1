import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CloseInfo, connectEventStream, type RetryInfo } from '../src/index.ts';

// The reconnect loop's backoff as a server sees it: the delay before each attempt grows. Math.random is pinned to the
// top of the jitter range, so every delay is its ceiling and the growth is exact; the server records when each
// attempt arrives. Only lower bounds on the gaps are asserted (a loaded machine may wait longer, never shorter).

let server: Server | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('reconnect backoff, observed by the server', () => {
  it('waits longer before each attempt: the delay doubles from initialDelayMs up to maxDelayMs', async () => {
    const arrivals: number[] = [];
    // Refuses every attempt with a retryable status and no Retry-After: only the backoff decides the pacing.
    server = createServer((_req, res) => {
      arrivals.push(performance.now());
      res.writeHead(503);
      res.end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const retries: RetryInfo[] = [];
    const closed = await new Promise<CloseInfo>((resolve) => {
      connectEventStream({
        url: `http://127.0.0.1:${port}/events`,
        reconnect: { initialDelayMs: 25, maxDelayMs: 200, maxAttempts: 6 },
        onEvent: () => {},
        onRetry: (info) => retries.push(info),
        onError: () => {},
        onClose: resolve,
      });
    });
    expect(closed.reason).toBe('retries-exhausted');
    expect(retries.map((r) => r.delayMs)).toEqual([25, 50, 100, 200, 200, 200]);
    expect(arrivals).toHaveLength(7);
    const gaps = arrivals.slice(1).map((at, i) => at - (arrivals[i] as number));
    // Each attempt came no sooner than its delay (1 ms of timer rounding allowed)...
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual((retries[i] as RetryInfo).delayMs - 1);
    });
    // ...so the waits really grew: the fourth gap alone is longer than the first two together.
    expect(gaps[3] as number).toBeGreaterThan((gaps[0] as number) + (gaps[1] as number) - 2);
  });
});
