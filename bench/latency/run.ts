/**
 * (D) Publish→receive latency at N connections and a fixed event rate, timed from each event's scheduled send time
 * (embedded in the event, read on CLOCK_MONOTONIC, which server and client processes share).
 */
import { startFleet } from '../lib/fleet.ts';
import { type PartResult, scenario } from '../lib/part.ts';
import { BASELINE } from '../lib/servers/index.ts';
import { quantileSorted, type Repetition, rotate } from '../lib/stats.ts';
import { type DeliveryReport, verifyDeliveries } from '../lib/verify.ts';

export interface LatencyOptions {
  quick: boolean;
  reps: number;
  impls: string[];
  log: (line: string) => void;
}

const CONNECTIONS = 100;
const RATE = 100;
const MIN_RATE_FRACTION = 0.95;
const MAX_ATTEMPTS = 2;

export async function runLatency(options: LatencyOptions): Promise<PartResult> {
  const events = options.quick ? 200 : 600;
  const p99Reps: Repetition[] = [];
  const p50Reps: Repetition[] = [];
  const discarded: string[] = [];
  for (let rep = 0; rep < options.reps; rep++) {
    const p99: Record<string, number> = {};
    const p50: Record<string, number> = {};
    for (const impl of rotate(options.impls, rep)) {
      const fleet = await startFleet({ impl, connections: CONNECTIONS, clientProcesses: 1 });
      try {
        let seq = 0;
        // warm-up: half a second at the target rate, verified, not measured
        await measure(fleet, impl, RATE / 2, seq, `latency ${impl} warm-up`);
        seq += RATE / 2;
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          const label = `latency ${impl} rep ${rep + 1}${attempt > 1 ? ` (attempt ${attempt})` : ''}`;
          const result = await measure(fleet, impl, events, seq, label);
          seq += events;
          if (result.achievedRate < RATE * MIN_RATE_FRACTION) {
            discarded.push(`${label}: ${result.achievedRate.toFixed(1)} events/s < ${RATE * MIN_RATE_FRACTION}`);
            options.log(`  ${label}: discarded, ${result.achievedRate.toFixed(1)} events/s`);
            continue;
          }
          p50[impl] = result.p50;
          p99[impl] = result.p99;
          options.log(
            `  ${label}: p50 ${(result.p50 / 1000).toFixed(2)} ms, p99 ${(result.p99 / 1000).toFixed(2)} ms at ${result.achievedRate.toFixed(1)} events/s`,
          );
          break;
        }
      } finally {
        await fleet.stop();
      }
    }
    p99Reps.push(p99);
    p50Reps.push(p50);
  }
  const target = options.impls.includes('ssekit') ? [{ impl: 'ssekit', maxRatio: 1.1, source: 'brief (D)' }] : [];
  return {
    part: 'D',
    title: `Publish→receive latency, N=${CONNECTIONS}, ${RATE} events/s`,
    method:
      `${events} events per measured run at ${RATE}/s to ${CONNECTIONS} connections (one client process), after a 1 s ` +
      'warm-up; latency = receive time − scheduled send time, both on CLOCK_MONOTONIC (process.hrtime), over every ' +
      `delivery. Runs below ${MIN_RATE_FRACTION * 100}% of the target rate are discarded (one retry).`,
    scenarios: [
      scenario('p99 latency', 'p99 publish→receive latency', 'µs', BASELINE, p99Reps, target),
      scenario('p50 latency', 'p50 publish→receive latency', 'µs', BASELINE, p50Reps, []),
    ],
    notes: discarded.length ? [`discarded runs: ${discarded.join('; ')}`] : [],
  };
}

async function measure(
  fleet: Awaited<ReturnType<typeof startFleet>>,
  impl: string,
  events: number,
  firstSeq: number,
  label: string,
): Promise<{ p50: number; p99: number; achievedRate: number }> {
  await Promise.all(fleet.clients.map((c) => c.request('arm', { events, latency: true })));
  const sent = await fleet.server.request<{ achievedRate: number }>(
    'latency',
    { events, rate: RATE, firstSeq },
    (events / RATE) * 1000 + 20_000,
  );
  const reports = await Promise.all(
    fleet.clients.map((c) =>
      c.request<DeliveryReport & { latenciesUs: number[] }>('await', { timeoutMs: 20_000 }, 25_000),
    ),
  );
  verifyDeliveries(`${label} (${impl})`, reports, { connections: CONNECTIONS, events, firstSeq });
  const all = Float64Array.from(reports.flatMap((r) => r.latenciesUs)).sort();
  if (all.length !== events * CONNECTIONS)
    throw new Error(`${label}: ${all.length} latency samples, expected ${events * CONNECTIONS}`);
  return { p50: quantileSorted(all, 0.5), p99: quantileSorted(all, 0.99), achievedRate: sent.achievedRate };
}
