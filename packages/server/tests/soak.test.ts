import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Snapshot {
  heapUsed: number;
  /** Live async resources by type (async_hooks: unref'd timers included). */
  resources: Record<string, number>;
  /** `process.getActiveResourcesInfo()` by type (ref'd handles and timers). */
  handles: Record<string, number>;
  /** Every live timer: callback name, period, unref'd or not. */
  timers: string[];
}

interface SoakResult {
  probeSeen: boolean;
  probeGone: boolean;
  cycles: number;
  streams: number;
  events: number;
  exactlyOnce: boolean;
  cyclesMs: number;
  streamsMs: number;
  baseline: Snapshot;
  afterCycles: Snapshot;
  afterStreams: Snapshot;
  error?: string;
}

/** Heap growth tolerated after gc: 20,000 cycles leaking 200 bytes each, or 5,000 streams 800 each, pass it. */
const HEAP_SLACK = 4 * 1024 * 1024;

function runSoak(): Promise<SoakResult> {
  const fixture = fileURLToPath(new URL('./fixtures/soak.ts', import.meta.url));
  const args = ['--expose-gc', '--conditions=@ssekit/source', '--import', 'tsx', fixture];
  // 5,000 streams are 10,000 sockets in one process: raise the soft descriptor limit to the hard one.
  const child = spawn(
    'bash',
    ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', process.execPath, ...args],
    {
      env: { ...process.env, CYCLES: '20000', STREAMS: '5000', EVENTS: '20' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the soak process did not finish within 110 s'));
    }, 110_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as SoakResult);
      } catch {
        reject(new Error(`the soak process exited ${code} without a result: ${out.slice(-500)}`));
      }
    });
  });
}

describe('soak: 20,000 connect/abort cycles and 5,000 concurrent streams on a hub', () => {
  it('returns heap, handles and timers (unref’d included) to baseline; every event delivered exactly once', async () => {
    const result = await runSoak();
    expect(result.error).toBeUndefined();
    // The timer instrument sees an unref'd timer (which getActiveResourcesInfo does not list), and its end.
    expect(result.probeSeen).toBe(true);
    expect(result.probeGone).toBe(true);
    expect(result.exactlyOnce).toBe(true);
    for (const after of [result.afterCycles, result.afterStreams]) {
      expect(after.timers).toEqual(result.baseline.timers);
      expect(after.resources).toEqual(result.baseline.resources);
      expect(after.handles).toEqual(result.baseline.handles);
      expect(after.heapUsed).toBeLessThan(result.baseline.heapUsed + HEAP_SLACK);
    }
    console.info(
      `soak: baseline heap ${(result.baseline.heapUsed / 2 ** 20).toFixed(1)} MB, after ${result.cycles} cycles ` +
        `${(result.afterCycles.heapUsed / 2 ** 20).toFixed(1)} MB (${result.cyclesMs} ms), after ${result.streams} streams ` +
        `${(result.afterStreams.heapUsed / 2 ** 20).toFixed(1)} MB (${result.streamsMs} ms); timers ${JSON.stringify(result.baseline.timers)}; ` +
        `handles ${JSON.stringify(result.baseline.handles)}`,
    );
  }, 120_000);
});
