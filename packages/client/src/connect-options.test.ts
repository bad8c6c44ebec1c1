import { describe, expect, it } from 'vitest';
import { connectEventStream } from './connect-event-stream.js';

// Option checks of connectEventStream the lifecycle tests do not reach, and an empty starting Last-Event-ID.

describe('connectEventStream options', () => {
  it('refuses a missing options object, a missing fetch and a maxEventSize that is not a positive integer', () => {
    expect(() => connectEventStream(null as never)).toThrow(
      'connectEventStream(options): options must be an object, e.g. { url, onEvent }',
    );
    expect(() => connectEventStream('http://x.test/' as never)).toThrow(/options must be an object/);
    expect(() => connectEventStream({ url: 'http://x.test/', onEvent() {}, fetch: 42 as never })).toThrow(
      'connectEventStream(options): no global fetch here; pass `fetch` in the options',
    );
    for (const size of [0, -1, 1.5, Number.NaN]) {
      expect(() => connectEventStream({ url: 'http://x.test/', onEvent() {}, maxEventSize: size })).toThrow(
        `connectEventStream(options): \`maxEventSize\` must be a positive integer, got ${String(size)}`,
      );
    }
  });

  it('accepts a maxEventSize of 1 byte, and sends no Last-Event-ID for an empty starting id', async () => {
    const requests: Headers[] = [];
    let closed: unknown;
    const connection = connectEventStream({
      url: 'http://x.test/events',
      maxEventSize: 1,
      lastEventId: '',
      reconnect: false,
      onEvent() {},
      onClose: (info) => {
        closed = info;
      },
      fetch: async (_url, init) => {
        requests.push(new Headers(init?.headers));
        return new Response(null, { status: 204 });
      },
    });
    await connection.done;
    expect(closed).toEqual({ reason: 'no-content' });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.has('last-event-id')).toBe(false);
  });

  it('calls `fetch` as a plain function, and the stream callbacks as methods of the options', async () => {
    // a browser's own fetch throws "Illegal invocation" when called on another object
    const fetchThis: unknown[] = [];
    const calls = new Map<string, boolean>();
    const record = (name: string, self: unknown) => calls.set(name, (calls.get(name) ?? true) && self === options);
    const options = {
      url: 'http://x.test/events',
      reconnect: { initialDelayMs: 0 },
      // a stream, then 204 (stop for good)
      fetch: async function (this: unknown) {
        fetchThis.push(this);
        if (fetchThis.length > 1) return new Response(null, { status: 204 });
        return new Response(':c\n\ndata: a\n\n', { headers: { 'content-type': 'text/event-stream' } });
      },
      onOpen(this: unknown) {
        record('onOpen', this);
      },
      onComment(this: unknown) {
        record('onComment', this);
      },
      onEvent(this: unknown) {
        record('onEvent', this);
      },
      onRetry(this: unknown) {
        record('onRetry', this);
      },
      beforeRead(this: unknown) {
        record('beforeRead', this);
        return undefined;
      },
      onClose(this: unknown) {
        record('onClose', this);
      },
    };
    await connectEventStream(options).done;
    expect(fetchThis).toEqual([undefined, undefined]);
    expect(Object.fromEntries(calls)).toEqual({
      onOpen: true,
      beforeRead: true,
      onComment: true,
      onEvent: true,
      onRetry: true,
      onClose: true,
    });
  });
});
