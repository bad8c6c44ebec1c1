import { describePlainZod, type PlainZodNode } from '@ssekit/client';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidatorModule } from '../src/emitters/client/standalone-validator.ts';
import { compileZodFastPath } from '../src/emitters/client/zod-fast-path.ts';
import { buildIr } from '../src/ir/build.ts';
import { REPOSITORY_CONTRACTS } from './helpers/repo-contracts.ts';

// The zod-mode fast path must be exact: for every value JSON can carry, it gives zod's output (same keys, same
// order) when zod accepts the value, and refuses it when zod refuses it. These tests compile the emitted TypeScript
// and hold it to zod itself, on random schemas of everything the fast path covers and on the repository's contracts.

type Fast = (value: unknown) => unknown;

/** The emitted fast path of a schema, compiled to a callable function. */
function compile(node: PlainZodNode): Fast {
  const module = new ValidatorModule();
  compileZodFastPath(node, 'parseIt', module);
  const source = `${[...module.constants, ...module.helpers()].join('\n')}\n${module.functions.join('\n\n')}\nreturn parseIt;`;
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  return new Function(js)() as Fast;
}

/** JSON-stringified output, which also pins the keys' order. */
const text = (value: unknown) => JSON.stringify(value);

/**
 * How many values zod accepted and refused (both sides of the comparison must be exercised), and how many the fast path
 * left to zod because zod releases count their string lengths differently.
 */
const seen = { accepted: 0, refused: 0, undecided: 0 };

/** A surrogate pair: a string counted differently in UTF-16 units and in code points. */
const ASTRAL = /[\ud800-\udbff][\udc00-\udfff]/;

function expectSameAsZod(schema: z.ZodType, fast: Fast, value: unknown): void {
  const zod = schema.safeParse(value);
  seen[zod.success ? 'accepted' : 'refused'] += 1;
  const out = fast(value);
  if (zod.success && out === undefined) {
    // Left to zod: only where the counts differ, that is for a value with a surrogate pair in some string.
    expect(text(value), `zod accepts ${text(value)}`).toMatch(ASTRAL);
    seen.undecided += 1;
    return;
  }
  if (zod.success) {
    expect(out, `zod accepts ${text(value)}`).not.toBe(undefined);
    expect(out).toStrictEqual(zod.data);
    expect(text(out)).toBe(text(zod.data));
  } else {
    expect(out, `zod refuses ${text(value)}: ${zod.error.message}`).toBe(undefined);
  }
}

const KEYS = ['a', 'b', 'kind', 'a-b', 'x y', '0', '$ref'];
const small = fc.integer({ min: -5, max: 5 });
const primitive = fc.oneof(fc.string({ maxLength: 3 }), small, fc.boolean(), fc.constant(null));

