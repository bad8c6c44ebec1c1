import { describe, expect, it } from 'vitest';
import { requestKey } from './request-key.js';

describe('requestKey', () => {
  it('ignores key order at every depth and undefined members', () => {
    expect(requestKey({ params: { a: 1, b: 2 }, query: { x: [1, { q: 1, p: 2 }] } })).toBe(
      requestKey({ query: { x: [1, { p: 2, q: 1 }] }, params: { b: 2, a: 1 }, headers: undefined }),
    );
  });

  it('tells different content apart, keeps array order, and writes dates as ISO strings', () => {
    expect(requestKey({ params: { a: 1 } })).not.toBe(requestKey({ params: { a: 2 } }));
    expect(requestKey({ q: [1, 2] })).not.toBe(requestKey({ q: [2, 1] }));
    expect(requestKey({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
    expect(requestKey(undefined)).toBe('');
  });
});
