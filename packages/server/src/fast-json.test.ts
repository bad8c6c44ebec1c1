import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileJsonWriter } from './fast-json.js';

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('"', '\\', '\n', '\u2028', '\ud800', '\udc00x', '😀', '\u0000', '\u001f\u007f'),
);
const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constant(-0));

const schemas = {
  flat: z.object({ seq: z.number().int(), at: z.number(), text: z.string(), ok: z.boolean() }),
  nested: z.object({
    user: z.object({ name: z.string(), tags: z.array(z.string()) }),
    prices: z.array(z.number()),
    note: z.string().optional(),
    maybe: z.string().nullable(),
    kind: z.enum(['a', 'b"c']),
    lit: z.literal('x'),
    withDefault: z.number().default(7),
  }),
  strict: z.strictObject({ a: z.string() }),
};

describe('compileJsonWriter', () => {
  it('writes exactly what JSON.stringify writes, for every value the schema accepts', () => {
    const flatWrite = compileJsonWriter(schemas.flat)!;
    const nestedWrite = compileJsonWriter(schemas.nested)!;
    fc.assert(
      fc.property(fc.record({ seq: fc.integer(), at: number, text: hostileString, ok: fc.boolean() }), (value) => {
        const parsed = schemas.flat.parse(value);
        expect(flatWrite(parsed)).toBe(JSON.stringify(parsed));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            user: fc.record({ name: hostileString, tags: fc.array(hostileString, { maxLength: 4 }) }),
            prices: fc.array(number, { maxLength: 5 }),
            note: hostileString,
            maybe: fc.option(hostileString, { nil: null }),
            kind: fc.constantFrom('a' as const, 'b"c' as const),
            lit: fc.constant('x' as const),
            withDefault: fc.option(number, { nil: undefined }),
          },
          { requiredKeys: ['user', 'prices', 'maybe', 'kind', 'lit'] },
        ),
        (value) => {
          const parsed = schemas.nested.parse(value);
          expect(nestedWrite(parsed)).toBe(JSON.stringify(parsed));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('declines schemas it does not cover, so callers keep JSON.stringify', () => {
    for (const schema of [
      z.date(),
      z.looseObject({ a: z.string() }),
      z.object({ a: z.string().transform((s) => s.length) }),
      z.union([z.string(), z.number()]),
      z.record(z.string(), z.number()),
      z.object({ at: z.date() }),
      z.bigint(),
    ]) {
      expect(compileJsonWriter(schema)).toBeUndefined();
    }
    expect(compileJsonWriter(schemas.strict)?.({ a: 'x' })).toBe('{"a":"x"}');
  });
});
