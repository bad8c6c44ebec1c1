import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEventStream, type RawSseEvent } from '../src/index.ts';
import { chunkedFetch, startSseServer, type TestSseServer } from './helpers/sse-server.ts';

const encoder = new TextEncoder();

/** Reads one whole stream (no reconnection) through the full client, chunks delivered exactly as given. */
async function readChunks(chunks: Uint8Array[]): Promise<{ events: RawSseEvent[]; comments: string[] }> {
  const events: RawSseEvent[] = [];
  const comments: string[] = [];
  const connection = connectEventStream({
    url: 'http://stream.test/',
    fetch: chunkedFetch(chunks),
    reconnect: false,
    onEvent: (e) => events.push(e),
    onComment: (c) => comments.push(c),
  });
  await connection.done;
  return { events, comments };
}

let server: TestSseServer;
beforeAll(async () => {
  server = await startSseServer();
});
afterAll(async () => {
  await server.close();
});

/** Reads one stream over real HTTP; the server writes the pieces one by one, pausing between them. */
async function readOverHttp(pieces: Uint8Array[]): Promise<RawSseEvent[]> {
  const events: RawSseEvent[] = [];
  const connection = connectEventStream({ url: server.url, reconnect: false, onEvent: (e) => events.push(e) });
  const stream = await server.nextConnection();
  for (const piece of pieces) {
    await stream.write(piece);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await stream.end();
  await connection.done;
  return events;
}

const hostile: Array<[string, Uint8Array, RawSseEvent[]]> = [
  [
    'CR at chunk ends',
    encoder.encode('data: a\rdata: b\r\rid: 7\r\r:x\rdata: c\r\r'),
    [
      { event: 'message', data: 'a\nb', id: undefined },
      { event: 'message', data: 'c', id: '7' },
    ],
  ],
  [
    'CRLF split across chunks',
    encoder.encode('event: e\r\ndata: a\r\n\r\ndata: b\r\n\r\n'),
    [
      { event: 'e', data: 'a', id: undefined },
      { event: 'message', data: 'b', id: undefined },
    ],
  ],
  [
    'BOM and multi-byte characters split',
    Uint8Array.from([0xef, 0xbb, 0xbf, ...encoder.encode('data: €\r\n\ndata: 豆\n\r')]),
    [
      { event: 'message', data: '€', id: undefined },
      { event: 'message', data: '豆', id: undefined },
    ],
  ],
];

describe('chunk boundaries at every byte', () => {
  it.each(hostile)('exact chunks through fetch: %s', async (_, stream, expected) => {
    expect((await readChunks([stream])).events).toEqual(expected);
    for (let i = 1; i < stream.length; i++) {
      expect((await readChunks([stream.slice(0, i), stream.slice(i)])).events).toEqual(expected);
    }
    expect((await readChunks(Array.from(stream, (b) => Uint8Array.of(b)))).events).toEqual(expected);
  });

  it.each(hostile)('two writes over real HTTP: %s', async (_, stream, expected) => {
    for (let i = 1; i < stream.length; i++) {
      expect(await readOverHttp([stream.slice(0, i), stream.slice(i)])).toEqual(expected);
    }
  });
});

// A generated, valid event stream together with the events a spec-following client must dispatch.
const lineText = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !/[\r\n\0]/.test(s));
const ending = fc.constantFrom('\n', '\r', '\r\n');
const block = fc.record({
  comments: fc.array(lineText, { maxLength: 2 }),
  event: fc.option(lineText, { nil: undefined }),
  id: fc.option(lineText, { nil: undefined }),
  data: fc.array(lineText, { maxLength: 3 }),
});
const streamModel = fc
  .record({
    bom: fc.boolean(),
    blocks: fc.array(block, { maxLength: 6 }),
    endings: fc.array(ending, { minLength: 64 }),
  })
  .map(({ bom, blocks, endings }) => {
    const lines: string[] = [];
    const expected: RawSseEvent[] = [];
    const comments: string[] = [];
    let lastId: string | undefined;
    for (const b of blocks) {
      for (const c of b.comments) {
        lines.push(`: ${c}`);
        comments.push(c);
      }
      if (b.event !== undefined) lines.push(`event: ${b.event}`);
      if (b.id !== undefined) lines.push(`id: ${b.id}`);
      for (const d of b.data) lines.push(`data: ${d}`);
      lines.push('');
      if (b.id !== undefined) lastId = b.id === '' ? undefined : b.id;
      if (b.data.length > 0) expected.push({ event: b.event || 'message', data: b.data.join('\n'), id: lastId });
    }
    let text = bom ? '\uFEFF' : '';
    let previous = '';
    lines.forEach((line, i) => {
      let end = endings[i % endings.length] ?? '\n';
      // "\r" then an empty line ending in "\n" would read as one CRLF; pick an unambiguous ending
      if (previous === '\r' && line === '' && end !== '\r') end = '\r\n';
      text += line + end;
      previous = end;
    });
    return { bytes: encoder.encode(text), expected, comments };
  });

const cutPoints = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 12 });

function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const sorted = [...new Set(points.filter((p) => p > 0 && p < bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of sorted) {
    chunks.push(bytes.slice(start, p));
    start = p;
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

describe('property: arbitrary chunking of a valid stream yields the same events', () => {
  it('matches the expected events and comments for any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamModel.chain((model) => fc.tuple(fc.constant(model), cutPoints(model.bytes.length))),
        async ([model, points]) => {
          const whole = await readChunks([model.bytes]);
          const chunked = await readChunks(cut(model.bytes, points));
          expect(whole.events).toEqual(model.expected);
          expect(chunked.events).toEqual(model.expected);
          expect(chunked.comments).toEqual(model.comments);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds over real HTTP too', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamModel.chain((model) => fc.tuple(fc.constant(model), cutPoints(model.bytes.length))),
        async ([model, points]) => {
          expect(await readOverHttp(cut(model.bytes, points))).toEqual(model.expected);
        },
      ),
      { numRuns: 40 },
    );
  });
});
