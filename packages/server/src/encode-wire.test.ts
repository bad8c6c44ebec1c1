import { describe, expect, it } from 'vitest';
import { assertSafeField, encodeComment, encodeFrame, eventLine } from './encode.js';
import { FieldInjectionError } from './errors.js';

// The exact bytes of the frames the round-trip properties in encode.test.ts cannot tell apart (a parser reads
// `data:` and `data: ` alike), and the errors' wording.

describe('encodeFrame: exact bytes', () => {
  it('writes empty data and empty lines as a bare "data:", never "data: "', () => {
    expect(encodeFrame('', '', undefined, undefined, undefined)).toBe('data:\n\n');
    expect(encodeFrame('', 'a\n\nb', undefined, undefined, undefined)).toBe('data: a\ndata:\ndata: b\n\n');
  });

  it('writes comments before the fields, one ":" line per comment line', () => {
    expect(encodeFrame(eventLine('tick'), 'x', '7', 1000, ['one', 'two\nthree'])).toBe(
      ': one\n: two\n: three\nevent: tick\nid: 7\nretry: 1000\ndata: x\n\n',
    );
    expect(encodeFrame('', 'x', undefined, undefined, '')).toBe(':\ndata: x\n\n');
    expect(encodeComment('keep')).toBe(': keep\n\n');
  });

  it('writes an id-, retry- or comment-only block without a data line, and nothing for an empty one', () => {
    expect(encodeFrame('', undefined, 'abc', undefined, undefined)).toBe('id: abc\n\n');
    expect(encodeFrame('', undefined, undefined, 0, undefined)).toBe('retry: 0\n\n');
    expect(encodeFrame('', undefined, '', 5, 'c')).toBe(': c\nid: \nretry: 5\n\n');
    expect(encodeFrame('', undefined, undefined, undefined, undefined)).toBe('');
  });
});

describe('field checks', () => {
  it('names the field and the reason, in data-less blocks too', () => {
    const thrown = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error as FieldInjectionError;
      }
      throw new Error('did not throw');
    };
    const idOnly = thrown(() => encodeFrame('', undefined, 'a\nb', undefined, undefined));
    expect(idOnly).toBeInstanceOf(FieldInjectionError);
    expect([idOnly.field, idOnly.message]).toEqual(['id', 'SSE field "id" rejected: contains CR, LF or NUL']);
    const withData = thrown(() => encodeFrame('', 'x', 'a\rb', undefined, undefined));
    expect([withData.field, withData.message]).toEqual(['id', 'SSE field "id" rejected: contains CR, LF or NUL']);
    const retry = thrown(() => encodeFrame('', 'x', undefined, -1, undefined));
    expect([retry.field, retry.message]).toEqual([
      'retry',
      'SSE field "retry" rejected: must be a non-negative integer, got -1',
    ]);
    const notString = thrown(() => assertSafeField('event', 42 as never));
    expect([notString.field, notString.message]).toEqual([
      'event',
      'SSE field "event" rejected: must be a string, got number',
    ]);
  });
});
