/**
 * A benchmark server child: starts one implementation (`--impl name`) on 127.0.0.1 and answers the runner.
 * CPU is sampled here, inside the server process, with `process.cpuUsage()` around the measured window.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { writeHeapSnapshot } from 'node:v8';
import { argValue, CHILD_LIFETIME_MS, serveCommands, waitFor } from './child.ts';
import { SERVERS } from './servers/index.ts';
import { monotonicMicros, tick } from './tick.ts';

const impl = argValue('impl') ?? '';
const coalesce = argValue('coalesce-ms');
const maxStreams = argValue('max-streams');
const factory = SERVERS[impl];
if (!factory) throw new Error(`unknown server implementation "${impl}" (known: ${Object.keys(SERVERS).join(', ')})`);
let server: Awaited<ReturnType<typeof factory>>;
try {
  server = await factory({
    ...(coalesce === undefined ? {} : { coalesceMs: Number(coalesce) }),
    ...(maxStreams === undefined ? {} : { maxStreams: Number(maxStreams) }),
  });
} catch (error) {
  // tell the runner why, so the reason ends up in the results instead of a bare exit code
  process.send?.({
    id: 0,
    ok: false,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  process.exit(1);
}

let window: { cpu: NodeJS.CpuUsage; wall: number } | undefined;
let sending: Promise<unknown> = Promise.resolve();

const gc = (globalThis as { gc?: () => void }).gc;

serveCommands(
  {
    /** Waits until `count` streams are open and greeted. */
    streams: async (m) => {
      const count = m.count as number;
      const ok = await waitFor(() => server.streams() >= count, (m.timeoutMs as number) ?? 20_000, 20);
      return { ok, streams: server.streams() };
    },
    /** Starts the CPU window and sends `events` ticks from `firstSeq`, `burst` per event-loop turn. */
    run: (m) => {
      const events = m.events as number;
      const burst = m.burst as number;
      const firstSeq = m.firstSeq as number;
      window = { cpu: process.cpuUsage(), wall: performance.now() };
      sending = (async () => {
        for (let seq = firstSeq; seq < firstSeq + events; ) {
          for (let i = 0; i < burst && seq < firstSeq + events; i++, seq++) server.broadcast(tick(seq));
          await nextTurn();
        }
      })();
      return { started: true };
    },
    /** Ends the CPU window (after the clients confirmed delivery). */
    stop: async () => {
      await sending;
      if (!window) throw new Error('stop without run');
      const cpu = process.cpuUsage(window.cpu);
      const wallMs = performance.now() - window.wall;
      window = undefined;
      return { cpuUs: cpu.user + cpu.system, userUs: cpu.user, systemUs: cpu.system, wallMs };
    },
    /** Heap and RSS after full GCs (needs --expose-gc). */
    memory: async () => {
      if (!gc) throw new Error('memory needs --expose-gc');
      for (let i = 0; i < 4; i++) {
        gc();
        await nextTurn();
      }
      const m = process.memoryUsage();
      return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
    },
    /** Full GCs, then a V8 heap snapshot written to `path` (for bench/memory/heap.ts). */
    heapSnapshot: async (m) => {
      if (!gc) throw new Error('heapSnapshot needs --expose-gc');
      for (let i = 0; i < 4; i++) {
        gc();
        await nextTurn();
      }
      return { path: writeHeapSnapshot(m.path as string) };
    },
    /** CPU (user + system) this process spends in `ms` of idle time (heartbeats and whatever else runs). */
    idleCpu: async (m) => {
      const ms = m.ms as number;
      const cpu = process.cpuUsage();
      const wall = performance.now();
      await new Promise((resolve) => setTimeout(resolve, ms));
      const used = process.cpuUsage(cpu);
      return { cpuUs: used.user + used.system, wallMs: performance.now() - wall };
    },
    /** Broadcasts one tick with sequence number `seq`; replies with the send time (µs, shared monotonic clock). */
    broadcastOne: (m) => {
      const sentUs = monotonicMicros();
      server.broadcast(tick(m.seq as number));
      return { sentUs, doneUs: monotonicMicros() };
    },
    /**
     * Sends `events` ticks at `rate`/s; each carries its scheduled send time, so scheduler lag counts as latency.
     * Replies with the achieved rate (first to last actual send).
     */
    latency: async (m) => {
      const events = m.events as number;
      const intervalUs = 1e6 / (m.rate as number);
      const firstSeq = m.firstSeq as number;
      const start = monotonicMicros() + 20_000;
      let firstSent = 0;
      let lastSent = 0;
      for (let i = 0; i < events; i++) {
        const at = start + i * intervalUs;
        const waitMs = (at - monotonicMicros()) / 1000;
        if (waitMs > 1) await new Promise((resolve) => setTimeout(resolve, waitMs - 0.5));
        while (monotonicMicros() < at) {
          // spin the last half millisecond: setTimeout's granularity is 1 ms
        }
        server.broadcast(tick(firstSeq + i, at));
        lastSent = monotonicMicros();
        if (i === 0) firstSent = lastSent;
      }
      const seconds = (lastSent - firstSent) / 1e6;
      return { achievedRate: events > 1 ? (events - 1) / seconds : 0 };
    },
  },
  { port: server.port, impl },
  Number(argValue('lifetime-ms') ?? CHILD_LIFETIME_MS),
);
