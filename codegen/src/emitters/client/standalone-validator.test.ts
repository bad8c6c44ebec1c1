import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { $ZodType } from 'zod/v4/core';
import type { JsonSchema } from '../../ir/types.js';
import { CODE_POINTS_HELPER, compileValidator, ValidatorModule } from './standalone-validator.js';

type Issue = { path: PropertyKey[]; message: string };
type Check = (value: unknown) => Issue | undefined;

/** Emits the validator for a zod schema's output JSON Schema, strips the types with esbuild and loads it. */
function compile(schema: $ZodType): { check: Check; source: string } {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  const module = new ValidatorModule();
  compileValidator(json, 'checkIt', module);
  const source = [
    'type ValidationIssue = { path?: readonly PropertyKey[]; message: string };',
    ...module.constants,
    ...module.helpers(),
    ...module.functions,
  ].join('\n');
  const js = transformSync(`${source}\nreturn checkIt;`, { loader: 'ts' }).code;
  return { check: new Function(js)() as Check, source };
}

/** Emits the validator for a JSON Schema as it is (keywords zod never emits on the output side included). */
function compileJson(json: JsonSchema | boolean): Check {
  const module = new ValidatorModule();
  compileValidator(json as JsonSchema, 'checkIt', module);
  const source = [
    'type ValidationIssue = { path?: readonly PropertyKey[]; message: string };',
    ...module.constants,
    ...module.helpers(),
    ...module.functions,
  ].join('\n');
  return new Function(transformSync(`${source}\nreturn checkIt;`, { loader: 'ts' }).code)() as Check;
}

const wire = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** Near misses: a valid sample with one leaf (or the whole value) replaced by any JSON value. */
function mutations(samples: unknown[]): fc.Arbitrary<unknown> {
  const paths = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
    if (value === null || typeof value !== 'object') return [prefix];
    const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    return [prefix, ...keys.flatMap((k) => paths((value as Record<string, unknown>)[k], [...prefix, k]))];
  };
  return fc
    .constantFrom(...samples)
    .chain((sample) =>
      fc.tuple(fc.constant(sample), fc.constantFrom(...paths(sample)), fc.jsonValue({ maxDepth: 2 }), fc.boolean()),
    )
    .map(([sample, path, replacement, remove]) => {
      if (path.length === 0) return replacement;
      const copy = structuredClone(sample) as Record<string | number, unknown>;
      let node: Record<string | number, unknown> = copy;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
      const last = path[path.length - 1]!;
      if (remove) delete node[last];
      else node[last] = replacement;
      return copy;
    });
}

const Node: z.ZodType<{ name: string; children: unknown[] }> = z.object({
  name: z.string().min(1),
  get children() {
    return z.array(Node).max(3);
  },
});

const Author = z.object({ id: z.string(), name: z.string().min(1) }).meta({ id: 'TestAuthor' });