/** Random schemas of everything the fast path covers, nested up to a few levels. */
const schemas: fc.Arbitrary<z.ZodType> = fc.letrec<{ schema: z.ZodType }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<z.ZodType>(z.string(), z.boolean(), z.null(), z.unknown(), z.any(), z.int(), z.number().int()),
    fc
      .array(fc.tuple(fc.constantFrom('min', 'max', 'length'), fc.nat(3)), { minLength: 1, maxLength: 2 })
      .map((checks) => checks.reduce((s, [check, n]) => s[check](n), z.string())),
    fc
      .array(fc.tuple(fc.constantFrom('gt', 'gte', 'lt', 'lte', 'int'), small), { maxLength: 3 })
      .map((checks) =>
        checks.reduce<z.ZodNumber>((s, [check, n]) => (check === 'int' ? s.int() : s[check](n)), z.number()),
      ),
    fc.array(primitive, { minLength: 1, maxLength: 3 }).map((values) => z.literal(values)),
    fc.uniqueArray(fc.string({ maxLength: 2 }), { minLength: 1, maxLength: 8 }).map((values) => z.enum(values)),
    tie('schema').map((s) => s.optional()),
    tie('schema').map((s) => s.nullable()),
    fc
      .tuple(tie('schema'), fc.option(fc.constantFrom('min', 'max', 'length'), { nil: undefined }), fc.nat(3))
      .map(([s, check, n]) => (check ? z.array(s)[check](n) : z.array(s))),
    fc
      .tuple(fc.dictionary(fc.constantFrom(...KEYS), tie('schema'), { maxKeys: 4 }), fc.boolean())
      .map(([shape, strict]) => (strict ? z.strictObject(shape) : z.object(shape))),
    fc.array(tie('schema'), { minLength: 1, maxLength: 3 }).map((options) => z.union(options)),
    fc
      .array(fc.dictionary(fc.constantFrom('a', 'b'), tie('schema'), { maxKeys: 2 }), {
        minLength: 1,
        maxLength: 3,
      })
      .map((shapes) =>
        z.discriminatedUnion(
          'kind',
          shapes.map((shape, i) => z.object({ ...shape, kind: z.literal(`k${i}`) })) as [
            z.ZodObject<{ kind: z.ZodLiteral<string> }>,
          ],
        ),
      ),
  ),
})).schema;

/** Values near what a described schema accepts (each part sometimes off), mixed with arbitrary JSON. */
function valuesFor(node: PlainZodNode, depth = 0): fc.Arbitrary<unknown> {
  const anything = fc.jsonValue({ maxDepth: 2 });
  const near = ((): fc.Arbitrary<unknown> => {
    switch (node.kind) {
      case 'string':
        // ASCII, surrogate pairs and lone surrogates: around a length bound, units and code points may disagree
        return fc.oneof(
          fc.string({ maxLength: 3 }),
          fc
            .array(fc.constantFrom('a', '👍', '\u{1F600}', '\ud83d', '\udc4d'), { maxLength: 7 })
            .map((p) => p.join('')),
        );
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'any':
        return anything;
      case 'number':
        return fc.oneof(fc.integer({ min: -7, max: 7 }), fc.double({ min: -7, max: 7, noNaN: true }));
      case 'values':
        return fc.constantFrom(...node.values);
      case 'optional':
      case 'nullable':
        return fc.oneof(fc.constant(node.kind === 'optional' ? undefined : null), valuesFor(node.of, depth + 1));
      case 'array':
        return fc.array(valuesFor(node.of, depth + 1), { maxLength: 4 });
      case 'union':
        return fc.oneof(...node.of.map((option) => valuesFor(option, depth + 1)));
      case 'object': {
        const entries = node.properties.map((p) =>
          fc.option(
            valuesFor(p.schema, depth + 1).map((v) => [p.key, v] as const),
            { freq: 6, nil: undefined },
          ),
        );
        const extra = fc.option(fc.tuple(fc.constantFrom('c', 'a', '__proto__'), fc.jsonValue({ maxDepth: 1 })), {
          freq: 3,
          nil: undefined,
        });
        return fc.tuple(fc.tuple(...entries), extra).map(([present, more]) => {
          const pairs = present.filter((p) => p !== undefined);
          return JSON.parse(JSON.stringify(Object.fromEntries(more ? [...pairs, more] : pairs)));
        });
      }
    }
  })();
  return depth > 4 ? anything : fc.oneof({ arbitrary: near, weight: 4 }, { arbitrary: anything, weight: 1 });
}

/** What reaches a decoder: a value that went through JSON text (as the wire carries it; `undefined` has no text). */
const viaJson = (value: unknown) => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

