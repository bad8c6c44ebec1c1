import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTopicToken, encodeTopicToken } from './subjects.js';

describe('topic ↔ subject token', () => {
  it('keeps safe characters and escapes the rest, so no token holds a subject separator or wildcard', () => {
    expect(encodeTopicToken('room-1_a')).toBe('room-1_a');
    expect(encodeTopicToken('chat/room 1')).toBe('chat%2Froom%201');
    expect(encodeTopicToken('a.b*>%')).toBe('a%2Eb%2A%3E%25');
    expect(encodeTopicToken('é')).toBe('%C3%A9');
  });

  it('is reversible and collision-free for any well-formed topic', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
        (a, b) => {
          const ta = encodeTopicToken(a);
          expect(ta).toMatch(/^[A-Za-z0-9_%-]+$/);
          expect(decodeTopicToken(ta)).toBe(a);
          if (a !== b) expect(encodeTopicToken(b)).not.toBe(ta);
        },
      ),
    );
  });

  it('refuses an empty topic and a lone surrogate with a typed error', () => {
    expect(() => encodeTopicToken('')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => encodeTopicToken('a\uD800')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