// Every schema kind the client may meet, with valid samples; zod's own verdict is the oracle.
const CASES: [string, $ZodType, unknown[]][] = [
  ['string lengths', z.string().min(2).max(5), ['ab', 'abcde', '👍👍']],
  // code points, not UTF-16 units: 3 emoji are 6 units; a lone surrogate counts as one
  ['string lengths in code points', z.string().min(3).max(4), ['👍👍👍', '👍a👍b', 'abc', '\ud83dab', '👍\udc4d👍']],
  ['email', z.email(), ['a@example.com', 'first.last@sub.example.org']],
  ['uuid', z.uuid(), ['123e4567-e89b-12d3-a456-426614174000']],
  ['iso datetime', z.iso.datetime(), ['2026-11-28T07:00:00Z', '2024-02-29T23:59:59.5Z']],
  ['number bounds and step', z.number().gt(0).lte(10).multipleOf(0.5), [0.5, 10, 3]],
  ['safe integer', z.int(), [0, -5, 9007199254740991]],
  ['integer range', z.number().int().min(1).max(1000), [1, 1000, 42]],
  ['int32', z.int32(), [2147483647, -2147483648]],
  ['boolean', z.boolean(), [true, false]],
  ['null', z.null(), [null]],
  ['literal', z.literal('on'), ['on']],
  ['mixed literals', z.literal([1, 'x', null, false]), [1, 'x', null, false]],
  ['short enum', z.enum(['a', 'b', 'c']), ['a', 'c']],
  ['long enum', z.enum(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']), ['a', 'h']],
  [
    'object',
    z.object({
      id: z.int(),
      name: z.string(),
      tags: z.array(z.string().min(1)).min(1).max(3),
      note: z.string().optional(),
    }),
    [
      { id: 1, name: 'x', tags: ['a'] },
      { id: 2, name: '', tags: ['a', 'b', 'c'], note: 'n' },
    ],
  ],
  ['quoted keys', z.object({ 'content-type': z.string(), 'x y': z.number() }), [{ 'content-type': 't', 'x y': 1 }]],
  ['nullable string', z.string().nullable(), ['x', null]],
  ['nullable object', z.object({ a: z.number() }).nullable(), [{ a: 1 }, null]],
  ['union', z.union([z.string().max(2), z.number().min(0)]), ['ab', 3]],
  [
    'discriminated union',
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('circle'), r: z.number().positive() }),
      z.object({ kind: z.literal('rect'), w: z.number(), h: z.number() }),
      z.object({ kind: z.enum(['dot', 'point']) }),
    ]),
    [{ kind: 'circle', r: 1 }, { kind: 'rect', w: 1, h: 2 }, { kind: 'dot' }],
  ],
  [
    'tuple with rest',
    z.tuple([z.string(), z.number()]).rest(z.boolean()),
    [
      ['a', 1],
      ['a', 1, true, false],
    ],
  ],
  ['closed tuple', z.tuple([z.string(), z.int()]), [['a', 1]]],
  ['record', z.record(z.string(), z.number()), [{}, { a: 1, b: 2 }]],
  ['record with enum keys', z.record(z.enum(['x', 'y']), z.boolean()), [{ x: true, y: false }]],
  ['loose object', z.looseObject({ a: z.string() }), [{ a: 'x', extra: [1] }]],
  ['catchall', z.object({ a: z.string() }).catchall(z.number()), [{ a: 'x', b: 1 }]],
  ['recursive', Node, [{ name: 'root', children: [{ name: 'leaf', children: [] }] }]],
  [
    'shared $defs',
    z.object({ author: Author, editor: Author.nullable(), more: z.array(Author) }),
    [{ author: { id: 'a', name: 'Ada' }, editor: null, more: [{ id: 'b', name: 'Bo' }] }],
  ],
  [
    'ids that are not identifiers',
    z.object({
      a: z.object({ n: z.int() }).meta({ id: 'test-thing.v1' }),
      b: z.object({ s: z.string() }).meta({ id: 'x y/z' }),
    }),
    [{ a: { n: 1 }, b: { s: '' } }],
  ],
  ['strict upper bound', z.number().lt(5).gt(-5), [4.5, -4.5, 0]],
  ['never', z.object({ a: z.string(), gone: z.never().optional() }), [{ a: 'x' }]],
  ['record with key pattern', z.record(z.string().regex(/^k\d$/), z.number()), [{}, { k1: 1, k2: 2 }]],
  [
    'numeric tags',
    z.discriminatedUnion('v', [z.object({ v: z.literal(1) }), z.object({ v: z.literal(2), x: z.string() })]),
    [{ v: 1 }, { v: 2, x: '' }],
  ],
  [
    'union without a shared tag',
    z.union([z.object({ kind: z.literal('a'), a: z.string() }), z.object({ b: z.number() })]),
    [{ kind: 'a', a: '' }, { b: 1 }],
  ],
  [
    'union with an optional tag',
    z.union([z.object({ kind: z.literal('a') }), z.object({ kind: z.literal('b').optional(), b: z.number() })]),
    [{ kind: 'a' }, { kind: 'b', b: 1 }, { b: 2 }],
  ],
  ['template literal', z.templateLiteral(['id-', z.number()]), ['id-1', 'id-2.5']],
  ['intersection', z.intersection(z.object({ a: z.string() }), z.object({ b: z.number() })), [{ a: 'x', b: 1 }]],
  [
    'nested arrays of objects',
    z.object({ rows: z.array(z.object({ cells: z.array(z.number().nullable()) })) }),
    [{ rows: [{ cells: [1, null] }, { cells: [] }] }],
  ],
];

describe('compileValidator (differential against zod)', () => {
  it.each(CASES)('%s: valid samples pass', (_name, schema, samples) => {
    const { check } = compile(schema);
    for (const sample of samples) {
      expect(schema['~standard'].validate(sample)).not.toHaveProperty('issues');
      expect(check(wire(sample))).toBeUndefined();
    }
  });

  it.each(CASES)('%s: agrees with zod on near misses and random JSON', (_name, schema, samples) => {
    const { check } = compile(schema);
    const verdicts = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.oneof(mutations(samples), fc.jsonValue({ maxDepth: 3 })), (raw) => {
        const value = wire(raw);
        const zodAccepts = !('issues' in (schema['~standard'].validate(value) as object));
        const issue = check(value);
        expect(issue === undefined).toBe(zodAccepts);
        verdicts[zodAccepts ? 'accepted' : 'rejected'] += 1;
      }),
      { numRuns: 300, seed: 42 },
    );
    expect(verdicts.rejected).toBeGreaterThan(0);
  });
});

describe('compileValidator: string lengths count code points, as zod 4.6 and JSON Schema do', () => {
  // Strings built from ASCII, surrogate pairs and lone surrogates, around each bound: the range where units and code
  // points disagree.
  const pieces = fc.constantFrom('a', '👍', '\u{1F600}', '\ud83d', '\udc4d', 'é');
  const text = fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join(''));
  it.each([
    [0, 1],
    [1, 1],
    [2, 3],
    [3, 5],
    [4, 4],
    [0, 8],
  ])('min(%i).max(%i) agrees with zod', (min, max) => {
    const schemas = [z.string().min(min).max(max), z.string().min(min), z.string().max(max), z.string().length(max)];
    for (const schema of schemas) {
      const { check } = compile(schema);
      const verdicts = { accepted: 0, rejected: 0 };
      fc.assert(
        fc.property(text, (value) => {
          const zodAccepts = !('issues' in (schema['~standard'].validate(value) as object));
          expect(check(value) === undefined).toBe(zodAccepts);
          verdicts[zodAccepts ? 'accepted' : 'rejected'] += 1;
        }),
        { numRuns: 300, seed: 7 },
      );
      if (!(min === 0 && schema === schemas[1])) expect(verdicts.rejected).toBeGreaterThan(0);
      expect(verdicts.accepted).toBeGreaterThan(0);
    }
  });

  it('counts a surrogate pair once and a lone surrogate as one', () => {
    const { check } = compile(z.string().max(2));
    expect(check('👍👍')).toBeUndefined(); // 4 units, 2 code points
    expect(check('\ud83d\ud83d')).toBeUndefined(); // two lone high surrogates
    expect(check('👍👍a')).toEqual({ path: [], message: 'must have at most 2 characters' });
    expect(compile(z.string().min(2)).check('👍')).toEqual({ path: [], message: 'must have at least 2 characters' });
  });
});

