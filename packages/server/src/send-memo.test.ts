import { defineContract } from '@ssekit/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { coreRequest } from '../tests/core-request.js';
import { ContractValidationError } from './errors.js';
import { implement } from './implement.js';
import { MemorySink } from './memory-sink.js';
import { createSendMemo, MEMO_MAX_CHARS, MISMATCH } from './send-memo.js';

const Tick = z.object({
  seq: z.number().int().nonnegative(),
  text: z.string().max(50),
  tags: z.array(z.string()),
  note: z.string().optional(),
  maybe: z.number().nullable(),
  kind: z.enum(['a', 'b']),
  inner: z.object({ ok: z.boolean(), lit: z.literal('x') }),
});
type TickValue = z.input<typeof Tick>;

const tick = (seq: number): TickValue => ({
  seq,
  text: 'hello',
  tags: ['t'],
  maybe: null,
  kind: 'a',
  inner: { ok: true, lit: 'x' },
});

const request = (url: string) => coreRequest(url);

/** A typed route over memory sinks, the way a server loops over its sessions. */
async function sessions(count: number) {
  const contract = defineContract({ r: { path: '/r', events: { tick: Tick } } });
  const opened: { send(event: 'tick', data: TickValue): Promise<void> }[] = [];
  const router = implement(
    contract,
    {
      r: (session) => {
        opened.push(session);
        return session.done;
      },
    },
    { heartbeat: false },
  );
  const sinks: MemorySink[] = [];
  for (let i = 0; i < count; i++) {
    const result = await router.dispatch(request('/r'));
    if (result.kind !== 'stream') throw new Error('expected a stream');
    const sink = new MemorySink();
    result.start(sink);
    sinks.push(sink);
  }
  await new Promise((resolve) => setImmediate(resolve));
  return { sinks, sessions: opened };
}

const frame = (value: unknown) => `event: tick\ndata: ${JSON.stringify(Tick.parse(value))}\n\n`;

describe('send memo: one value sent to many sessions is checked and serialized once, never sent stale', () => {
  it('sends a value mutated between two sessions of one loop as mutated, to the second one', async () => {
    const { sinks, sessions: open } = await sessions(3);
    const value = tick(1);
    void open[0]?.send('tick', value);
    value.seq = 2;
    void open[1]?.send('tick', value);
    value.inner.ok = false;
    value.tags.push('u');
    void open[2]?.send('tick', value);
    expect(sinks.map((sink) => sink.text)).toEqual([
      frame(tick(1)),
      frame({ ...tick(2) }),
      frame({ ...tick(2), inner: { ok: false, lit: 'x' }, tags: ['t', 'u'] }),
    ]);
  });

  it('rejects a mutated value that no longer validates, although the same object passed just before', async () => {
    const { sinks, sessions: open } = await sessions(2);
    const value = tick(1);
    void open[0]?.send('tick', value);
    value.seq = -1;
    expect(() => open[1]?.send('tick', value)).toThrow(ContractValidationError);
    value.seq = 1;
    (value as { text: string }).text = 'x'.repeat(51);
    expect(() => open[1]?.send('tick', value)).toThrow(ContractValidationError);
    expect(sinks[1]?.text).toBe('');
  });

  it('sends equal values, whoever holds them, the same bytes; the same object every turn the bytes of that turn', async () => {
    const { sinks, sessions: open } = await sessions(2);
    const value = tick(1);
    for (let seq = 1; seq <= 3; seq++) {
      value.seq = seq;
      for (const session of open) void session.send('tick', seq === 2 ? tick(2) : value);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const expected = frame(tick(1)) + frame(tick(2)) + frame(tick(3));
    expect(sinks.map((sink) => sink.text)).toEqual([expected, expected]);
  });

  it('tells a left-out optional key from one set, and sends what a getter returns during that send', async () => {
    const { sinks, sessions: open } = await sessions(3);
    let reads = 0;
    const withGetter = {
      ...tick(1),
      get seq() {
        reads++;
        return reads;
      },
    };
    void open[0]?.send('tick', withGetter);
    void open[1]?.send('tick', withGetter);
    void open[2]?.send('tick', { ...tick(1), note: 'n' });
    // The second send reads the getter to compare (2, a miss), then copies what it sends (3): never the kept 1.
    expect(reads).toBe(3);
    expect(sinks.map((sink) => sink.text)).toEqual([frame(tick(1)), frame(tick(3)), frame({ ...tick(1), note: 'n' })]);
  });
});

describe('createSendMemo', () => {
  it('has no memo for schemas whose outcome may depend on more than the value', () => {
    const none = [
      z.string().trim(),
      z.string().transform((s) => s.length),
      z.number().refine((n) => n > 0),
      z.object({ a: z.number() }).superRefine(() => {}),
      z.object({ a: z.number().default(1) }),
      z.coerce.number(),
      z.strictObject({ a: z.string() }),
      z.looseObject({ a: z.string() }),
      z.object({ a: z.string() }).catchall(z.string()),
      z.union([z.string(), z.number()]),
      z.date(),
      z.record(z.string(), z.number()),
      z.string().catch('x'),
      z.string().pipe(z.string()),
    ];
    for (const schema of none) expect(createSendMemo(schema)).toBeUndefined();
    expect(createSendMemo(Tick)).toBeDefined();
    expect(createSendMemo(z.array(z.email().nullable()).min(1))).toBeDefined();
  });

  it('returns a kept result only for a value that validates and serializes the same (property)', () => {
    const memo = createSendMemo<string>(Tick)!;
    const value = fc.record(
      {
        seq: fc.integer({ min: -2, max: 3 }),
        text: fc.constantFrom('a', 'b', 'x'.repeat(51)),
        tags: fc.array(fc.constantFrom('t', 'u'), { maxLength: 2 }),
        note: fc.constantFrom('n', undefined),
        maybe: fc.constantFrom(null, 0, -0, 1),
        kind: fc.constantFrom('a', 'b', 'c'),
        inner: fc.record({ ok: fc.boolean(), lit: fc.constantFrom('x', 'y') }),
      },
      { requiredKeys: ['seq', 'text', 'tags', 'maybe', 'kind', 'inner'] },
    );
    const outcome = (v: unknown) => {
      const parsed = Tick.safeParse(v);
      return parsed.success ? JSON.stringify(parsed.data) : 'invalid';
    };
    fc.assert(
      fc.property(value, value, (a, b) => {
        const copy = memo.prepare(a);
        expect(copy).not.toBe(MISMATCH);
        const text = outcome(copy);
        expect(text).toBe(outcome(a));
        if (text === 'invalid') return;
        memo.keep(copy, text, text.length);
        const kept = memo.lookup(b);
        if (kept !== undefined) expect(kept).toBe(outcome(b));
        // Mutating the original never changes what is kept.
        (a as { seq: number }).seq += 100;
        expect(memo.lookup(a)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps nothing for a value of the wrong shape or a large one', () => {
    const memo = createSendMemo<string>(z.object({ a: z.string() }))!;
    expect(memo.prepare([])).toBe(MISMATCH);
    expect(memo.prepare({ a: 1 })).toBe(MISMATCH);
    const big = { a: 'x'.repeat(MEMO_MAX_CHARS) };
    memo.keep(memo.prepare({ a: 'small' }), 'small', 5);
    expect(memo.lookup({ a: 'small' })).toBe('small');
    memo.keep(memo.prepare(big), 'big', MEMO_MAX_CHARS + 10);
    expect(memo.lookup(big)).toBeUndefined();
    expect(memo.lookup({ a: 'small' })).toBeUndefined();
  });
});
