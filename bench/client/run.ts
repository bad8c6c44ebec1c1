/**
 * (C) Client parse + deserialize + validate throughput: generated clients (zod and standalone) and the runtime with
 * hand-written decoders against bare eventsource-parser + JSON.parse, all in one process per repetition.
 */
import { join } from 'node:path';
import { type PartResult, scenario } from '../lib/part.ts';
import { BENCH_DIR, BenchChild } from '../lib/proc.ts';
import { scratchDir } from '../lib/scratch.ts';
import type { Repetition } from '../lib/stats.ts';

export interface ClientOptions {
  quick: boolean;
  reps: number;
  log: (line: string) => void;
  cpuProfDir?: string;
}

/** Generates the bench contract's client in both modes; returns the folder, or why it could not. */
async function generateClients(log: (line: string) => void): Promise<{ dir?: string; reason?: string }> {
  let codegen: typeof import('@ssekit/codegen');
  try {
    codegen = await import('@ssekit/codegen');
  } catch (error) {
    return { reason: `@ssekit/codegen did not load: ${(error as Error).message}` };
  }
  const dir = scratchDir('client');
  for (const validation of ['zod', 'standalone'] as const) {
    const result = await codegen.generate({
      config: false,
      cwd: BENCH_DIR,
      contracts: join(BENCH_DIR, 'lib', 'tick.ts'),
      exportName: 'benchContract',
      out: join(dir, validation),
      validation,
      outputs: ['client'],
    });
    for (const warning of result.warnings) log(`  codegen warning (${validation}): ${warning}`);
  }
  return { dir };
}

export async function runClient(options: ClientOptions): Promise<PartResult> {
  const mib = options.quick ? 10 : 50;
  const notes: string[] = [];
  const gen = await generateClients(options.log);
  if (gen.reason)
    notes.push(`generated clients not measured: ${gen.reason}; the runtime with hand-written decoders stands in.`);
  const reps: Repetition[] = [];
  const isolatedReps: Repetition[] = [];
  let events = 0;
  let variants: string[] = [];
  const smallReadMib = options.quick ? 1 : 8;
  const smallReadReps: Repetition[] = [];
  const start = (label: string, rep: number, extra: string[], streamMib = mib) =>
    BenchChild.start({
      script: 'client/bench-process.ts',
      args: ['--mib', String(streamMib), ...(gen.dir ? ['--generated', gen.dir] : []), ...extra],
      label,
      startTimeoutMs: 40_000,
      ...(options.cpuProfDir && rep === 0 && extra.length === 0 ? { cpuProfDir: options.cpuProfDir } : {}),
    });
  const describe = (result: Record<string, { nsPerEvent: number; mibPerS: number }>) =>
    Object.entries(result)
      .map(([k, v]) => `${k} ${v.nsPerEvent.toFixed(0)} ns/event (${v.mibPerS.toFixed(0)} MiB/s)`)
      .join(', ');
  for (let rep = 0; rep < options.reps; rep++) {
    // every variant in one process, interleaved (the brief's setting)
    const child = await start(`client decode rep ${rep + 1}`, rep, []);
    try {
      events = child.ready.events as number;
      variants = child.ready.variants as string[];
      const result = await child.request<Record<string, { nsPerEvent: number; mibPerS: number }>>(
        'rep',
        { rep },
        55_000,
      );
      reps.push(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.nsPerEvent])));
      options.log(`  client decode rep ${rep + 1} (one process): ${describe(result)}`);
    } finally {
      await child.stop();
    }
    // each variant alone in a fresh process: what it costs without the others sharing its JIT state
    const isolated: Record<string, number> = {};
    for (const variant of variants) {
      const alone = await start(`client decode ${variant} rep ${rep + 1}`, rep, ['--only', variant]);
      try {
        const result = await alone.request<Record<string, { nsPerEvent: number; mibPerS: number }>>(
          'rep',
          { rep },
          55_000,
        );
        isolated[variant] = result[variant]?.nsPerEvent as number;
        options.log(`  client decode rep ${rep + 1} (alone): ${describe(result)}`);
      } finally {
        await alone.stop();
      }
    }
    isolatedReps.push(isolated);
    // every variant in one process again, but ~1 event per read (128-byte chunks), as a network delivers a live stream
    const small = await start(`client decode small reads rep ${rep + 1}`, rep, ['--chunk', '128'], smallReadMib);
    try {
      const result = await small.request<Record<string, { nsPerEvent: number; mibPerS: number }>>(
        'rep',
        { rep },
        55_000,
      );
      smallReadReps.push(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.nsPerEvent])));
      options.log(`  client decode rep ${rep + 1} (128-byte reads): ${describe(result)}`);
    } finally {
      await small.stop();
    }
  }
  const targets = gen.dir
    ? [
        { impl: 'generated-standalone', maxRatio: 1.25, source: 'brief (C)' },
        { impl: 'generated-zod', maxRatio: 1.25, source: 'issue 17 (zod mode)' },
      ]
    : [{ impl: 'runtime-zod', maxRatio: 1.25, source: 'brief (C), stand-in until the generated client lands' }];
  return {
    part: 'C',
    title: 'Client parse + deserialize + validate',
    method:
      `${mib} MiB of small JSON events (${events} events, ~${Math.round((mib * 1024 * 1024) / Math.max(1, events))} B each) ` +
      'in 64 KiB chunks through a fake fetch returning a ReadableStream; every variant decodes the same stream in the ' +
      'same process, one warm-up pass each, then one measured pass each in rotated order; CPU (user+system) per event; ' +
      'every pass checks count, last seq and checksum. Measured twice per repetition: all variants interleaved in one ' +
      'process, and each variant alone in a fresh process (shared code such as eventsource-parser and the runtime sees ' +
      'one callback shape only, as in an app with one client); then once more in one process with 128-byte reads.',
    scenarios: [
      scenario('decode per event, all variants in one process', 'client CPU per event', 'ns', 'bare', reps, targets),
      scenario(
        'decode per event, one variant per process',
        'client CPU per event',
        'ns',
        'bare',
        isolatedReps,
        targets,
      ),
      scenario(
        'decode per event, 128-byte reads (about one event per read), all variants in one process',
        'client CPU per event',
        'ns',
        'bare',
        smallReadReps,
        [],
        [
          `${smallReadMib} MiB in 128-byte chunks: what each read costs (the body's read, the feed, the abort wiring) ` +
            'weighs on every event, as on a live stream over a network. Reported, no target.',
        ],
      ),
    ],
    notes,
  };
}
