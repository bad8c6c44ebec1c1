import { medians, pairedRatios, type Repetition, type Spread } from './stats.ts';

/** A stated target: `impl`'s median ratio to the baseline must be at most `maxRatio`. */
export interface Target {
  impl: string;
  maxRatio: number;
  /** Which issue or brief the target comes from. */
  source: string;
}

/** An absolute target: the median of `values` must be below `max`. */
export interface Check {
  name: string;
  unit: string;
  values: number[];
  median: number;
  min: number;
  max: number;
  limit: number;
  met: boolean;
}

/** One measured scenario: a metric per implementation per repetition, and its ratios to the baseline. */
export interface Scenario {
  name: string;
  metric: string;
  unit: string;
  baseline: string;
  reps: Repetition[];
  medians: Record<string, Spread>;
  ratios: Record<string, Spread & { values: number[] }>;
  targets: (Target & { ratio: number | undefined; met: boolean | undefined })[];
  /** Extra per-implementation numbers worth showing (e.g. p50 next to p99). */
  extra?: Record<string, Record<string, number>>;
  notes: string[];
}

/** The result of one part (A–E). */
export interface PartResult {
  part: string;
  title: string;
  method: string;
  scenarios: Scenario[];
  notes: string[];
  /** Absolute checks (not ratios), e.g. codegen time < 3 s. */
  checks?: Check[];
  /** Set when the part could not run (e.g. a dependency missing); the reason is reported, never hidden. */
  skipped?: string;
}

/** Builds a scenario from its repetitions: medians, paired ratios, target checks. */
export function scenario(
  name: string,
  metric: string,
  unit: string,
  baseline: string,
  reps: Repetition[],
  targets: Target[] = [],
  notes: string[] = [],
): Scenario {
  const ratios = pairedRatios(reps, baseline);
  return {
    name,
    metric,
    unit,
    baseline,
    reps,
    medians: medians(reps),
    ratios,
    targets: targets.map((t) => {
      const ratio = ratios[t.impl]?.median;
      return { ...t, ratio, met: ratio === undefined ? undefined : ratio <= t.maxRatio };
    }),
    notes,
  };
}
