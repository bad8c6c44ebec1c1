import { deepStrictEqual } from 'node:assert/strict';
import type { ExpectedEvent } from './types.js';

const FIELDS = ['event', 'data', 'id', 'retry'] as const;

/** The fields of `actual` that `expected` names, so that what is left out is not compared. */
function project(actual: Record<string, unknown>, expected: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of FIELDS) if (field in expected) out[field] = actual[field];
  return out;
}

/**
 * Compares events with expectations: the same count, and per event `event` plus whichever of `data`, `id` and `retry`
 * the expectation gives (`data` in full). Throws `node:assert`'s `AssertionError`, whose diff every test runner
 * prints, on the first mismatch.
 *
 * @example
 * ```ts
 * assertEvents(await stream.take(1), [{ event: 'greeting', data: { text: 'Hello, Ada!', n: 1 } }]);
 * ```
 */
export function assertEvents<E extends { event: string; data: unknown }>(
  events: readonly E[],
  expected: readonly ExpectedEvent<E>[],
): void {
  const actual = events.map((event, i) =>
    project(event as unknown as Record<string, unknown>, (expected[i] ?? {}) as Record<string, unknown>),
  );
  const wanted = expected.map((e) => project(e as Record<string, unknown>, e as Record<string, unknown>));
  deepStrictEqual(actual, wanted, undefined);
}

/**
 * Anything events can be read from: a test stream.
 *
 * @example
 * ```ts
 * const source: EventSource<TestEvent<typeof seedContract.json>> = await testRoute(router, seedContract.json);
 * ```
 */
export interface EventSource<E> {
  take(count: number, options?: { timeoutMs?: number }): Promise<E[]>;
}

/**
 * Reads `expected.length` events from a stream and compares them (see {@link assertEvents}); the standalone form of
 * `stream.expectEvents`. Returns the events read.
 *
 * @example
 * ```ts
 * await expectEvents(stream, [{ event: 'customer', data: { id: 0, firstName: 'Jet', lastName: 'Brains' } }]);
 * ```
 */
export async function expectEvents<E extends { event: string; data: unknown }>(
  stream: EventSource<E>,
  expected: readonly ExpectedEvent<E>[],
  options?: { timeoutMs?: number },
): Promise<E[]> {
  const events = await stream.take(expected.length, options);
  assertEvents(events, expected);
  return events;
}
