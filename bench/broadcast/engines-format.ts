/** Part G, store engines: the result shape and its formatting (no side effects: the report imports it). */

/** What one engine measured. */
export interface EngineResult {
  readonly engine: string;
  readonly crossInstance: boolean;
  readonly latencyEvents: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly throughputEvents: number;
  readonly publishesPerSecond: number;
}

/** One engine's figures on one line. */
export function formatRow(r: EngineResult): string {
  return `p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(2)} ms (${r.latencyEvents} at ${r.perSecond}/s); ${r.publishesPerSecond.toFixed(0)} publishes/s (${r.throughputEvents}, 32 in flight)`;
}

/** A markdown table of the results. */
export function formatEngines(run: { results: EngineResult[]; skipped: Record<string, string> }): string {
  const lines = [
    '| engine | instances | publish→receive p50 | p99 | max | publishes/s |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...run.results.map(
      (r) =>
        `| ${r.engine} | ${r.crossInstance ? 'B → A' : 'one (same instance)'} | ${r.p50Ms.toFixed(2)} ms | ${r.p99Ms.toFixed(2)} ms | ${r.maxMs.toFixed(2)} ms | ${r.publishesPerSecond.toFixed(0)} |`,
    ),
    ...Object.entries(run.skipped).map(([engine, reason]) => `| ${engine} | skipped: ${reason} | | | | |`),
  ];
  return lines.join('\n');
}
