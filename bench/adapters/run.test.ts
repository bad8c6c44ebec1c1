import { describe, expect, it } from 'vitest';
import { formatTable, runAdapters } from './run.ts';

describe('bench/adapters', () => {
  it('runs a tiny interleaved trial per adapter in child processes and verifies every event', async () => {
    const lines: string[] = [];
    const result = await runAdapters({
      connections: 5,
      bursts: 2,
      repetitions: 2,
      adapters: ['fetch (@hono/node-server)'],
      log: (line) => lines.push(line),
    });
    expect(result.baseline).toBe('node');
    expect(result.results.map((r) => r.adapter)).toEqual(['node', 'fetch (@hono/node-server)']);
    for (const r of result.results) {
      expect(r.verified).toBe(true);
      expect(r.eventsPerTrial).toBe(5 * 10 * 2);
      expect(r.microsPerEvent).toHaveLength(2);
      for (const micros of r.microsPerEvent) expect(micros).toBeGreaterThan(0);
    }
    expect(result.results.find((r) => r.adapter === 'node')?.ratios).toEqual([1, 1]);
    expect(lines).toHaveLength(2);
    const table = formatTable(result).split('\n');
    expect(table).toHaveLength(4);
    expect(table[0]).toMatch(/^\| adapter +\| server CPU µs\/event \(median\)/);
    expect(table[3]).toMatch(/^\| fetch \(@hono\/node-server\) +\| [\d.]+ +\| [\d.]+ +\| [\d.]+–[\d.]+ +\| yes +\|$/);
  }, 120_000);
});
