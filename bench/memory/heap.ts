/**
 * Per-constructor heap accounting of idle streams: what each stream keeps alive on the server's JS heap.
 *
 *   npx tsx --conditions=@ssekit/source bench/memory/heap.ts [--impls raw-comment,ssekit,ssekit-hub] [--connections 1000] [--out FILE]
 *
 * For each implementation: a server child (`--expose-gc`) and two client children; 100 streams opened (warm-up),
 * full GCs and a heap snapshot; `connections` more idle streams, full GCs and a second snapshot. V8 keeps object ids
 * stable between snapshots of one process, so the objects of the second snapshot whose id the first lacks are the
 * ones the new streams allocated and still hold. They are grouped by V8's node name (the constructor name for objects,
 * the function name for closures, `(string)`, `(array)`, `(code)`… for the rest), and their shallow sizes summed and
 * divided by `connections`. Prints a table per implementation, largest first; `--out` also writes it as markdown.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleChildren } from '../lib/bundle.ts';
import { startFleet } from '../lib/fleet.ts';
import { BENCH_DIR } from '../lib/proc.ts';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; location_fields?: string[] } };
  nodes: number[];
  strings: string[];
  /** Per function: node index (in `nodes`), script id, line, column (0-based). */
  locations?: number[];
}

/** One group of the accounting: objects of one V8 type and name. */
export interface HeapGroup {
  type: string;
  name: string;
  /** Objects per stream. */
  count: number;
  /** Shallow bytes per stream. */
  bytes: number;
}

const WARM = 100;

/** Reads a snapshot into `id → [type, name, self size]` columns. */
function readSnapshot(path: string): { ids: Float64Array; types: string[]; names: string[]; sizes: Float64Array } {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const typeNames = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const fType = fields.indexOf('type');
  const fName = fields.indexOf('name');
  const fId = fields.indexOf('id');
  const fSize = fields.indexOf('self_size');
  const count = snap.nodes.length / width;
  const ids = new Float64Array(count);
  const sizes = new Float64Array(count);
  const types: string[] = new Array(count);
  const names: string[] = new Array(count);
  // anonymous closures are told apart by where they are defined (line:column of the bundled child, 1-based)
  const where = new Map<number, string>();
  const loc = snap.locations ?? [];
  for (let i = 0; i + 3 < loc.length; i += 4) {
    where.set((loc[i] as number) / width, `${(loc[i + 2] as number) + 1}:${(loc[i + 3] as number) + 1}`);
  }
  for (let i = 0; i < count; i++) {
    const at = i * width;
    ids[i] = snap.nodes[at + fId] as number;
    sizes[i] = snap.nodes[at + fSize] as number;
    const type = typeNames[snap.nodes[at + fType] as number] ?? '?';
    types[i] = type;
    const name = snap.strings[snap.nodes[at + fName] as number] ?? '';
    // strings and numbers are named by their value: group them by type
    if (type === 'closure' && (name === '' || name === 'anonymous') && where.has(i)) {
      names[i] = `(anonymous @${where.get(i)})`;
      continue;
    }
    names[i] =
      type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number'
        ? `(${type})`
        : name.length > 60
          ? `${name.slice(0, 57)}...`
          : name;
  }
  return { ids, types, names, sizes };
}

/** Objects of `after` not in `before`, grouped by type and name, per stream. */
export function diffSnapshots(beforePath: string, afterPath: string, streams: number): HeapGroup[] {
  const before = new Set(readSnapshot(beforePath).ids);
  const after = readSnapshot(afterPath);
  const groups = new Map<string, HeapGroup>();
  for (let i = 0; i < after.ids.length; i++) {
    if (before.has(after.ids[i] as number)) continue;
    const type = after.types[i] as string;
    const name = after.names[i] as string;
    const key = `${type}\0${name}`;
    let group = groups.get(key);
    if (!group) {
      group = { type, name, count: 0, bytes: 0 };
      groups.set(key, group);
    }
    group.count++;
    group.bytes += after.sizes[i] as number;
  }
  return [...groups.values()]
    .map((g) => ({ ...g, count: g.count / streams, bytes: g.bytes / streams }))
    .sort((a, b) => b.bytes - a.bytes);
}

/** Snapshots one implementation's server before and after `connections` more idle streams. */
export async function heapAccounting(impl: string, connections: number, dir: string): Promise<HeapGroup[]> {
  const fleet = await startFleet({ impl, connections: WARM, clientProcesses: 2, exposeGc: true, lifetimeMs: 180_000 });
  const before = join(dir, `${impl}-before.heapsnapshot`);
  const after = join(dir, `${impl}-after.heapsnapshot`);
  try {
    await fleet.server.request('heapSnapshot', { path: before }, 120_000);
    await fleet.addConnections(connections);
    await fleet.server.request('heapSnapshot', { path: after }, 120_000);
  } finally {
    await fleet.stop();
  }
  try {
    return diffSnapshots(before, after, connections);
  } finally {
    rmSync(before, { force: true });
    rmSync(after, { force: true });
  }
}

/** A markdown table of the largest groups (the rest summed in one row). */
export function formatHeap(impl: string, groups: HeapGroup[], top = 25): string {
  const total = groups.reduce((sum, g) => sum + g.bytes, 0);
  const lines = [
    `**${impl}**: ${total.toFixed(0)} B of new heap objects per idle stream`,
    '',
    '| type | name (constructor / function) | objects per stream | bytes per stream |',
    '| --- | --- | ---: | ---: |',
  ];
  for (const g of groups.slice(0, top)) {
    lines.push(
      `| ${g.type} | ${g.name.replace(/\|/g, '\\|') || '–'} | ${g.count.toFixed(2)} | ${g.bytes.toFixed(0)} |`,
    );
  }
  const rest = groups.slice(top);
  if (rest.length) {
    const bytes = rest.reduce((sum, g) => sum + g.bytes, 0);
    lines.push(`| … | ${rest.length} more groups | | ${bytes.toFixed(0)} |`);
  }
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('heap.ts')) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      impls: { type: 'string', default: 'raw-comment,ssekit,ssekit-hub' },
      connections: { type: 'string', default: '1000' },
      out: { type: 'string' },
      top: { type: 'string', default: '25' },
      json: { type: 'string' },
    },
  });
  const dir = join(BENCH_DIR, 'node_modules', '.cache', 'ssekit-bench-heap');
  mkdirSync(dir, { recursive: true });
  await bundleChildren();
  const connections = Number(values.connections);
  const sections: string[] = [];
  const all: Record<string, HeapGroup[]> = {};
  for (const impl of (values.impls ?? '').split(',')) {
    const groups = await heapAccounting(impl, connections, dir);
    all[impl] = groups;
    const table = formatHeap(impl, groups, Number(values.top));
    console.log(`\n${table}`);
    sections.push(table);
  }
  if (values.out) writeFileSync(values.out, `${sections.join('\n\n')}\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(all, null, 1)}\n`);
}