// What the validator says about a value that fails one keyword: the message a user reads in EventValidationError.
const MESSAGES: [string, JsonSchema | boolean, unknown, Issue][] = [
  ['minLength', { type: 'string', minLength: 2 }, 'a', { path: [], message: 'must have at least 2 characters' }],
  ['maxLength', { type: 'string', maxLength: 2 }, 'abc', { path: [], message: 'must have at most 2 characters' }],
  ['pattern', { type: 'string', pattern: '^a+$' }, 'b', { path: [], message: 'does not match the expected format' }],
  ['minimum', { type: 'number', minimum: 1 }, 0, { path: [], message: 'must be at least 1' }],
  ['maximum', { type: 'number', maximum: 1 }, 2, { path: [], message: 'must be at most 1' }],
  ['exclusiveMinimum', { type: 'number', exclusiveMinimum: 1 }, 1, { path: [], message: 'must be greater than 1' }],
  ['exclusiveMaximum', { type: 'number', exclusiveMaximum: 1 }, 1, { path: [], message: 'must be less than 1' }],
  ['multipleOf', { type: 'number', multipleOf: 0.5 }, 0.3, { path: [], message: 'must be a multiple of 0.5' }],
  ['integer multipleOf', { type: 'integer', multipleOf: 3 }, 4, { path: [], message: 'must be a multiple of 3' }],
  ['integer', { type: 'integer' }, 1.5, { path: [], message: 'expected an integer' }],
  ['nullable', { type: ['string', 'null'] }, 1, { path: [], message: 'expected a string or null' }],
  [
    'several types',
    { type: ['integer', 'array', 'object', 'boolean', 'number'] },
    'x',
    { path: [], message: 'expected an integer or an array or an object or a boolean or a number' },
  ],
  ['minItems', { type: 'array', minItems: 2 }, [1], { path: [], message: 'must have at least 2 items' }],
  [
    'closed tuple',
    { type: 'array', prefixItems: [{ type: 'string' }], items: false },
    ['a', 'b'],
    { path: [], message: 'must have at most 1 items' },
  ],
  [
    'minProperties',
    { type: 'object', minProperties: 2 },
    { a: 1 },
    { path: [], message: 'must have at least 2 properties' },
  ],
  [
    'maxProperties',
    { type: 'object', maxProperties: 1 },
    { a: 1, b: 2 },
    { path: [], message: 'must have at most 1 properties' },
  ],
  ['required only', { type: 'object', required: ['a'] }, {}, { path: ['a'], message: 'is required' }],
  [
    'propertyNames',
    { type: 'object', propertyNames: { type: 'string', enum: ['x'] }, additionalProperties: { type: 'boolean' } },
    { y: true },
    { path: ['y'], message: 'expected one of "x"' },
  ],
  ['short enum', { enum: ['a', 'b'] }, 'c', { path: [], message: 'expected one of "a", "b"' }],
  ['long enum', { enum: [1, 2, 3, 4, 5, 6, 7] }, 8, { path: [], message: 'expected one of 1, 2, 3, 4, 5, 6, 7' }],
  ['object const', { const: { a: 1 } }, { a: 2 }, { path: [], message: 'expected {"a":1}' }],
  ['enum of objects', { enum: [{ a: 1 }, [1]] }, { a: 2 }, { path: [], message: 'expected one of {"a":1}, [1]' }],
  ['const', { const: 'on' }, 'off', { path: [], message: 'expected "on"' }],
  ['typed const', { type: 'string', const: 'on' }, 'off', { path: [], message: 'expected "on"' }],
  [
    'enum with string keywords',
    { type: 'string', enum: ['x', 'y'], minLength: 1 },
    'z',
    { path: [], message: 'expected one of "x", "y"' },
  ],
  [
    'anyOf',
    { anyOf: [{ type: 'string' }, { type: 'number' }] },
    true,
    { path: [], message: 'matches none of the allowed shapes' },
  ],
  ['not {}', { not: {} }, 1, { path: [], message: 'no value is allowed here' }],
  ['false', false, 1, { path: [], message: 'no value is allowed here' }],
  ['empty anyOf', { anyOf: [] }, 1, { path: [], message: 'no value is allowed here' }],
];

describe('compileValidator messages', () => {
  it.each(MESSAGES)('%s: names the failed rule', (_name, schema, value, expected) => {
    expect(compileJson(schema)(value)).toEqual(expected);
  });

  // A value at the edge of each rule passes: the checks are not "always fail".
  const PASSING: Record<string, unknown> = {
    minLength: 'ab',
    maxLength: 'ab',
    pattern: 'aa',
    minimum: 1,
    maximum: 1,
    exclusiveMinimum: 1.5,
    exclusiveMaximum: 0.5,
    multipleOf: 1.5,
    'integer multipleOf': 6,
    integer: 2,
    nullable: null,
    'several types': 1.5,
    minItems: [1, 2],
    'closed tuple': ['a'],
    minProperties: { a: 1, b: 2 },
    maxProperties: { a: 1 },
    'required only': { a: 0 },
    propertyNames: { x: true },
    'short enum': 'b',
    'long enum': 7,
    'object const': { a: 1 },
    'enum of objects': [1],
    const: 'on',
    'typed const': 'on',
    'enum with string keywords': 'y',
    anyOf: 1,
  };
  it.each(MESSAGES.filter(([name]) => name in PASSING))('%s: passes a value that keeps the rule', (name, schema) => {
    expect(compileJson(schema)(PASSING[name])).toBeUndefined();
  });
});

