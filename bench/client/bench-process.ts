/**
 * (C) child: every decoder variant over the same in-memory stream (64 KiB chunks, or `--chunk` bytes, of small JSON events, through a fake
 * `fetch` returning a ReadableStream), interleaved, all in this one process. Reports CPU ns per event per variant.
 */
import { pathToFileURL } from 'node:url';
import { argValue, serveCommands } from '../lib/child.ts';
import { rotate } from '../lib/stats.ts';
import { TICK_EVENT, tick } from '../lib/tick.ts';
import { seqChecksum, seqChecksumStep } from '../lib/verify.ts';
import { bare, type Decoder, generated, runtimeJson, runtimeZod } from './decoders.ts';

/** Bytes per read: 64 KiB by default (a fast local stream), or e.g. 128 (about one event per read, as over a network). */
const CHUNK = Number(argValue('chunk') ?? String(64 * 1024));

const mib = Number(argValue('mib') ?? '50');
const generatedDir = argValue('generated');
/** Measure only this variant (one variant per process: no inline-cache pollution from the others). */
const only = argValue('only');

/** Builds the stream once: `event: tick`, an id, and a small JSON tick per event, cut into CHUNK-byte reads. */
function buildStream(bytes: number): { chunks: Uint8Array[]; events: number } {
  const parts: string[] = [];
  let size = 0;
  let events = 0;
  while (size < bytes) {
    const frame = `event: ${TICK_EVENT}\nid: ${events}\ndata: ${JSON.stringify(tick(events))}\n\n`;
    parts.push(frame);
    size += frame.length;
    events++;
  }
  const all = new TextEncoder().encode(parts.join(''));
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += CHUNK) chunks.push(all.subarray(at, at + CHUNK));
  return { chunks, events };
}

const stream = buildStream(mib * 1024 * 1024);

/** A fetch that answers every request with the prebuilt stream, chunk by chunk. */
const fakeFetch = (async () => {
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = stream.chunks[next++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
}) as typeof fetch;

const variants: Record<string, Decoder> = { bare, 'runtime-json': runtimeJson, 'runtime-zod': runtimeZod };
if (generatedDir) {
  for (const mode of ['zod', 'standalone']) {
    const url = pathToFileURL(`${generatedDir}/${mode}/client.ts`).href;
    const module = (await import(url)) as { createClient: Parameters<typeof generated>[0] };
    variants[`generated-${mode}`] = generated(module.createClient);
  }
}

if (only) {
  if (!variants[only]) throw new Error(`unknown variant ${only} (known: ${Object.keys(variants).join(', ')})`);
  for (const name of Object.keys(variants)) if (name !== only) delete variants[name];
}

async function pass(name: string, decoder: Decoder): Promise<{ nsPerEvent: number; mibPerS: number }> {
  let count = 0;
  let last = -1;
  let checksum = 2166136261;
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await decoder(fakeFetch, (t) => {
    count++;
    last = t.seq;
    checksum = seqChecksumStep(checksum, t.seq);
  });
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - wall) / 1000;
  if (count !== stream.events || last !== stream.events - 1 || checksum !== seqChecksum(0, stream.events)) {
    throw new Error(
      `${name}: decoded ${count} events (last ${last}), expected ${stream.events}; checksum mismatch or loss`,
    );
  }
  return { nsPerEvent: ((used.user + used.system) * 1000) / count, mibPerS: mib / seconds };
}

serveCommands(
  {
    /** One repetition: a warm-up pass of each variant, then one measured pass each, in rotated order. */
    rep: async (m) => {
      const order = rotate(Object.keys(variants), m.rep as number);
      for (const name of order) await pass(name, variants[name] as Decoder);
      const out: Record<string, { nsPerEvent: number; mibPerS: number }> = {};
      for (const name of order) out[name] = await pass(name, variants[name] as Decoder);
      return out;
    },
  },
  { events: stream.events, bytes: stream.chunks.reduce((n, c) => n + c.length, 0), variants: Object.keys(variants) },
);
