/**
 * Parts written by other benchmark folders (bench/adapters, bench/broadcast), run from this runner and shown in the
 * same results. Their JSON is theirs (`adapters.json`, `broadcast.json`); this file only renders it as markdown.
 */
import type { AdapterBenchResult } from '../adapters/run.ts';
import type { BroadcastBenchResult } from '../broadcast/run.ts';

const range = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}×`;

export function adaptersMarkdown(r: AdapterBenchResult, heading = '###'): string {
  const rows = [...r.results].sort((a, b) => a.medianRatio - b.medianRatio);
  return [
    `${heading} F. Adapters: server CPU per delivered event (bench/adapters)`,
    '',
    `_${r.date}, ${r.node}, ${r.cpus}: ${r.connections} connections × ${r.bursts} bursts × ${r.eventsPerBurst} events, ` +
      `${r.repetitions} repetitions; ratio to \`${r.baseline}\` paired per repetition._`,
    '',
    '| adapter | median µs/event | ratio (median) | ratio min–max | every event verified |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map(
      (x) =>
        `| ${x.adapter} | ${x.medianMicrosPerEvent.toFixed(2)} | ${x.medianRatio.toFixed(2)}× | ${range(x.ratios)} | ${x.verified ? 'yes' : '**no**'} |`,
    ),
    '',
  ].join('\n');
}

export function broadcastMarkdown(r: BroadcastBenchResult, heading = '###'): string {
  const lines = [
    `${heading} G. Broadcast hub vs raw, idle memory, Redis latency (bench/broadcast)`,
    '',
    `_${r.date}, ${r.node}, ${r.cpus}: N=${r.connections}, ${r.rounds} rounds × ${r.eventsPerRound} events, ` +
      `${r.repetitions} repetitions; ratios paired per repetition._`,
    '',
    '| measure | raw | ssekit hub | ratio (median) | ratio min–max | target |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...r.cpu.map(
      (c) =>
        `| CPU/event, ${c.mode === 'turn' ? 'one publish per turn' : 'bursts of 10'} | ${c.medianRaw.toFixed(2)} µs | ${c.medianSsekit.toFixed(2)} µs | ${c.medianRatio.toFixed(2)}× | ${range(c.ratios)} | ${c.mode === 'burst' ? `≤ 1.10× ${c.medianRatio <= 1.1 ? '✅ met' : '❌ missed'}` : ''} |`,
    ),
    `| idle RSS/conn (${r.memory.connections}) | ${(r.memory.medianRawRss / 1024).toFixed(2)} KiB | ${(r.memory.medianSsekitRss / 1024).toFixed(2)} KiB | ${r.memory.medianRssRatio.toFixed(2)}× | ${range(r.memory.rssRatios)} | ≤ 1.2× ${r.memory.medianRssRatio <= 1.2 ? '✅ met' : '❌ missed'} |`,
    `| idle heap/conn (${r.memory.connections}) | ${(r.memory.medianRawHeap / 1024).toFixed(2)} KiB | ${(r.memory.medianSsekitHeap / 1024).toFixed(2)} KiB | ${r.memory.medianHeapRatio.toFixed(2)}× | ${range(r.memory.heapRatios)} | |`,
    '',
  ];
  if ('skipped' in r.redis) lines.push(`Redis cross-instance latency: skipped (${r.redis.skipped}).`, '');
  else {
    lines.push(
      `Redis cross-instance publish→receive: ${r.redis.events} events at ${r.redis.perSecond}/s, ` +
        `p50 ${r.redis.p50Ms.toFixed(2)} ms, p99 ${r.redis.p99Ms.toFixed(2)} ms, max ${r.redis.maxMs.toFixed(2)} ms.`,
      '',
    );
  }
  return lines.join('\n');
}
