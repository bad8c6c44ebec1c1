import { describe, expect, it } from 'vitest';
import { median, pairedRatios, quantileSorted, rotate, spread } from './stats.ts';

describe('median', () => {
  it('takes the middle value of an odd list and the mean of the middle two of an even list', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('refuses an empty list', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('quantileSorted', () => {
  it('uses the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantileSorted(sorted, 0.5)).toBe(50);
    expect(quantileSorted(sorted, 0.99)).toBe(99);
    expect(quantileSorted(sorted, 1)).toBe(100);
  });
});

describe('pairedRatios', () => {
  it('divides by the baseline of the same repetition, then summarizes', () => {
    const ratios = pairedRatios(
      [
        { raw: 10, kit: 11 },
        { raw: 20, kit: 30 },
        { raw: 5, kit: 5 },
      ],
      'raw',
    );
    expect(ratios.raw).toMatchObject({ median: 1, min: 1, max: 1, n: 3 });
    expect(ratios.kit?.values).toEqual([1.1, 1.5, 1]);
    expect(ratios.kit).toMatchObject({ median: 1.1, min: 1, max: 1.5, n: 3 });
  });
  it('skips repetitions without the baseline', () => {
    const ratios = pairedRatios([{ kit: 3 }, { raw: 2, kit: 4 }], 'raw');
    expect(ratios.kit?.values).toEqual([2]);
  });
});

describe('spread and rotate', () => {
  it('reports median, min, max', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
  });
  it('rotates the order of implementations per repetition', () => {
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
  });
});
