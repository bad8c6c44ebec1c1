import { describe, expect, it } from 'vitest';
import { EventFeed } from './event-feed.js';
import type { RawSseEvent } from './raw-event.js';

const bytes = (text: string) => new TextEncoder().encode(text);

function collect(chunks: Uint8Array[], lastEventId?: string) {
  const events: RawSseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const ids: Array<string | undefined> = [];
  const feed = new EventFeed(lastEventId, {
    onEvent: (e) => events.push(e),
    onComment: (c) => comments.push(c),
    onRetry: (ms) => retries.push(ms),
    onLastEventId: (id) => ids.push(id),
  });
  for (const chunk of chunks) feed.push(chunk);
  return { events, comments, retries, ids };
}

/** Every way of cutting `data` in two, plus one chunk per byte. */
function splits(data: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [[data]];
  for (let i = 1; i < data.length; i++) out.push([data.slice(0, i), data.slice(i)]);
  out.push(Array.from(data, (b) => Uint8Array.of(b)));
  return out;
}

const msg = (data: string, id?: string, event = 'message'): RawSseEvent => ({ event, data, id });

describe('EventFeed: the SSE interpretation rules', () => {
  it.each([
    ['LF', 'data: a\n\ndata: b\n\n'],
    ['CRLF', 'data: a\r\n\r\ndata: b\r\n\r\n'],
    ['lone CR', 'data: a\r\rdata: b\r\r'],
    ['mixed', 'data: a\r\n\rdata: b\n\r\n'],
  ])('splits lines on %s', (_, stream) => {
    expect(collect([bytes(stream)]).events).toEqual([msg('a'), msg('b')]);
  });

  it('joins data lines with LF, drops exactly one leading space, treats a bare field name as an empty value', () => {
    const { events } = collect([bytes('data:  two\ndata:x\ndata\n\n')]);
    expect(events).toEqual([msg(' two\nx\n')]);
  });

  it('dispatches "data:" with empty value but nothing for a block without data', () => {
    const { events } = collect([bytes('data:\n\nevent: x\n\nid: 1\n\n\n\n')]);
    expect(events).toEqual([msg('')]);
  });

  it('defaults the event type to message and resets it after each event', () => {
    const { events } = collect([bytes('event: tick\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n')]);
    expect(events).toEqual([msg('1', undefined, 'tick'), msg('2'), msg('3')]);
  });

  it('keeps the last event id across later events and updates it from blocks without data', () => {
    const { events, ids } = collect([bytes('id: 1\ndata: a\n\ndata: b\n\nid: 2\n\ndata: c\n\n')]);
    expect(events).toEqual([msg('a', '1'), msg('b', '1'), msg('c', '2')]);
    expect(ids).toEqual(['1', '2']);
  });

  it('starts from the given last event id and resets it on an empty id', () => {
    const { events, ids } = collect([bytes('data: a\n\nid\ndata: b\n\n')], '9');
    expect(events).toEqual([msg('a', '9'), msg('b', undefined)]);
    expect(ids).toEqual([undefined]);
  });

  it('ignores an id containing NUL', () => {
    const { events } = collect([bytes('id: 1\ndata: a\n\nid: x\0y\ndata: b\n\n')]);
    expect(events).toEqual([msg('a', '1'), msg('b', '1')]);
  });

  it('honours retry only when it is all ASCII digits', () => {
    const { retries } = collect([
      bytes('retry: 1500\n\nretry: 1.5\n\nretry: -1\n\nretry: ١٢\n\nretry: 20 \n\nretry:7\n\n'),
    ]);
    expect(retries).toEqual([1500, 7]);
  });

  it('ignores unknown fields and reports comments without the colon and one space', () => {
    const { events, comments } = collect([bytes(': hello\n:world\ncolor: blue\ndata: x\n\n')]);
    expect(comments).toEqual(['hello', 'world']);
    expect(events).toEqual([msg('x')]);
  });

  it('discards an unterminated event at the end of the stream', () => {
    const { events } = collect([bytes('data: a\n\ndata: never dispatched\n')]);
    expect(events).toEqual([msg('a')]);
  });

  it('field names are case-sensitive', () => {
    const { events } = collect([bytes('Data: a\nDATA: b\ndata: c\n\n')]);
    expect(events).toEqual([msg('c')]);
  });

  it('decodes UTF-8 split inside a multi-byte character', () => {
    for (const chunks of splits(bytes('data: €豆腐\n\n'))) {
      expect(collect(chunks).events).toEqual([msg('€豆腐')]);
    }
  });
});

