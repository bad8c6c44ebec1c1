import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describePlainZod } from './plain-zod.js';

describe('describePlainZod', () => {
  it('describes what a generated function checks exactly, in the schema’s order', () => {
    const schema = z.strictObject({
      id: z.number().int().gt(0).lte(10),
      name: z.string().min(1).max(64).nullable(),
      tags: z.array(z.enum(['a', 'b'])).min(1),
      note: z.unknown().optional(),
      kind: z.literal(['x', 1, true, null]),
    });
    expect(describePlainZod(schema)).toEqual({
      kind: 'object',
      strict: true,
      properties: [
        { key: 'id', optional: false, schema: { kind: 'number', checks: [['int'], ['>', 0, false], ['<', 10, true]] } },
        {
          key: 'name',
          optional: false,
          schema: {
            kind: 'nullable',
            of: {
              kind: 'string',
              checks: [
                ['min', 1],
                ['max', 64],
              ],
            },
          },
        },
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
    expect(describePlainZod(z.string().length(2).nonempty())).toEqual({
      kind: 'string',
      checks: [
        ['length', 2],
        ['min', 1],
      ],
    });
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
      // zod's check params take `when` at run time, though its public types leave it out
      ['string length with a custom `when`', z.string().check(z.minLength(1, { when: () => true } as never))],
      ['array length with a custom `when`', z.array(z.string()).check(z.maxLength(1, { when: () => false } as never))],
      ['a string check that is not a length', z.string().startsWith('a')],
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
      ['a refined union', z.union([z.string(), z.number()]).refine(() => true)],
      ['a refined literal', z.literal('a').refine(() => true)],
      ['a refined enum', z.enum(['a']).refine(() => true)],
      [
        'a refined nullable',
        z
          .string()
          .nullable()
          .refine(() => true),
      ],
      ['a refined unknown', z.unknown().refine(() => true)],
      ['a refined array', z.array(z.string()).refine(() => true)],
      ['a literal with a bigint among its values', z.literal([1, 2n])],
      ['an empty enum', z.enum([] as unknown as [string])],
      [
        'a discriminated union whose tag may be absent',
        z.discriminatedUnion('k', [z.object({ k: z.literal('a').optional() }), z.object({ k: z.literal('b') })]),
      ],
      [
        'a discriminated union whose tag is not a value',
        z.discriminatedUnion('k', [z.object({ k: z.literal('a') }), z.object({ k: z.string() })] as never),
      ],
      [
        'a discriminated union with a tag twice',
        z.discriminatedUnion('k', [z.object({ k: z.literal('a'), n: z.number() }), z.object({ k: z.literal('a') })]),
      ],
    ];
    for (const [what, schema] of unsupported) expect(describePlainZod(schema), what).toBeUndefined();
  });

  it('describes a schema used at two places of one tree', () => {
    const point = z.object({ x: z.number() });
    expect(describePlainZod(z.object({ from: point, to: point }))).toBeDefined();
  });
});
