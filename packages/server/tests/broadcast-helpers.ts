import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One received SSE event. */
export interface Received {
  event: string;
  id: string | undefined;
  data: string;
}

/** A test client over fetch + eventsource-parser (never a hand-written SSE parser). */
export interface TestStream {
  readonly status: number;
  readonly events: Received[];
  /** Resolves once the response ended (server closed or `close()`). */
  readonly ended: Promise<void>;
  /** Resolves when `predicate(events)` holds; rejects after `timeoutMs`. */
  waitFor(predicate: (events: Received[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): void;
}

/** Opens an SSE stream; resolves once the response headers arrived. */
export async function openStream(
  url: string,
  options: { lastEventId?: string; headers?: Record<string, string> } = {},
): Promise<TestStream> {
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: Received[] = [];
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => {
      events.push({ event: message.event ?? 'message', id: message.id, data: message.data });
      notify();
    },
  });
  let done = false;
  const ended = (async () => {
    if (!response.body) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted or connection cut: the events so far stay readable
    } finally {
      done = true;
      notify();
    }
  })();
  return {
    status: response.status,
    events,
    ended,
    waitFor(predicate, timeoutMs = 5000, what = 'events') {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(events)) {
            cleanup();
            resolve();
          } else if (done) {
            cleanup();
            reject(new Error(`stream ended before ${what} (got ${events.length} events)`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (got ${events.length} events)`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      controller.abort();
    },
  };
}

/** Events of one name, their data parsed as JSON. */
export function dataOf<T = unknown>(events: readonly Received[], name: string): T[] {
  return events.filter((e) => e.event === name).map((e) => JSON.parse(e.data) as T);
}

/** Polls `check` every 10 ms until it returns true; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
