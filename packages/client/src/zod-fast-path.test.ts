import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createEventDecoder } from './event-decoder.js';
import { EventValidationError, ParseError } from './event-errors.js';
import type { RawSseEvent } from './raw-event.js';
import { createZodFastPathDecoder, zodFastPathSignature } from './zod-fast-path.js';

const raw: RawSseEvent = { event: 'tick', data: '', id: undefined };

describe('createZodFastPathDecoder', () => {
  const Tick = z.object({ seq: z.number().int(), text: z.string() });
  const fast = vi.fn((value: unknown) => {
    const v = value as { seq?: unknown; text?: unknown };
    return Number.isSafeInteger(v.seq) && typeof v.text === 'string' ? { seq: v.seq, text: v.text } : undefined;
  });
  const decoder = (schema: z.ZodType, signature = zodFastPathSignature(Tick)) =>
    createZodFastPathDecoder({ schema, signature, parse: fast, route: 'ticks' });

  it('gives the fast output, and the zod decoder’s own errors for what the fast path refuses', () => {
    fast.mockClear();
    const decode = decoder(Tick);
    expect(decode('{"seq":1,"text":"a","extra":true}', raw)).toEqual({ ok: true, value: { seq: 1, text: 'a' } });
    expect(fast).toHaveBeenCalledTimes(1);
    const zod = createEventDecoder({ schema: Tick, route: 'ticks' });
    for (const data of ['{"seq":1.5,"text":"a"}', '{"seq":1', '']) {
      const refused = decode(data, raw);
      if (refused.ok) throw new Error(`${data} accepted`);
      const expected = zod(data, raw);
      if (expected.ok) throw new Error(`zod accepted ${data}`);
      expect(refused.error).toBeInstanceOf(expected.error.constructor);
      expect(refused.error.message).toBe(expected.error.message);
      if (refused.error instanceof EventValidationError) {
        expect(refused.error.issues).toEqual(Tick.safeParse({ seq: 1.5, text: 'a' }).error!.issues);
      } else expect(refused.error).toBeInstanceOf(ParseError);
    }
  });

  it("hands on the fast path's own output, without running zod", () => {
    const output = { seq: 1, text: 'a' };
    const decode = createZodFastPathDecoder({
      schema: Tick,
      signature: zodFastPathSignature(Tick),
      parse: () => output,
    });
    const result = decode('{"seq":1,"text":"a"}', raw);
    expect(result.ok && result.value).toBe(output);
  });

  it('gives zod’s own verdict on a value the fast path leaves to zod (returns `undefined` for)', () => {
    // zod 4.6 counts '👍👍' as 2 characters, earlier releases as 4: generated code leaves it to zod, which decides
    const Name = z.object({ name: z.string().max(2) });
    const decode = createZodFastPathDecoder({
      schema: Name,
      signature: zodFastPathSignature(Name),
      parse: () => undefined,
    });
    expect(decode('{"name":"👍👍","x":1}', raw)).toEqual({ ok: true, value: { name: '👍👍' } });
    const refused = decode('{"name":"👍👍👍"}', raw);
    expect(refused.ok).toBe(false);
  });

  it('decodes with zod alone when the schema changed since the client was generated', () => {
    fast.mockClear();
    const changed = z.object({ seq: z.number().int().gt(1), text: z.string() });
    expect(zodFastPathSignature(changed)).not.toBe(zodFastPathSignature(Tick));
    const decode = decoder(changed);
    const refused = decode('{"seq":1,"text":"a"}', raw);
    expect(refused.ok).toBe(false);
    expect(decode('{"seq":2,"text":"a","extra":1}', raw)).toEqual({ ok: true, value: { seq: 2, text: 'a' } });
    const unsupported = z.object({ seq: z.number(), text: z.string().min(1) });
    expect(decoder(unsupported)('{"seq":1,"text":""}', raw).ok).toBe(false);
    expect(fast).not.toHaveBeenCalled();
  });

  it('fingerprints the definition: equal schemas share one, any change gives another', () => {
    const a = zodFastPathSignature(z.object({ a: z.string() }));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(zodFastPathSignature(z.object({ a: z.string() }))).toBe(a);
    const others = [
      z.object({ b: z.string() }),
      z.object({ a: z.string(), b: z.string() }),
      z.strictObject({ a: z.string() }),
      z.object({ a: z.string().optional() }),
      z.object({ a: z.string().nullable() }),
      z.object({ a: z.string().min(1) }),
      z.object({ a: z.string().regex(/x/) }),
      z.object({ a: z.string().regex(/y/) }),
      z.object({ a: z.string().transform((s) => s) }),
      z.object({ a: z.number() }),
      z.object({ a: z.number().gt(1) }),
      z.object({ a: z.number().gte(1) }),
      z.object({ a: z.number().gt(2) }),
      z.object({ a: z.literal('x') }),
      z.object({ a: z.literal('y') }),
    ].map(zodFastPathSignature);
    expect(new Set([a, ...others]).size).toBe(others.length + 1);
    const node = z.object({
      name: z.string(),
      get children() {
        return z.array(node);
      },
    });
    expect(zodFastPathSignature(node)).toMatch(/^[0-9a-f]{16}$/);
  });
});
