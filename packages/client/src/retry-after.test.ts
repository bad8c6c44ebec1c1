import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-28T08:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });

  it('reads an HTTP-date relative to now, never negative', () => {
    expect(parseRetryAfter('Sat, 28 Nov 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 07:00:00 GMT', now)).toBe(0);
  });

  it('ignores missing and malformed values', () => {
    for (const value of [null, undefined, '', '1.5', '-3', 'soon', '10s']) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});
