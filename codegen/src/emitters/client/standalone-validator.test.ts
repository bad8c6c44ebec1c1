import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { $ZodType } from 'zod/v4/core';
import type { JsonSchema } from '../../ir/types.js';
import { AT_HELPER, compileValidator, ValidatorModule } from './standalone-validator.js';

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
    module.usesAt ? AT_HELPER : '',
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
    module.usesAt ? AT_HELPER : '',
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
    expect(source).toContain('.length > 3');
    // One loop, over the array's items; nothing else iterates.
    expect(source.match(/\bfor \(/g)).toHaveLength(1);
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
