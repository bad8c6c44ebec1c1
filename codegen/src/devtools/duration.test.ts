import { describe, expect, it } from 'vitest';
import { parseCount, parseDuration, parseHeaders } from './duration.js';

describe('CLI value parsers', () => {
  it('parses durations in ms, s, m and bare seconds', () => {
    expect(parseDuration('250ms', '--t')).toBe(250);
    expect(parseDuration('1.5s', '--t')).toBe(1500);
    expect(parseDuration('2m', '--t')).toBe(120_000);
    expect(parseDuration('3', '--t')).toBe(3000);
    expect(() => parseDuration('soon', '--timeout')).toThrow(/--timeout must be a duration/);
    expect(() => parseDuration('-1s', '--timeout')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('parses positive counts', () => {
    expect(parseCount('10', '--n')).toBe(10);
    for (const bad of ['0', '-1', '1.5', 'x', '']) expect(() => parseCount(bad, '--n')).toThrow(/positive integer/);
  });

  it('parses -H lines into lower-case names, joining repeats, and rejects malformed ones', () => {
    expect(parseHeaders(['Authorization: Bearer a:b', 'X-A: 1', 'x-a: 2'])).toEqual({
      authorization: 'Bearer a:b',
      'x-a': '1, 2',
    });
    expect(() => parseHeaders(['no colon'])).toThrow(/'Name: value'/);
    expect(() => parseHeaders([': empty name'])).toThrow(/'Name: value'/);
  });
});
