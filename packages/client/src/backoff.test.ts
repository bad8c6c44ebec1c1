import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt from the base, capped at the max', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 1000, 10_000, top))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });

  it('applies full jitter: anywhere from 0 to the ceiling', () => {
    expect(backoffDelay(3, 1000, 30_000, () => 0)).toBe(0);
    expect(backoffDelay(3, 1000, 30_000, () => 0.5)).toBe(2000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(4, 100, 30_000);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(800);
    }
  });

  it('stays finite for huge attempt counts and is 0 for a 0 base', () => {
    expect(backoffDelay(10_000, 1000, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelay(5, 0, 30_000, () => 1)).toBe(0);
  });
});