describe('compileValidator output', () => {
  it('reports the path and a message of the first problem', () => {
    const { check } = compile(z.object({ rows: z.array(z.object({ n: z.int() })) }));
    expect(check({ rows: [{ n: 1 }, { n: 'x' }] })).toEqual({ path: ['rows', 1, 'n'], message: 'expected an integer' });
    expect(check({})).toEqual({ path: ['rows'], message: 'is required' });
    expect(check([])).toEqual({ path: [], message: 'expected an object' });
  });

  it('enforces array bounds: at the bound passes, one past it is rejected with its path', () => {
    const { check } = compile(z.object({ tags: z.array(z.string()).min(1).max(3) }));
    expect(check({ tags: ['a'] })).toBeUndefined();
    expect(check({ tags: ['a', 'b', 'c'] })).toBeUndefined();
    expect(check({ tags: ['a', 'b', 'c', 'd'] })).toEqual({ path: ['tags'], message: 'must have at most 3 items' });
    expect(check({ tags: [] })).toEqual({ path: ['tags'], message: 'must have at least 1 items' });
    // Through a recursive reference too.
    const tree = compile(Node).check;
    const leaf = { name: 'l', children: [] };
    expect(tree({ name: 'r', children: [leaf, leaf, leaf] })).toBeUndefined();
    expect(tree({ name: 'r', children: [leaf, { name: 'n', children: [leaf, leaf, leaf, leaf] }] })).toEqual({
      path: ['children', 1, 'children'],
      message: 'must have at most 3 items',
    });
  });

  it('prefixes paths through recursive references', () => {
    const { check } = compile(Node);
    expect(check({ name: 'a', children: [{ name: '', children: [] }] })).toEqual({
      path: ['children', 0, 'name'],
      message: 'must have at least 1 characters',
    });
  });

  it('is straight-line code: no schema is interpreted at run time', () => {
    const { source } = compile(z.object({ id: z.int(), name: z.string().max(3), prices: z.array(z.number()) }));
    expect(source).not.toMatch(/JSON\.parse|schema|\bswitch\b/);
    expect(source).toContain("if (!(typeof v2 === 'number' && Number.isSafeInteger(v2)))");
    expect(source).toContain('.length > 3 && codePoints(');
    // Two loops: over the array's items, and the code-point count, run only for a string longer than 3 units.
    expect(source.match(/\bfor \(/g)).toHaveLength(2);
    expect(source).toContain(CODE_POINTS_HELPER);
  });

  it('dispatches tagged unions with a switch on the tag', () => {
    const { source, check } = compile(
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('a'), a: z.string() }),
        z.object({ type: z.literal('b') }),
      ]),
    );
    expect(source).toMatch(/switch \(tag\d+\)/);
    expect(check({ type: 'c' })).toEqual({ path: ['type'], message: 'expected one of "a", "b"' });
  });

  it('hoists regexes and large enums to module constants, once each', () => {
    const module = new ValidatorModule();
    const json = z.toJSONSchema(z.object({ a: z.email(), b: z.email() })) as JsonSchema;
    compileValidator(json, 'checkA', module);
    compileValidator(json, 'checkB', module);
    expect(module.constants.filter((c) => c.startsWith('const pattern'))).toHaveLength(1);
  });
});

