import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createEventDecoder } from './event-decoder.js';
import { EventValidationError } from './event-errors.js';
import type { RawSseEvent } from './raw-event.js';
import { describePlainZod, withZodFastPath, zodFastPathSignature } from './zod-fast-path.js';

const raw: RawSseEvent = { event: 'tick', data: '', id: undefined };

describe('describePlainZod', () => {
  it('describes what a generated function checks exactly, in the schema’s order', () => {
    const schema = z.strictObject({
      id: z.number().int().gt(0).lte(10),
      name: z.string().nullable(),
      tags: z.array(z.enum(['a', 'b'])).min(1),
      note: z.unknown().optional(),
      kind: z.literal(['x', 1, true, null]),
    });
    expect(describePlainZod(schema)).toEqual({
      kind: 'object',
      strict: true,
      properties: [
        { key: 'id', optional: false, schema: { kind: 'number', checks: [['int'], ['>', 0, false], ['<', 10, true]] } },
        { key: 'name', optional: false, schema: { kind: 'nullable', of: { kind: 'string' } } },
        {
          key: 'tags',
          optional: false,
          schema: { kind: 'array', of: { kind: 'values', values: ['a', 'b'] }, checks: [['min', 1]] },
        },
        { key: 'note', optional: true, schema: { kind: 'optional', of: { kind: 'any' } } },
        { key: 'kind', optional: false, schema: { kind: 'values', values: ['x', 1, true, null] } },
      ],
    });
    expect(describePlainZod(z.int())).toEqual({ kind: 'number', checks: [['int']] });
  });

  it('leaves to zod every schema whose check or output it cannot reproduce', () => {
    enum Numeric {
      A = 0,
      B = 1,
    }
    const recursive = z.object({
      name: z.string(),
      get children() {
        return z.array(recursive);
      },
    });
    const unsupported: [string, z.ZodType][] = [
      ['transform', z.string().transform((s) => s.length)],
      ['refine', z.number().refine((n) => n > 0)],
      ['object refine', z.object({ a: z.string() }).refine(() => true)],
      ['default', z.object({ a: z.string().default('x') })],
      ['catch', z.string().catch('x')],
      ['pipe', z.string().pipe(z.string())],
      ['string length (zod counts code points)', z.string().min(1)],
      ['string format', z.email()],
      ['regex', z.string().regex(/a/)],
      ['trim (an overwrite)', z.string().trim()],
      ['coerce', z.coerce.number()],
      ['int32', z.int32()],
      ['multipleOf', z.number().multipleOf(2)],
      ['loose object', z.looseObject({ a: z.string() })],
      ['catchall', z.object({ a: z.string() }).catchall(z.number())],
      ['xor', z.xor([z.string(), z.number()])],
      ['numeric enum', z.enum(Numeric)],
      ['readonly', z.object({ a: z.string() }).readonly()],
      ['date', z.date()],
      ['bigint literal', z.literal(1n)],
      ['record', z.record(z.string(), z.number())],
      ['tuple', z.tuple([z.string()])],
      ['lazy', z.lazy(() => z.string())],
      ['a recursive object', recursive],
      ['a key Object.prototype has', z.object({ toString: z.string() })],
      ['a __proto__ key', z.object({ ['__proto__']: z.string() })],
      ['symbol keys', z.object({ [Symbol('s')]: z.string() } as unknown as Record<string, z.ZodString>)],
      ['an unsupported member deep inside', z.object({ a: z.array(z.union([z.string(), z.date()])) })],
      ['zod 3-like object', { parse: () => 1 } as unknown as z.ZodType],
    ];
    for (const [what, schema] of unsupported) expect(describePlainZod(schema), what).toBeUndefined();
  });

  it('describes a schema used at two places of one tree', () => {
    const point = z.object({ x: z.number() });
    expect(describePlainZod(z.object({ from: point, to: point }))).toBeDefined();
  });
});

describe('withZodFastPath', () => {
  const Tick = z.object({ seq: z.number().int(), text: z.string() });
  const fast = vi.fn((value: unknown) => {
    const v = value as { seq?: unknown; text?: unknown };
    return Number.isSafeInteger(v.seq) && typeof v.text === 'string' ? { seq: v.seq, text: v.text } : undefined;
  });

  it('gives the fast output, and zod’s own issues for what the fast path refuses', () => {
    const schema = withZodFastPath(Tick, zodFastPathSignature(Tick)!, fast);
    expect(schema).not.toBe(Tick);
    const decode = createEventDecoder({ schema, route: 'ticks' });
    expect(decode('{"seq":1,"text":"a","extra":true}', raw)).toEqual({ ok: true, value: { seq: 1, text: 'a' } });
    expect(fast).toHaveBeenCalledTimes(1);
    const refused = decode('{"seq":1.5,"text":"a"}', raw);
    expect(refused.ok).toBe(false);
    if (refused.ok) throw new Error('refused value accepted');
    const error = refused.error as EventValidationError;
    expect(error).toBeInstanceOf(EventValidationError);
    expect(error.issues).toEqual(Tick.safeParse({ seq: 1.5, text: 'a' }).error!.issues);
  });

  it('validates with zod alone when the schema changed since the client was generated', () => {
    const signature = zodFastPathSignature(Tick)!;
    const changed = z.object({ seq: z.number().int().gt(0), text: z.string() });
    expect(zodFastPathSignature(changed)).not.toBe(signature);
    expect(withZodFastPath(changed, signature, fast)).toBe(changed);
    const unsupported = z.object({ seq: z.number(), text: z.string().min(1) });
    expect(withZodFastPath(unsupported, signature, fast)).toBe(unsupported);
  });

  it('fingerprints the description: equal schemas share one, any change gives another', () => {
    const a = zodFastPathSignature(z.object({ a: z.string() }));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(zodFastPathSignature(z.object({ a: z.string() }))).toBe(a);
    for (const other of [
      z.object({ b: z.string() }),
      z.strictObject({ a: z.string() }),
      z.object({ a: z.string().optional() }),
      z.object({ a: z.string().nullable() }),
      z.object({ a: z.number() }),
    ]) {
      expect(zodFastPathSignature(other)).not.toBe(a);
    }
    expect(zodFastPathSignature(z.string().transform(Number))).toBeUndefined();
  });
});
