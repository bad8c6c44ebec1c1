/**
 * What the node sink's dictionary-mode change costs an Express response in heap, on this Node (see the node sink:
 * V8 before 13 gives each re-prototyped response a hidden class of its own; the sink turns it into a dictionary-mode
 * object so they share one).
 *
 *   node --expose-gc --import tsx bench/adapters/express-heap.ts
 *
 * Builds 5,000 request/response pairs the way Express 5 sets them up (`res.req`, the prototype swapped to
 * `app.response`, `res.locals`), then adds the sink's symbol property the way the sink does, as it is (fast mode) and
 * with the extra property added and deleted (dictionary mode), and prints the heap per pair after full GCs. No
 * sockets: only the objects differ between the two figures.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import express from 'express';

const PAIRS = 5_000;
const kSpare = Symbol('spare');
const kSink = Symbol('sink');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const prototype = express().response;

function pair(dictionary: boolean): ServerResponse {
  const req = new IncomingMessage(new Socket());
  const res = new ServerResponse(req) as ServerResponse & Record<symbol, unknown> & { locals?: object };
  Object.setPrototypeOf(res, prototype);
  res.locals ??= Object.create(null);
  if (dictionary) res[kSpare] = undefined;
  res[kSink] = true;
  if (dictionary) delete res[kSpare];
  return res;
}

function heapPerPair(dictionary: boolean): number {
  const kept: ServerResponse[] = [];
  for (let i = 0; i < 100; i++) kept.push(pair(dictionary));
  gc?.();
  gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < PAIRS; i++) kept.push(pair(dictionary));
  gc?.();
  gc?.();
  return (process.memoryUsage().heapUsed - before) / PAIRS;
}

const mode = process.argv[2];
if (mode === 'fast' || mode === 'dictionary') {
  console.log(JSON.stringify(heapPerPair(mode === 'dictionary')));
} else {
  // each mode in a fresh process, so neither inherits the other's maps
  const { execFileSync } = await import('node:child_process');
  const run = (m: string) =>
    Number(execFileSync(process.execPath, [...process.execArgv, process.argv[1] as string, m], { encoding: 'utf8' }));
  const fast = run('fast');
  const dictionary = run('dictionary');
  console.log(
    `${process.version} (V8 ${process.versions.v8}): heap per Express request/response pair, fast mode ${fast.toFixed(0)} B, dictionary mode ${dictionary.toFixed(0)} B (+${(dictionary - fast).toFixed(0)} B)`,
  );
}
