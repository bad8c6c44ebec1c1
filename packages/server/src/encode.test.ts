import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertSafeField, encodeComment, encodeFrame, encodeLines, eventLine } from './encode.js';
import { FieldInjectionError } from './errors.js';

function parse(wire: string): { events: EventSourceMessage[]; comments: string[]; retries: number[] } {
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const parser = createParser({
    onEvent: (e) => events.push(e),
    onComment: (c) => comments.push(c),
    onRetry: (r) => retries.push(r),
  });
  parser.feed(wire);
  return { events, comments, retries };
}

/** Line breaks in every spelling the spec knows, mixed into arbitrary text. */
const hostileText = fc
  .array(fc.oneof(fc.string(), fc.constantFrom('\n', '\r', '\r\n', '\n\n', 'data: x', 'event: y', 'id: 1', ':', ' ')), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));
const safeField = fc.string().filter((s) => !/[\r\n\0]/.test(s));

describe('encodeFrame', () => {
  it('round-trips any data through eventsource-parser: nothing injected, nothing lost', () => {
    fc.assert(
      fc.property(hostileText, fc.option(safeField, { nil: undefined }), (data, id) => {
        const wire = encodeFrame(eventLine('tick'), data, id, undefined, undefined);
        const { events } = parse(wire);
        expect(events).toHaveLength(1);
        // The spec normalises CRLF and CR to LF inside data.
        expect(events[0]?.data).toBe(data.replace(/\r\n|\r/g, '\n'));
        expect(events[0]?.event).toBe('tick');
        expect(events[0]?.id).toBe(id);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips comments line by line', () => {
    fc.assert(
      fc.property(hostileText, (comment) => {
        const { events, comments } = parse(encodeComment(comment));
        expect(events).toHaveLength(0);
        expect(comments).toEqual(comment.split(/\r\n|\r|\n/));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects CR, LF and NUL in ids and event names', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('\r', '\n', '\0', '\r\n'), fc.string(), (a, bad, b) => {
        expect(() => assertSafeField('id', a + bad + b)).toThrow(FieldInjectionError);
        expect(() => encodeFrame('', 'x', a + bad + b, undefined, undefined)).toThrow(FieldInjectionError);
      }),
    );
  });

  it('encodes the Ktor seed frames exactly', () => {
    expect(encodeFrame(eventLine('message'), 'event 0', undefined, undefined, undefined)).toBe('data: event 0\n\n');
    expect(encodeFrame(eventLine('customer'), '{"id":0}', '7', 1000, 'hi')).toBe(
      ': hi\nevent: customer\nid: 7\nretry: 1000\ndata: {"id":0}\n\n',
    );
  });

  it('keeps empty data and leading spaces intact', () => {
    expect(parse(encodeFrame('', '', undefined, undefined, undefined)).events[0]?.data).toBe('');
    expect(parse(encodeFrame('', '  two spaces', undefined, undefined, undefined)).events[0]?.data).toBe(
      '  two spaces',
    );
    expect(encodeLines('data', 'a\r\n\rb')).toBe('data: a\ndata:\ndata: b\n');
  });

  it('accepts only non-negative integer retry values', () => {
    expect(parse(encodeFrame('', undefined, undefined, 0, undefined)).retries).toEqual([0]);
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => encodeFrame('', 'x', undefined, bad, undefined)).toThrow(FieldInjectionError);
    }
  });

  it('writes id-only and comment-only blocks without dispatching an event', () => {
    const { events, comments } = parse(`${encodeFrame('', undefined, 'id-1', undefined, 'note')}`);
    expect(events).toEqual([]);
    expect(comments).toEqual(['note']);
    expect(encodeFrame('', undefined, undefined, undefined, undefined)).toBe('');
  });
});
