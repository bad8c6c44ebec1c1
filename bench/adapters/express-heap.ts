/**
 * What the node sink's dictionary-mode change costs an Express response in heap, on this Node (see the node sink:
 * V8 before 13 gives each re-prototyped response a hidden class of its own; the sink turns it into a dictionary-mode
 * object so they share one).
 *
 *   node --expose-gc --conditions=@ssekit/source --import tsx bench/adapters/express-heap.ts
 *
 * Builds 5,000 request/response pairs the way Express 5 sets them up (`res.req`, the prototype swapped to
 * `app.response`, `res.locals`), then attaches a sink: `@ssekit/server`'s own `NodeSink` (which, on V8 < 13, turns the
 * response into a dictionary-mode object), or what the sink did before that change (its symbol tag and one `close`
 * listener, the response left in fast mode). Prints the heap per pair after full GCs. No sockets: only the objects
 * differ between the two figures.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { NodeSink } from '@ssekit/server/node';
import express from 'express';

const PAIRS = 5_000;
const kSink = Symbol('sink');
const maybeGc = (globalThis as { gc?: () => void }).gc;
if (!maybeGc) throw new Error('run with --expose-gc');
const gc: () => void = maybeGc;
const prototype = express().response;

function pair(dictionary: boolean): ServerResponse {
  const req = new IncomingMessage(new Socket());
  const res = new ServerResponse(req) as ServerResponse & Record<symbol, unknown> & { locals?: object };
  Object.setPrototypeOf(res, prototype);
  res.locals ??= Object.create(null);
  if (dictionary) {
    new NodeSink(res);
  } else {
    res[kSink] = true;
    res.once('close', () => {});
  }
  return res;
}

/** Module-level, so no compiler can tell the pairs are dead before the second measurement. */
const kept: ServerResponse[] = [];

function heapPerPair(dictionary: boolean): number {
  for (let i = 0; i < 100; i++) kept.push(pair(dictionary));
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < PAIRS; i++) kept.push(pair(dictionary));
  gc();
  gc();
  const perPair = (process.memoryUsage().heapUsed - before) / PAIRS;
  if (kept.length !== PAIRS + 100) throw new Error('pairs lost');
  return perPair;
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
    `${process.version} (V8 ${process.versions.v8}): heap per Express request/response pair, with the sink as it was ${fast.toFixed(0)} B, with NodeSink ${dictionary.toFixed(0)} B (+${(dictionary - fast).toFixed(0)} B)`,
  );
}
