import { describe, expect, it } from 'vitest';
import { scenario } from './part.ts';
import { type LatestResults, readmeTable, replaceTable } from './readme-table.ts';
import type { RunInfo } from './report.ts';

const machine = {
  cpuModel: 'CPU',
  cores: 2,
  memoryGiB: 1,
  node: 'v24.0.0',
  v8: '',
  platform: 'linux',
  loadAverage: [0],
};
const run = { machine } as unknown as RunInfo;

function results(): LatestResults {
  const fanout = scenario(
    'N=1000, bursts of 10',
    'cpu',
    'ns',
    'raw',
    [
      { raw: 10, ssekit: 11, hono: 200 },
      { raw: 10, ssekit: 13, hono: 180 },
    ],
    [{ impl: 'ssekit', maxRatio: 1.15, source: 'test' }],
  );
  return {
    machine,
    parts: [
      { run, part: { part: 'A', title: 'A', method: '', scenarios: [fanout], notes: [] } },
      {
        run,
        part: {
          part: 'E',
          title: 'E',
          method: '',
          scenarios: [],
          notes: [],
          checks: [
            {
              name: 'generate() cold',
              unit: 'ms',
              values: [2000],
              median: 2000,
              min: 2000,
              max: 2000,
              limit: 2500,
              met: true,
            },
            {
              name: 'generate() warm',
              unit: 'ms',
              values: [1600],
              median: 1600,
              min: 1600,
              max: 1600,
              limit: 1500,
              met: false,
            },
          ],
        },
      },
    ],
  };
}

describe('readmeTable', () => {
  it('shows median paired ratios with the target verdict, and only rows and columns that were measured', () => {
    const table = readmeTable(results());
    expect(table).toContain('Latest run (2 × CPU, Node v24.0.0;');
    expect(table).toContain('| measure | ssekit | Hono `streamSSE` |');
    // ssekit: ratios 1.1 and 1.3, median 1.2 > 1.15 → missed; hono: 20 and 18 → 19.0 (one decimal from 10×)
    expect(table).toContain('| fan-out N=1000, bursts of 10 | 1.20× ❌ | 19.0× |');
    expect(table).toContain('| `ssekit generate`, 200 routes × 5 events | 1.60 s warm ❌, 2.00 s cold ✅ |  |');
    expect(table).not.toContain('one event per turn');
    expect(table).not.toContain('idle memory per stream');
    expect(table).not.toContain('better-sse');
  });
});

describe('readmeTable with part H', () => {
  it('shows RSS and heap ratios at the largest step, with their verdicts', () => {
    const streams = {
      baseline: 'raw-comment',
      targets: [
        { impl: 'ssekit', metric: 'rss' as const, streams: 5000, ratio: 1.5, maxRatio: 1.2, met: false },
        { impl: 'ssekit', metric: 'rss' as const, streams: 19000, ratio: 1.13, maxRatio: 1.2, met: true },
        { impl: 'ssekit', metric: 'heap' as const, streams: 19000, ratio: 1.29, maxRatio: 1.2, met: false },
      ],
    };
    const table = readmeTable({ ...results(), streams });
    expect(table).toMatch(
      /\| idle memory per stream at the most streams [^|]*\| 1\.13× ✅ \/ 1\.29× ❌ \(19,000\) \| {2}\|/,
    );
  });
});

describe('replaceTable', () => {
  it('replaces only what is between the markers', () => {
    const readme = 'before\n<!-- bench-table:start -->\nold\n<!-- bench-table:end -->\nafter\n';
    expect(replaceTable(readme, 'new')).toBe(
      'before\n<!-- bench-table:start -->\n\nnew\n\n<!-- bench-table:end -->\nafter\n',
    );
  });
  it('refuses a README without the markers', () => {
    expect(() => replaceTable('no markers', 'new')).toThrow(/bench-table/);
  });
});