// The issue a user reads for a value of the wrong type or shape, on schemas beyond what the tables above cover:
// keywords that imply a type, pinned values that contradict the type, and shapes zod rarely emits.
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const WRONG: [string, JsonSchema | boolean, unknown, Issue | undefined][] = [
  ['string', { type: 'string' }, 1, { path: [], message: 'expected a string' }],
  ['number', { type: 'number' }, '1', { path: [], message: 'expected a number' }],
  ['boolean', { type: 'boolean' }, 0, { path: [], message: 'expected a boolean' }],
  ['null', { type: 'null' }, 0, { path: [], message: 'expected null' }],
  ['array', { type: 'array' }, {}, { path: [], message: 'expected an array' }],
  ['object', { type: 'object' }, [], { path: [], message: 'expected an object' }],
  ['object from required', { required: ['a'] }, 'a', { path: [], message: 'expected an object' }],
  ['object from properties', { properties: {} }, [], { path: [], message: 'expected an object' }],
  [
    'object from additionalProperties',
    { additionalProperties: { type: 'number' } },
    null,
    { path: [], message: 'expected an object' },
  ],
  ['array from items', { items: { type: 'number' } }, {}, { path: [], message: 'expected an array' }],
  ['array from prefixItems', { prefixItems: [{ type: 'number' }] }, 'x', { path: [], message: 'expected an array' }],
  ['unknown type names ignored', { type: ['string', 'file'] }, 1, { path: [], message: 'expected a string' }],
  ['no type: anything', { minLength: 3 }, 1, undefined],
  // A pinned value that contradicts the type keeps the type check: nothing passes.
  ['const of another type', { type: 'string', const: 5 }, 5, { path: [], message: 'expected a string' }],
  ['enum with a non-null', { type: 'null', enum: [null, 0] }, 0, { path: [], message: 'expected null' }],
  ['enum of mixed types', { type: 'boolean', enum: [true, 'x'] }, 'x', { path: [], message: 'expected a boolean' }],
  ['pinned string of another type', { type: 'string', const: 'on' }, 5, { path: [], message: 'expected "on"' }],
  ['pinned null enum', { type: 'null', enum: [null] }, 0, { path: [], message: 'expected one of null' }],
  ['pinned boolean', { type: 'boolean', const: true }, 'true', { path: [], message: 'expected true' }],
  // String keywords still apply to an enum's members.
  [
    'enum with maxLength',
    { type: 'string', enum: ['x', 'yy'], maxLength: 1 },
    'yy',
    { path: [], message: 'must have at most 1 characters' },
  ],
  [
    'enum with minLength',
    { type: 'string', enum: ['x', 'yy'], minLength: 2 },
    'x',
    { path: [], message: 'must have at least 2 characters' },
  ],
  [
    'const with pattern',
    { type: 'string', const: 'yy', pattern: '^x' },
    'yy',
    { path: [], message: 'does not match the expected format' },
  ],
  // Integer bounds other than zod's int() range are compared, not folded into Number.isSafeInteger.
  [
    'integer with a lower bound only',
    { type: 'integer', minimum: -MAX_SAFE },
    -(2 ** 53) - 2,
    { path: [], message: `must be at least ${-MAX_SAFE}` },
  ],
  [
    'integer with an upper bound only',
    { type: 'integer', maximum: MAX_SAFE },
    2 ** 53 + 2,
    { path: [], message: `must be at most ${MAX_SAFE}` },
  ],
  [
    'safe integer range',
    { type: 'integer', minimum: -MAX_SAFE, maximum: MAX_SAFE },
    2 ** 53,
    {
      path: [],
      message: 'expected an integer',
    },
  ],
  // Float steps allow for rounding (zod's multipleOf does too); a step of 0 is not a rule.
  ['float step', { type: 'number', multipleOf: 0.1 }, 0.3, undefined],
  ['float step, off', { type: 'number', multipleOf: 0.1 }, 0.35, { path: [], message: 'must be a multiple of 0.1' }],
  ['step 0', { type: 'number', multipleOf: 0 }, 0.3, undefined],
  // Sub-schemas `true` and `{}` accept anything, but a required key must still be there.
  ['true property', { type: 'object', properties: { a: true }, required: ['a'] }, { a: null }, undefined],
  [
    'true property missing',
    { type: 'object', properties: { a: true }, required: ['a'] },
    {},
    {
      path: ['a'],
      message: 'is required',
    },
  ],
  [
    '{} property missing',
    { type: 'object', properties: { a: {} }, required: ['a'] },
    { b: 1 },
    {
      path: ['a'],
      message: 'is required',
    },
  ],
  ['required null', { type: 'object', properties: { a: { type: 'null' } }, required: ['a'] }, { a: null }, undefined],
  ['optional absent', { type: 'object', properties: { a: { type: 'string' } } }, {}, undefined],
  [
    'optional wrong',
    { type: 'object', properties: { a: { type: 'string' } } },
    { a: 1 },
    {
      path: ['a'],
      message: 'expected a string',
    },
  ],
  [
    'true tuple member',
    { type: 'array', prefixItems: [true, { type: 'number' }] },
    [{}, 'x'],
    { path: [1], message: 'expected a number' },
  ],
  // A tuple shorter than its prefixItems passes (no minItems); a present member is checked.
  ['short tuple', { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] }, ['a'], undefined],
  [
    'tuple member',
    { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] },
    ['a', 'b'],
    { path: [1], message: 'expected a number' },
  ],
  [
    'items after prefixItems',
    { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'number' } },
    ['a', 1, 'b'],
    { path: [2], message: 'expected a number' },
  ],
  ['items: false', { type: 'array', items: false }, [1], { path: [0], message: 'no value is allowed here' }],
  ['items: false, empty', { type: 'array', items: false }, [], undefined],
  ['items: {}', { type: 'array', items: {} }, [1, 'a', null], undefined],
  [
    'additionalProperties: false (zod strips)',
    { type: 'object', properties: {}, additionalProperties: false },
    {
      x: 1,
    },
    undefined,
  ],
  ['additionalProperties: {}', { type: 'object', additionalProperties: {} }, { x: 1 }, undefined],
  ['not something', { not: { type: 'string' } }, 'x', undefined],
  ['empty enum', { enum: [] }, null, { path: [], message: 'expected one of ' }],
  ['six values', { enum: [1, 2, 3, 4, 5, 6] }, 7, { path: [], message: 'expected one of 1, 2, 3, 4, 5, 6' }],
  ['six values, last', { enum: [1, 2, 3, 4, 5, 6] }, 6, undefined],
  [
    'object const, key order',
    { const: { a: 1, b: 2 } },
    { b: 2, a: 1 },
    { path: [], message: 'expected {"a":1,"b":2}' },
  ],
  // propertyNames: only what a key can fail.
  [
    'propertyNames maxLength',
    { type: 'object', propertyNames: { maxLength: 2 } },
    { ab: 1, abc: 2 },
    { path: ['abc'], message: 'must have at most 2 characters' },
  ],
  [
    'propertyNames pattern beside known keys',
    { type: 'object', properties: { id: { type: 'number' } }, propertyNames: { type: 'string', pattern: '^[a-z]+$' } },
    { id: 1, ok: 2, 'Not-ok': 3 },
    { path: ['Not-ok'], message: 'does not match the expected format' },
  ],
  [
    'propertyNames enum',
    { type: 'object', propertyNames: { enum: ['x', 'y'] } },
    { x: 1, z: 2 },
    { path: ['z'], message: 'expected one of "x", "y"' },
  ],
  ['propertyNames: true', { type: 'object', propertyNames: true }, { x: 1 }, undefined],
];

describe('compileValidator issues for values of the wrong type or shape', () => {
  it.each(WRONG)('%s', (_name, schema, value, expected) => {
    expect(compileJson(schema)(value)).toEqual(expected);
  });
});

