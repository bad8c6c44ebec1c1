/**
 * (B) Idle memory per connection: RSS and heap growth of the server (after full GCs, `--expose-gc`) from a warmed-up
 * state with a few streams open to `connections` more idle streams, divided by `connections`.
 */
import { startFleet } from '../lib/fleet.ts';
import { type PartResult, scenario } from '../lib/part.ts';
import { MEMORY_BASELINE } from '../lib/servers/index.ts';
import { type Repetition, rotate } from '../lib/stats.ts';

export interface MemoryOptions {
  reps: number;
  impls: string[];
  connections: number;
  log: (line: string) => void;
}

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const WARM = 100;

export async function runMemory(options: MemoryOptions): Promise<PartResult> {
  const rssReps: Repetition[] = [];
  const heapReps: Repetition[] = [];
  const n = options.connections;
  for (let rep = 0; rep < options.reps; rep++) {
    const rss: Record<string, number> = {};
    const heap: Record<string, number> = {};
    for (const impl of rotate(options.impls, rep)) {
      // warm up with a few streams so module loading and first-use compilation are not counted per connection
      const fleet = await startFleet({ impl, connections: WARM, clientProcesses: 2, exposeGc: true });
      try {
        const before = await fleet.server.request<Memory>('memory');
        await fleet.addConnections(n);
        const after = await fleet.server.request<Memory>('memory');
        rss[impl] = (after.rss - before.rss) / n;
        heap[impl] = (after.heapUsed + after.external - before.heapUsed - before.external) / n;
        options.log(
          `  memory ${impl} rep ${rep + 1}: ${(rss[impl] / 1024).toFixed(2)} KiB RSS/conn, ${(heap[impl] / 1024).toFixed(2)} KiB heap+external/conn`,
        );
      } finally {
        await fleet.stop();
      }
    }
    rssReps.push(rss);
    heapReps.push(heap);
  }
  const target = options.impls.includes('ssekit')
    ? [{ impl: 'ssekit', maxRatio: 1.2, source: 'issue 17: headers and one comment frame' }]
    : [];
  return {
    part: 'B',
    title: `Idle memory per connection (${n} connections)`,
    method:
      `Server started with --expose-gc; ${WARM} streams opened first (warm-up), then memory measured after 4 full GCs; ` +
      `then ${n} more idle streams from two client processes, measured again; growth / ${n}. Defaults of every library ` +
      '(heartbeat/keep-alive timers included). Baseline `raw-comment`: node:http writing its headers and one comment ' +
      'frame; `raw-headers` only flushes its headers; `raw` writes the greeting tick event like every other ' +
      'implementation.',
    scenarios: [
      scenario(`RSS, ${n} idle connections`, 'RSS growth per connection', 'B', MEMORY_BASELINE, rssReps, target),
      scenario(
        `heap, ${n} idle connections`,
        'JS heap + external growth per connection',
        'B',
        MEMORY_BASELINE,
        heapReps,
        target,
      ),
    ],
    notes: [],
  };
}
