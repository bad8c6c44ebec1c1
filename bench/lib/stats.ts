/** Small statistics helpers for benchmark repetitions: medians, quantiles and per-repetition paired ratios. */

/** Median of a non-empty list (mean of the two middle values for even lengths). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median() of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank quantile (q in [0, 1]) of an already sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty list');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be in [0, 1], got ${q}`);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] as number;
}

/** Median, min and max of a list of numbers. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** One repetition: a metric per implementation, all measured in the same repetition. */
export type Repetition = Readonly<Record<string, number>>;

/**
 * Ratios of every implementation to the baseline, paired per repetition (impl / baseline of the same repetition),
 * summarized as median and min/max. A repetition missing the baseline or the implementation is skipped.
 */
export function pairedRatios(
  reps: readonly Repetition[],
  baseline: string,
): Record<string, Spread & { values: number[] }> {
  const names = new Set<string>();
  for (const rep of reps) for (const name of Object.keys(rep)) names.add(name);
  const out: Record<string, Spread & { values: number[] }> = {};
  for (const name of names) {
    const values: number[] = [];
    for (const rep of reps) {
      const base = rep[baseline];
      const value = rep[name];
      if (base === undefined || value === undefined || !(base > 0)) continue;
      values.push(value / base);
    }
    if (values.length) out[name] = { ...spread(values), values };
  }
  return out;
}

/** The median of each implementation's raw metric across repetitions. */
export function medians(reps: readonly Repetition[]): Record<string, Spread> {
  const byName = new Map<string, number[]>();
  for (const rep of reps) {
    for (const [name, value] of Object.entries(rep)) byName.set(name, [...(byName.get(name) ?? []), value]);
  }
  return Object.fromEntries([...byName].map(([name, values]) => [name, spread(values)]));
}

/** Rotates `items` by `by` places: interleaves implementations in a different order each repetition. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const k = ((by % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
