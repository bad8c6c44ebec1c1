/**
 * (A) Fan-out: server CPU per delivered event, N connections, one event per event-loop turn or bursts of 10.
 * Implementations are interleaved in every repetition (rotated order); ratios are paired per repetition.
 */

import { startFleet } from '../lib/fleet.ts';
import { cpuRun } from '../lib/measure.ts';
import { type PartResult, scenario, type Target } from '../lib/part.ts';
import { BASELINE } from '../lib/servers/index.ts';
import { type Repetition, rotate } from '../lib/stats.ts';

export interface FanoutOptions {
  quick: boolean;
  reps: number;
  impls: string[];
  /** Implementations that only run the one-event-per-turn mode (e.g. coalescing). */
  turnOnly: string[];
  cpuProfDir?: string;
  /** Restrict to these connection counts / burst sizes (profiling a single scenario). */
  sizes?: number[];
  bursts?: number[];
  log: (line: string) => void;
}

interface Mode {
  name: string;
  burst: number;
}

const MODES: Mode[] = [
  { name: '1 event/turn', burst: 1 },
  { name: 'bursts of 10', burst: 10 },
];

function targetsFor(connections: number, mode: Mode, impls: string[]): Target[] {
  const targets: Target[] = [];
  if (impls.includes('ssekit')) targets.push({ impl: 'ssekit', maxRatio: 1.15, source: 'foundation issue' });
  if (impls.includes('ssekit-hub') && connections === 1000 && mode.burst === 10) {
    targets.push({ impl: 'ssekit-hub', maxRatio: 1.1, source: 'hub, bursts of 10, N=1000' });
  }
  if (impls.includes('ssekit-coalesce') && mode.burst === 1) {
    targets.push({ impl: 'ssekit-coalesce', maxRatio: 0.5, source: 'coalesceMs, one event per turn' });
  }
  return targets;
}

export async function runFanout(options: FanoutOptions): Promise<PartResult> {
  const sizes = options.sizes ?? [100, 1000];
  const modes = MODES.filter((m) => !options.bursts || options.bursts.includes(m.burst));
  const deliveries = options.quick ? 20_000 : 50_000;
  const reps = new Map<string, Repetition[]>();
  const key = (n: number, mode: Mode) => `N=${n}, ${mode.name}`;
  for (let rep = 0; rep < options.reps; rep++) {
    const rows = new Map<string, Record<string, number>>();
    for (const impl of rotate(options.impls, rep)) {
      // one fleet per implementation and repetition: N=100 first, then 900 more connections for N=1000
      const fleet = await startFleet({
        impl,
        connections: sizes[0] as number,
        clientProcesses: 1,
        ...(options.cpuProfDir && rep === 0 ? { cpuProfDir: options.cpuProfDir } : {}),
      });
      try {
        let seq = 0;
        let open = sizes[0] as number;
        for (const connections of sizes) {
          if (connections > open) {
            await fleet.addConnections(connections - open);
            open = connections;
          }
          const events = Math.round(deliveries / connections);
          for (const mode of modes) {
            if (mode.burst !== 1 && options.turnOnly.includes(impl)) continue;
            const label = `fanout ${impl} ${key(connections, mode)} rep ${rep + 1}`;
            const warm = Math.max(10, Math.round(events / 4));
            await cpuRun(fleet, `${label} (warm-up)`, connections, { events: warm, burst: mode.burst, firstSeq: seq });
            seq += warm;
            const cpu = await cpuRun(fleet, label, connections, { events, burst: mode.burst, firstSeq: seq });
            seq += events;
            const nsPerEvent = (cpu.cpuUs * 1000) / (events * connections);
            const row = rows.get(key(connections, mode)) ?? {};
            row[impl] = nsPerEvent;
            rows.set(key(connections, mode), row);
            options.log(
              `  ${label}: ${nsPerEvent.toFixed(0)} ns CPU/event (${(cpu.cpuUs / 1000).toFixed(0)} ms CPU, ${cpu.wallMs.toFixed(0)} ms wall)`,
            );
          }
        }
      } finally {
        await fleet.stop();
      }
    }
    for (const [name, row] of rows) reps.set(name, [...(reps.get(name) ?? []), row]);
  }
  const scenarios = [];
  for (const connections of sizes) {
    for (const mode of modes) {
      scenarios.push(
        scenario(
          key(connections, mode),
          'server CPU per delivered event',
          'ns',
          BASELINE,
          reps.get(key(connections, mode)) ?? [],
          targetsFor(connections, mode, options.impls),
        ),
      );
    }
  }
  return {
    part: 'A',
    title: 'Fan-out: server CPU per delivered event',
    method:
      `One server process and one client process (eventsource-parser) on 127.0.0.1; ${deliveries} deliveries per ` +
      'measured run (events × N), after a warm-up run of a quarter of that. CPU = process.cpuUsage() (user+system) in ' +
      'the server from the first send until every client confirmed every event. Each run verifies count, last seq and ' +
      'an order-sensitive checksum on every connection.',
    scenarios,
    notes: [],
  };
}
