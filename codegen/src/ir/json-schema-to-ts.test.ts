import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { $ZodType } from 'zod/v4/core';
import { jsonSchemaToTs } from './json-schema-to-ts.js';

const ts = (schema: $ZodType, io: 'input' | 'output' = 'output') =>
  jsonSchemaToTs(z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>, {
    rootName: 'Root',
    defName: (name) => `Def_${name}`,
  });

describe('jsonSchemaToTs', () => {
  it.each<[string, $ZodType, string]>([
    ['string', z.string().min(1), 'string'],
    ['integer', z.int(), 'number'],
    ['boolean', z.boolean(), 'boolean'],
    ['null', z.null(), 'null'],
    ['literal', z.literal("it's"), "'it\\'s'"],
    ['enum', z.enum(['a', 'b']), "'a' | 'b'"],
    ['mixed literals', z.literal([1, 'x', null]), "1 | 'x' | null"],
    ['nullable', z.string().nullable(), 'string | null'],
    ['array of union', z.array(z.union([z.string(), z.number()])), '(string | number)[]'],
    ['tuple with rest', z.tuple([z.string(), z.number()]).rest(z.boolean()), '[string, number, ...boolean[]]'],
    ['record', z.record(z.string(), z.number()), '{ [key: string]: number }'],
    ['record with enum keys', z.record(z.enum(['x', 'y']), z.boolean()), '{ x: boolean; y: boolean }'],
    [
      'catchall widens the index signature',
      z.object({ a: z.string() }).catchall(z.number()),
      '{ a: string; [key: string]: unknown }',
    ],
    ['loose object', z.looseObject({ a: z.string() }), '{ a: string; [key: string]: unknown }'],
    [
      'optional and quoted keys',
      z.object({ 'x-y': z.string(), b: z.number().optional() }),
      "{ 'x-y': string; b?: number }",
    ],
    ['unrepresentable is unknown, never wrong', z.date(), 'unknown'],
    ['never', z.never(), 'never'],
    ['empty object', z.object({}), 'Record<string, never>'],
    [
      'discriminated union',
      z.discriminatedUnion('k', [z.object({ k: z.literal('a') }), z.object({ k: z.literal('b'), n: z.number() })]),
      "{ k: 'a' } | { k: 'b'; n: number }",
    ],
    [
      'intersection',
      z.intersection(z.object({ a: z.string() }), z.object({ b: z.number() })),
      '{ a: string; b: number }',
    ],
  ])('%s', (_name, schema, expected) => {
    expect(ts(schema)).toBe(expected);
  });

  it('names recursive references', () => {
    const Node: z.ZodType<unknown> = z.object({
      name: z.string(),
      get children() {
        return z.array(Node);
      },
    });
    expect(ts(Node)).toBe('{ name: string; children: Root[] }');
    const Shared = z.object({ id: z.string() }).meta({ id: 'Shared' });
    const json = z.toJSONSchema(z.object({ a: Shared, b: Shared }), { reused: 'ref' }) as Record<string, unknown>;
    expect(jsonSchemaToTs(json, { defName: (n) => `Def_${n}` })).toBe('{ a: Def_Shared; b: Def_Shared }');
  });

  it('follows the input side: defaults make fields optional', () => {
    const schema = z.object({ count: z.number().default(3), name: z.string() });
    expect(ts(schema, 'input')).toBe('{ count?: number; name: string }');
    expect(ts(schema, 'output')).toBe('{ count: number; name: string }');
  });

  it('breaks objects over lines with descriptions as JSDoc when asked', () => {
    const schema = z.object({ id: z.int().describe('The id'), tags: z.array(z.object({ v: z.string() })) });
    const json = z.toJSONSchema(schema) as Record<string, unknown>;
    expect(jsonSchemaToTs(json, { indent: '  ' })).toBe(
      ['{', '  /** The id */', '  id: number;', '  tags: {', '    v: string;', '  }[];', '}'].join('\n'),
    );
  });

  it('handles boolean schemas and missing types', () => {
    expect(jsonSchemaToTs(true)).toBe('unknown');
    expect(jsonSchemaToTs(false)).toBe('never');
    expect(jsonSchemaToTs({ properties: { a: { type: 'string' } }, required: ['a'] })).toBe('{ a: string }');
    expect(jsonSchemaToTs({ items: { type: 'number' } })).toBe('number[]');
    expect(jsonSchemaToTs({ $ref: 'https://elsewhere/x' })).toBe('unknown');
  });
});