describe('compileValidator unions, references and shared constants', () => {
  const tagged = (key: string, tags: unknown[], extra: Record<string, JsonSchema> = {}): JsonSchema => ({
    type: 'object',
    properties: { [key]: tags.length === 1 ? { const: tags[0] } : { enum: tags }, ...extra },
    required: [key, ...Object.keys(extra)],
  });

  it('a tagged union names the tag when it is missing or unknown, and wants an object', () => {
    const check = compileJson({
      anyOf: [tagged('kind', ['a']), tagged('kind', ['b', 'c'], { n: { type: 'number' } })],
    });
    expect(check('a')).toEqual({ path: [], message: 'expected an object' });
    expect(check({})).toEqual({ path: ['kind'], message: 'expected one of "a", "b", "c"' });
    expect(check({ kind: 'c' })).toEqual({ path: ['n'], message: 'is required' });
    expect(check({ kind: 'b', n: 1 })).toBeUndefined();
    expect(check({ kind: 'a' })).toBeUndefined();
  });

  it('the tag may be any key the members share, not only the first', () => {
    const first = { type: 'object', properties: { x: { type: 'string' }, t: { const: 'a' } }, required: ['t'] };
    const check = compileJson({ oneOf: [first, tagged('t', ['b'])] });
    expect(check({ t: 'z' })).toEqual({ path: ['t'], message: 'expected one of "a", "b"' });
    expect(check({ t: 'a', x: 1 })).toEqual({ path: ['x'], message: 'expected a string' });
    expect(check({ t: 'b', x: 1 })).toBeUndefined();
  });

  it('members sharing a tag value are tried in turn, not dispatched on the tag', () => {
    const check = compileJson({
      anyOf: [tagged('k', ['a'], { x: { type: 'string' } }), tagged('k', ['a'], { y: { type: 'number' } })],
    });
    expect(check({ k: 'a', y: 1 })).toBeUndefined();
    expect(check({ k: 'a', x: 'x' })).toBeUndefined();
    expect(check({ k: 'a' })).toEqual({ path: [], message: 'matches none of the allowed shapes' });
  });

  it('object tags are compared by value', () => {
    const check = compileJson({ anyOf: [tagged('k', [{ v: 1 }]), tagged('k', [{ v: 2 }], { n: { type: 'number' } })] });
    expect(check({ k: { v: 1 } })).toBeUndefined();
    expect(check({ k: { v: 2 }, n: 1 })).toBeUndefined();
    expect(check({ k: { v: 2 } })).toEqual({ path: [], message: 'matches none of the allowed shapes' });
  });

  it('a member `true` makes the union accept anything; members `false` reject', () => {
    expect(compileJson({ anyOf: [true, { type: 'string' }] })(1)).toBeUndefined();
    expect(compileJson({ anyOf: [{ type: 'string' }, true] })(1)).toBeUndefined();
    expect(compileJson({ anyOf: [false, { type: 'string' }] })(1)).toEqual({
      path: [],
      message: 'matches none of the allowed shapes',
    });
  });

  it('resolves JSON Pointer escapes and percent-encoding in $defs references', () => {
    const check = compileJson({
      type: 'object',
      properties: {
        slash: { $ref: '#/$defs/a~1b' },
        tilde: { $ref: '#/$defs/c~0d' },
        space: { $ref: '#/$defs/e%20f' },
        self: { $ref: '#' },
      },
      $defs: { 'a/b': { type: 'string' }, 'c~d': { type: 'number' }, 'e f': { type: 'boolean' } },
    });
    expect(check({ slash: 's', tilde: 1, space: true, self: { slash: '' } })).toBeUndefined();
    expect(check({ slash: 1 })).toEqual({ path: ['slash'], message: 'expected a string' });
    expect(check({ tilde: 't' })).toEqual({ path: ['tilde'], message: 'expected a number' });
    expect(check({ space: 1 })).toEqual({ path: ['space'], message: 'expected a boolean' });
    expect(check({ self: { self: { tilde: 'x' } } })).toEqual({
      path: ['self', 'self', 'tilde'],
      message: 'expected a number',
    });
  });

  it('a reference into another document is not resolved against the local $defs: it accepts anything', () => {
    const check = compileJson({
      type: 'object',
      properties: { a: { $ref: 'other.json#/$defs/A' }, b: { $ref: '#/definitions/A' } },
      $defs: { A: { type: 'string' } },
    });
    expect(check({ a: 1, b: 2 })).toBeUndefined();
  });

  it('shares one constant per distinct large enum and regex across validators', () => {
    const module = new ValidatorModule();
    const seven = { enum: [1, 2, 3, 4, 5, 6, 7] };
    const other = { enum: [1, 2, 3, 4, 5, 6, 8] };
    const objects = { enum: [{ a: 1 }, [2]] };
    compileValidator({ type: 'object', properties: { a: seven, b: other, c: objects } }, 'checkA', module);
    compileValidator({ type: 'object', properties: { a: seven, b: other, c: objects } }, 'checkB', module);
    compileValidator({ type: 'string', pattern: '^a' }, 'checkC', module);
    compileValidator({ type: 'string', pattern: '^b' }, 'checkD', module);
    expect(module.constants).toHaveLength(5);
    const source = [
      'type ValidationIssue = { path?: readonly PropertyKey[]; message: string };',
      ...module.constants,
      ...module.functions,
    ].join('\n');
    const [checkA, checkC, checkD] = new Function(
      transformSync(`${source}\nreturn [checkB, checkC, checkD];`, { loader: 'ts' }).code,
    )() as Check[];
    expect(checkA!({ a: 7, b: 8, c: [2] })).toBeUndefined();
    expect(checkA!({ a: 8 })).toEqual({ path: ['a'], message: 'expected one of 1, 2, 3, 4, 5, 6, 7' });
    expect(checkA!({ b: 7 })).toEqual({ path: ['b'], message: 'expected one of 1, 2, 3, 4, 5, 6, 8' });
    expect(checkA!({ c: { a: 2 } })).toEqual({ path: ['c'], message: 'expected one of {"a":1}, [2]' });
    expect(checkC!('a')).toBeUndefined();
    expect(checkD!('a')).toEqual({ path: [], message: 'does not match the expected format' });
  });

  it('checks extra keys against catchall but skips every declared key', () => {
    const { check } = compile(z.object({ a: z.string(), b: z.string() }).catchall(z.number()));
    expect(check({ a: 'x', b: 'y', c: 1 })).toBeUndefined();
    expect(check({ a: 'x', b: 'y', c: 'z' })).toEqual({ path: ['c'], message: 'expected a number' });
  });
});