describe('the zod-mode fast path gives what zod gives', () => {
  it('on random schemas of everything it covers, and values near them', () => {
    const before = { ...seen };
    fc.assert(
      fc.property(
        schemas.chain((schema) => {
          const node = describePlainZod(schema);
          expect(node, 'every generated schema is one the fast path covers').toBeDefined();
          return fc.tuple(fc.constant(schema), fc.constant(node!), fc.array(valuesFor(node!), { maxLength: 20 }));
        }),
        ([schema, node, values]) => {
          const fast = compile(node);
          for (const value of values) expectSameAsZod(schema, fast, viaJson(value));
        },
      ),
      { numRuns: 300 },
    );
    expect(seen.accepted - before.accepted).toBeGreaterThan(500);
    expect(seen.refused - before.refused).toBeGreaterThan(500);
    // string lengths near their bounds with surrogate pairs: few values left to zod (a run may have none; the verdict
    // table below leaves some to zod every time)
    expect(seen.undecided - before.undecided).toBeLessThan((seen.accepted - before.accepted) / 5);
  });

  it('decides a string length where zod releases agree, and leaves it to zod where they do not', () => {
    // [schema, value, verdict]: 'accept' and 'refuse' under both counts; 'zod' where units and code points differ.
    // The check sits in a union's first option, whose second option takes any `s` and strips `t`: accepted, the output
    // keeps `t`; refused, it does not; left to zod, the whole union gives `undefined` (the second option must not win).
    const cases: [z.ZodString, string, 'accept' | 'refuse' | 'zod'][] = [
      [z.string().max(2), 'ab', 'accept'],
      [z.string().max(2), '👍', 'accept'], // 2 units, 1 code point
      [z.string().max(2), '👍👍', 'zod'], // 4 units, 2 code points
      [z.string().max(2), '👍👍👍', 'refuse'],
      [z.string().max(2), 'abc', 'refuse'],
      [z.string().max(2), '\ud83d\ud83d\ud83d', 'refuse'], // lone surrogates count one each
      [z.string().min(1), '', 'refuse'],
      [z.string().min(1), '\ud83d', 'accept'], // settled by units alone: one unit is one code point
      [z.string().min(1), '👍', 'accept'],
      [z.string().min(3), 'ab', 'refuse'],
      [z.string().min(3), '👍a', 'zod'], // 3 units, 2 code points
      [z.string().min(3), '👍👍a', 'accept'],
      [z.string().min(3), 'abcdef', 'accept'],
      [z.string().min(2), '\udc4d\ud83d', 'accept'], // a low then a high surrogate: no pair
      [z.string().length(2), 'ab', 'accept'],
      [z.string().length(2), '👍', 'zod'],
      [z.string().length(2), '👍👍', 'zod'],
      [z.string().length(2), 'a👍', 'zod'], // 3 units, 2 code points
      [z.string().length(2), 'abc', 'refuse'],
      [z.string().length(2), '👍👍👍', 'refuse'],
    ];
    for (const [schema, value, verdict] of cases) {
      const union = z.union([z.object({ s: schema, t: z.literal(1) }), z.object({ s: z.unknown() })]);
      const out = compile(describePlainZod(union)!)({ s: value, t: 1 }) as { t?: number } | undefined;
      const got = out === undefined ? 'zod' : out.t === 1 ? 'accept' : 'refuse';
      // on its own, the fast path gives `undefined` both for what it refuses and for what it leaves to zod
      expect(compile(describePlainZod(schema)!)(value) === undefined).toBe(verdict !== 'accept');
      expect({ schema: schema._zod.def.checks?.map((c) => c._zod.def.check), value, got }).toEqual({
        schema: schema._zod.def.checks?.map((c) => c._zod.def.check),
        value,
        got: verdict,
      });
    }
  });

  it("on every event schema of the repository's contracts it covers", () => {
    let covered = 0;
    for (const [, contract] of REPOSITORY_CONTRACTS) {
      for (const route of buildIr(contract).routes) {
        const schemaOf = (contract as unknown as Record<string, { events: Record<string, z.ZodType> }>)[route.key]!;
        for (const event of route.events) {
          if (!event.zodFastPath) continue;
          covered += 1;
          const schema = schemaOf.events[event.name]!;
          const fast = compile(event.zodFastPath.node);
          fc.assert(
            fc.property(valuesFor(event.zodFastPath.node), (value) => expectSameAsZod(schema, fast, viaJson(value))),
            { numRuns: 200 },
          );
          for (const example of event.examples) expect(fast(viaJson(example))).toStrictEqual(schema.parse(example));
        }
      }
    }
    // the codegen README's figure: 34 of the repository's 58 events (the others: text events, route deserializers,
    // formats, recursion, transforms)
    expect(covered).toBe(34);
  });

  it('refuses what zod refuses on the edges: unsafe integers, bounds, extra keys of a strict object, tags', () => {
    const cases: [z.ZodType, unknown[]][] = [
      [z.number().int(), [2 ** 53, -(2 ** 53), 1.5, 2 ** 53 - 1, 0]],
      [z.number().gt(1).lte(3), [1, 1.0001, 3, 3.0001]],
      [z.number().gte(1).lt(3), [1, 0.999, 3, 2.999]],
      [z.strictObject({ a: z.string() }), [{ a: 'x' }, { a: 'x', b: 1 }, JSON.parse('{"a":"x","__proto__":1}')]],
      [z.object({ a: z.string() }), [JSON.parse('{"a":"x","__proto__":{"b":1}}'), { b: 1, a: 'y' }]],
      [z.object({ a: z.unknown() }), [{}, { a: null }, { a: [1] }]],
      [
        z.object({ a: z.string().optional(), b: z.number() }),
        [{ b: 1 }, { b: 1, a: 'x' }, { a: 'x', b: 1 }, { a: 1, b: 1 }],
      ],
      [z.array(z.number()).min(1).max(2), [[], [1], [1, 2], [1, 2, 3], [1, 'x']]],
      [z.array(z.object({ a: z.number() })).length(1), [[{ a: 1, b: 2 }], [], [{ a: '1' }]]],
      [z.enum(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']), ['a', 'h', 'i', 0]],
      [z.literal([1, 'a', null, true]), [1, 'a', null, true, false, '1']],
      [z.union([z.object({ a: z.number() }), z.object({ a: z.number(), b: z.string() })]), [{ a: 1, b: 'x' }]],
      [
        z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('a'), n: z.number() }),
          z.object({ kind: z.literal('b') }),
        ]),
        [{ kind: 'a', n: 1 }, { kind: 'a' }, { kind: 'b', n: 1 }, { kind: 'c' }, {}],
      ],
      [z.string().nullable().optional(), [null, 'x', 1]],
      [
        z.strictObject({
          a: z.number(),
          b: z.number(),
          c: z.number(),
          d: z.number(),
          e: z.number(),
          f: z.number(),
          g: z.number(),
        }),
        [
          { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1 },
          { a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1 },
        ],
      ],
      // Inside arrays, objects are stripped wherever they sit: in a union, a nullable, a nested array.
      [z.array(z.union([z.string(), z.object({ a: z.number() })])), [['x', { a: 1, b: 2 }]]],
      [z.array(z.object({ a: z.number() }).nullable()), [[null, { a: 1, b: 2 }]]],
      [z.array(z.object({ a: z.number() }).optional()), [[{ a: 1, b: 2 }]]],
      [z.array(z.array(z.object({ a: z.number() }))), [[[{ a: 1, b: 2 }]], [[], [{ a: '1' }]]]],
      // A required key whose schema lets `undefined` through must still be present.
      [z.object({ a: z.unknown().nullable() }), [{}, { a: null }, { a: 1 }]],
      [z.object({ a: z.union([z.string(), z.unknown()]) }), [{}, { a: 1 }]],
    ];
    for (const [schema, values] of cases) {
      const node = describePlainZod(schema);
      expect(node).toBeDefined();
      const fast = compile(node!);
      for (const value of values) expectSameAsZod(schema, fast, value);
    }
  });
});