describe('EventFeed: BOM', () => {
  const BOM = [0xef, 0xbb, 0xbf];
  const withBom = (text: string, boms = 1) =>
    Uint8Array.from([...Array.from({ length: boms }, () => BOM).flat(), ...bytes(text)]);

  it('strips one leading BOM at every split', () => {
    for (const chunks of splits(withBom('data: a\n\n'))) expect(collect(chunks).events).toEqual([msg('a')]);
  });

  it('strips only one BOM: a second makes the first line an unknown field', () => {
    for (const chunks of splits(withBom('data: a\n\ndata: b\n\n', 2))) {
      expect(collect(chunks).events).toEqual([msg('b')]);
    }
  });

  it('keeps a BOM that is not at the very start', () => {
    const stream = Uint8Array.from([...bytes('data: '), ...BOM, ...bytes('x\n\n')]);
    expect(collect([stream]).events).toEqual([msg('\uFEFFx')]);
  });

  it('does not mistake the text "ï»¿" for a BOM (eventsource-parser would strip it)', () => {
    expect(collect([bytes('ï»¿data: a\n\ndata: b\n\n')]).events).toEqual([msg('b')]);
  });
});

describe('EventFeed: lone CR', () => {
  it('dispatches at a CR that is the last byte received so far', () => {
    const events: RawSseEvent[] = [];
    const feed = new EventFeed(undefined, { onEvent: (e) => events.push(e) });
    feed.push(bytes('data: a\r'));
    expect(events).toEqual([]);
    feed.push(bytes('\r'));
    expect(events).toEqual([msg('a')]);
    // the next chunk starting with LF must not count as another blank line
    feed.push(bytes('\ndata: b\r\n'));
    feed.push(bytes('\r\n'));
    expect(events).toEqual([msg('a'), msg('b')]);
  });

  it('treats CRLF split across chunks as one line end', () => {
    const events: RawSseEvent[] = [];
    const feed = new EventFeed(undefined, { onEvent: (e) => events.push(e) });
    feed.push(bytes('data: a\r'));
    feed.push(bytes('\ndata: b\r'));
    feed.push(bytes('\n\r'));
    expect(events).toEqual([msg('a\nb')]);
    feed.push(bytes('\n'));
    expect(events).toEqual([msg('a\nb')]);
  });

  it.each([
    ['CR everywhere', 'id: 1\revent: e\rdata: x\rdata: y\r\r:c\rdata: z\r\r'],
    ['CRLF everywhere', 'id: 1\r\nevent: e\r\ndata: x\r\ndata: y\r\n\r\n:c\r\ndata: z\r\n\r\n'],
    ['LF everywhere', 'id: 1\nevent: e\ndata: x\ndata: y\n\n:c\ndata: z\n\n'],
  ])('gives the same events at every chunk split (%s)', (_, stream) => {
    const expected = { events: [msg('x\ny', '1', 'e'), msg('z', '1')], comments: ['c'] };
    for (const chunks of splits(bytes(stream))) {
      const { events, comments } = collect(chunks);
      expect({ events, comments }).toEqual(expected);
    }
  });
});

describe('EventFeed: several feeds at once', () => {
  it('keeps each feed to its own handlers, last event id and partial lines when their chunks interleave', () => {
    // the parser's callbacks are shared by every feed: each push must reach the feed it was made on
    const a = collectInto('a0');
    const b = collectInto(undefined);
    const c = collectInto('c0', 3);
    a.feed.push(bytes('data: a1\n\nid: a2\ndata: par'));
    b.feed.push(bytes('id: b1\nevent: x\ndata: b'));
    c.feed.push(bytes(': hi\nretry: 9\ndata: too long\n'));
    a.feed.push(bytes('tial\n\n'));
    b.feed.push(bytes('1\n\nid\ndata: b2\n\n'));
    expect(a.events).toEqual([msg('a1', 'a0'), msg('partial', 'a2')]);
    expect(a.ids).toEqual(['a2']);
    expect(b.events).toEqual([msg('b1', 'b1', 'x'), msg('b2')]);
    expect(b.ids).toEqual(['b1', undefined]);
    expect(c.comments).toEqual(['hi']);
    expect(c.retries).toEqual([9]);
    expect(c.events).toEqual([]);
    expect([a.feed.overflowed, b.feed.overflowed, c.feed.overflowed]).toEqual([false, false, true]);
    // an overflowed feed ignores what follows; the others go on
    c.feed.push(bytes('\n\ndata: more\n\n'));
    a.feed.push(bytes('data: a3\n\n'));
    expect(c.events).toEqual([]);
    expect(a.events.at(-1)).toEqual(msg('a3', 'a2'));
  });
});

function collectInto(lastEventId: string | undefined, maxEventSize?: number) {
  const events: RawSseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const ids: Array<string | undefined> = [];
  const feed = new EventFeed(
    lastEventId,
    {
      onEvent: (e) => events.push(e),
      onComment: (text) => comments.push(text),
      onRetry: (ms) => retries.push(ms),
      onLastEventId: (id) => ids.push(id),
    },
    maxEventSize,
  );
  return { feed, events, comments, retries, ids };
}