describe('compileValidator layout', () => {
  // The client generator only re-indents these lines (TypeScript's formatter), so a guard longer than a line is broken
  // into a block here, keeping the generated file within 120 columns.
  it('breaks a long guard into a block; short ones stay on one line, one statement a line, two spaces a block', () => {
    const key = 'theQuiteLongPropertyNameOfThisEvent';
    const { source } = compile(z.object({ [key]: z.string().max(80).regex(/^x/), n: z.array(z.int()).max(3) }));
    const lines = source.slice(source.indexOf('function checkIt(')).split('\n');
    expect(lines.filter((line) => line.length > 110)).toEqual([]);
    expect(lines).toContain('  if (!pattern0.test(v2)) {');
    expect(lines).toContain(`    return { path: ['${key}'], message: 'does not match the expected format' };`);
    expect(lines).toContain("  if (v3.length > 3) return { path: ['n'], message: 'must have at most 3 items' };");
    expect(lines.filter((line) => /;\s*\S/.test(line.replace(/for \(.*\)/, '')))).toEqual([]);
    expect(lines.slice(-3)).toEqual(['  }', '  return undefined;', '}']);
  });
});

describe('compileValidator emits one check per rule', () => {
  /** The emitted validators and module constants for a JSON Schema. */
  function emitted(json: JsonSchema | boolean): { source: string; ifs: number; loops: number; constants: number } {
    const module = new ValidatorModule();
    compileValidator(json as JsonSchema, 'checkIt', module);
    const source = module.functions.join('\n');
    return {
      source,
      ifs: source.match(/\bif \(/g)?.length ?? 0,
      loops: source.match(/\bfor \(/g)?.length ?? 0,
      constants: module.constants.length,
    };
  }

  // [schema, `if`s, loops]: keywords that rule nothing out (0 bounds, `true`/`{}` sub-schemas, a type already pinned
  // by `const`/`enum`) add no code to the client bundle.
  const SIZES: [string, JsonSchema | boolean, number, number][] = [
    ['true', true, 0, 0],
    ['{}', {}, 0, 0],
    ['string', { type: 'string' }, 1, 0],
    ['minLength 0', { type: 'string', minLength: 0 }, 1, 0],
    ['string bounds', { type: 'string', minLength: 1, maxLength: 2 }, 3, 0],
    ['number', { type: 'number' }, 1, 0],
    ['multipleOf 0', { type: 'number', multipleOf: 0 }, 1, 0],
    ['safe integer', { type: 'integer', minimum: -MAX_SAFE, maximum: MAX_SAFE }, 1, 0],
    ['number in the safe range', { type: 'number', minimum: -MAX_SAFE, maximum: MAX_SAFE }, 3, 0],
    ['array', { type: 'array' }, 1, 0],
    ['minItems 0', { type: 'array', minItems: 0 }, 1, 0],
    ['items true', { type: 'array', items: true }, 1, 0],
    ['items {}', { type: 'array', items: {} }, 1, 0],
    ['prefixItems true and {}', { type: 'array', prefixItems: [true, {}] }, 1, 0],
    ['object', { type: 'object' }, 1, 0],
    ['minProperties 0', { type: 'object', minProperties: 0 }, 1, 0],
    ['optional any', { type: 'object', properties: { a: {} } }, 1, 0],
    ['required any', { type: 'object', properties: { a: {} }, required: ['a'] }, 2, 0],
    ['required string', { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, 3, 0],
    ['additionalProperties true', { type: 'object', additionalProperties: true }, 1, 0],
    ['additionalProperties {}', { type: 'object', additionalProperties: {} }, 1, 0],
    ['propertyNames true', { type: 'object', propertyNames: true }, 1, 0],
    ['record', { type: 'object', additionalProperties: { type: 'number' } }, 2, 1],
    ['pinned string', { type: 'string', const: 'on' }, 1, 0],
    ['pinned enum', { type: 'string', enum: ['a', 'b'] }, 1, 0],
    ['pinned boolean', { type: 'boolean', const: true }, 1, 0],
    ['pinned null', { type: 'null', enum: [null] }, 1, 0],
  ];
  it.each(SIZES)('%s', (_name, schema, ifs, loops) => {
    expect(emitted(schema)).toMatchObject({ ifs, loops });
  });

  it('an empty validator is a bare `return undefined`', () => {
    expect(emitted(true).source).toBe(
      'function checkIt(value: unknown): ValidationIssue | undefined {\n  return undefined;\n}',
    );
  });

  it('compares short enums and primitive consts inline; hoists long and object enums to a Set', () => {
    expect(emitted({ enum: [1, 2, 3, 4, 5, 6] })).toMatchObject({ constants: 0 });
    expect(emitted({ enum: ['a', null, true] })).toMatchObject({ constants: 0 });
    expect(emitted({ enum: [1, 2, 3, 4, 5, 6, 7] })).toMatchObject({ constants: 1 });
    expect(emitted({ enum: [{ a: 1 }] })).toMatchObject({ constants: 1 });
    for (const value of ['on', 1, true, null]) expect(emitted({ const: value }).source).not.toContain('JSON.stringify');
  });
});

describe('compileValidator paths and names through nesting', () => {
  it('prefixes the path of an issue found inside a union member', () => {
    const { check } = compile(
      z.object({
        shape: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('circle'), r: z.number().positive() }),
          z.object({ kind: z.literal('rect'), w: z.number() }),
        ]),
        either: z.union([z.string(), z.object({ n: z.int() })]).optional(),
      }),
    );
    expect(check({ shape: { kind: 'circle', r: -1 } })).toEqual({
      path: ['shape', 'r'],
      message: 'must be greater than 0',
    });
    expect(check({ shape: { kind: 'oval' } })).toEqual({
      path: ['shape', 'kind'],
      message: 'expected one of "circle", "rect"',
    });
    expect(check({ shape: { kind: 'rect', w: 1 }, either: 1 })).toEqual({
      path: ['either'],
      message: 'matches none of the allowed shapes',
    });
  });

  it('keeps local names distinct around a union compiled in the middle of an object', () => {
    const { check } = compile(
      z.object({
        a: z.string(),
        b: z.string(),
        c: z.array(z.object({ d: z.string(), e: z.string() })),
        u: z.union([z.object({ x: z.string(), y: z.string() }), z.number()]),
        f: z.string(),
        g: z.array(z.number()),
      }),
    );
    const ok = { a: '', b: '', c: [{ d: '', e: '' }], u: 1, f: '', g: [1] };
    expect(check(ok)).toBeUndefined();
    expect(check({ ...ok, g: ['x'] })).toEqual({ path: ['g', 0], message: 'expected a number' });
    expect(check({ ...ok, f: 1 })).toEqual({ path: ['f'], message: 'expected a string' });
  });

  it('a union member with a `true` property is still a candidate tag-less union', () => {
    const check = compileJson({
      anyOf: [
        { type: 'object', properties: { k: true }, required: ['k'] },
        { type: 'object', properties: { k: { const: 'b' }, n: { type: 'number' } }, required: ['k', 'n'] },
      ],
    });
    expect(check({ k: [] })).toBeUndefined();
    expect(check('x')).toEqual({ path: [], message: 'matches none of the allowed shapes' });
  });

  it('null tags are not dispatched on: the members are tried in turn', () => {
    const check = compileJson({
      anyOf: [
        { type: 'object', properties: { k: { const: null } }, required: ['k'] },
        { type: 'object', properties: { k: { const: 'a' } }, required: ['k'] },
      ],
    });
    expect(check({ k: null })).toBeUndefined();
    expect(check({ k: 'z' })).toEqual({ path: [], message: 'matches none of the allowed shapes' });
  });

  it('a number (not integer) schema spanning the safe range still compares its bounds', () => {
    const check = compileJson({ type: 'number', minimum: -MAX_SAFE, maximum: MAX_SAFE });
    expect(check(2 ** 53 + 2)).toEqual({ path: [], message: `must be at most ${MAX_SAFE}` });
    expect(check(1.5)).toBeUndefined();
  });
});

describe('compileValidator allOf, mixed enums and members without properties', () => {
  it('allOf: every part applies, in order', () => {
    const check = compileJson({
      allOf: [
        { type: 'object', required: ['a'] },
        { type: 'object', required: ['b'] },
      ],
    });
    expect(check({ a: 1, b: 2 })).toBeUndefined();
    expect(check({ a: 1 })).toEqual({ path: ['b'], message: 'is required' });
    expect(check({ b: 1 })).toEqual({ path: ['a'], message: 'is required' });
  });

  it('an enum mixing objects and primitives compares each by value', () => {
    const check = compileJson({ enum: [{ a: 1 }, 'x', null] });
    expect(check({ a: 1 })).toBeUndefined();
    expect(check('x')).toBeUndefined();
    expect(check(null)).toBeUndefined();
    expect(check({ a: 2 })).toEqual({ path: [], message: 'expected one of {"a":1}, "x", null' });
  });

  it('a tag enum mixing an object with strings is not dispatched on', () => {
    const check = compileJson({
      anyOf: [
        { type: 'object', properties: { k: { enum: ['x', { a: 1 }] } }, required: ['k'] },
        { type: 'object', properties: { k: { const: 'y' } }, required: ['k'] },
      ],
    });
    expect(check({ k: { a: 1 } })).toBeUndefined();
    expect(check({ k: 'y' })).toBeUndefined();
    expect(check({ k: 'z' })).toEqual({ path: [], message: 'matches none of the allowed shapes' });
  });

  it('a union whose later member has no properties is tried member by member', () => {
    const check = compileJson({
      anyOf: [
        { type: 'object', properties: { k: { const: 'a' } }, required: ['k'] },
        { type: 'object', required: ['k'] },
        { type: 'string' },
      ],
    });
    expect(check({ k: 'z' })).toBeUndefined();
    expect(check('s')).toBeUndefined();
    expect(check(1)).toEqual({ path: [], message: 'matches none of the allowed shapes' });
  });
});
