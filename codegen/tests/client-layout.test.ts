import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitClientSource } from '../src/emitters/client/emit-client.ts';
import {
  AT_HELPER,
  CODE_POINTS_HELPER,
  compileValidator,
  ValidatorModule,
} from '../src/emitters/client/standalone-validator.ts';
import type { EmitOptions } from '../src/emitters/types.ts';
import { readApiDocument } from '../src/from/index.ts';
import { type AnyContract, buildIr } from '../src/ir/build.ts';
import type { JsonSchema } from '../src/ir/types.ts';
import { namesContract } from './fixtures/names-contract.ts';
import { REPOSITORY_CONTRACTS } from './helpers/repo-contracts.ts';
import { formatWithTypeScript } from './helpers/typescript-format.ts';

// The client emitter writes its text laid out as the TypeScript formatter lays it out (it used to run the formatter
// over every client; now it does not load TypeScript at all). These tests hold every client and validator the
// repository's contracts and documents give to that: formatting the text must change nothing.

const CONTRACTS: readonly [string, AnyContract][] = [...REPOSITORY_CONTRACTS, ['names', namesContract]];

const options = (validation: 'zod' | 'standalone'): EmitOptions => ({
  validation,
  runtimeImport: '@ssekit/client',
  openapiVersion: '3.2',
  source: 'contracts/src/index.ts',
});

describe('the generated client is laid out as the TypeScript formatter lays it out', () => {
  describe.each(CONTRACTS)('the %s contract', (_name, contract) => {
    it.each(['zod', 'standalone'] as const)('%s validation', (validation) => {
      const text = emitClientSource(buildIr(contract), options(validation));
      expect(text.endsWith('\n')).toBe(true);
      expect(formatWithTypeScript(text)).toBe(text);
    });
  });

  const documents = join(import.meta.dirname, 'fixtures/from');
  const files = readdirSync(documents).filter((file) => /\.(ya?ml|json)$/.test(file));
  it.each(files)('the client of the foreign document %s', async (file) => {
    const { ir } = await readApiDocument(join(documents, file));
    expect(ir.routes.length).toBeGreaterThan(0);
    const text = emitClientSource(ir, options('standalone'));
    expect(formatWithTypeScript(text)).toBe(text);
  });
});

/** Schemas that give each construct of the standalone validator: nested blocks, loops, switches, helpers, guards. */
const SCHEMAS: [string, JsonSchema][] = [
  [
    'nested objects, arrays of arrays, a long guard',
    {
      type: 'object',
      properties: {
        matrix: { type: 'array', items: { type: 'array', items: { type: 'number', minimum: 0 }, maxItems: 3 } },
        a_property_with_a_rather_long_name_to_push_the_guard_past_the_line: { type: 'string', format: 'email' },
        nested: { type: 'object', properties: { deeper: { type: 'object', properties: { x: { type: 'integer' } } } } },
      },
      required: ['matrix'],
      additionalProperties: false,
    },
  ],
  [
    'a tagged union (switch with several tags per member)',
    {
      oneOf: [
        { type: 'object', properties: { kind: { enum: ['a', 'aa'] }, n: { type: 'number' } }, required: ['kind'] },
        { type: 'object', properties: { kind: { const: 'b' }, s: { type: 'string' } }, required: ['kind', 's'] },
      ],
    },
  ],
  [
    'an untagged union, allOf, a type list',
    {
      anyOf: [
        { type: 'string', minLength: 2 },
        { type: 'array', items: { type: ['string', 'null'] } },
      ],
      allOf: [{ not: { const: 'xx' } }],
    },
  ],
  [
    'recursion through $defs, tuples, records, patterns',
    {
      $defs: {
        Node: {
          type: 'object',
          properties: { children: { type: 'array', items: { $ref: '#/$defs/Node' } }, name: { pattern: '^[a-z]+$' } },
        },
      },
      type: 'object',
      properties: {
        root: { $ref: '#/$defs/Node' },
        pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'boolean' }], items: false },
        tags: {
          type: 'object',
          additionalProperties: { type: 'string', maxLength: 5 },
          propertyNames: { minLength: 1 },
        },
        fixed: { const: { a: [1, 2] } },
        big: { enum: ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven'] },
      },
    },
  ],
];

describe('the standalone validators are laid out as the TypeScript formatter lays them out', () => {
  it.each(SCHEMAS)('%s', (_name, schema) => {
    const module = new ValidatorModule();
    compileValidator(schema, 'checkIt', module);
    const text = `${[...module.constants, AT_HELPER, CODE_POINTS_HELPER, ...module.functions].join('\n\n')}\n`;
    expect(module.functions.join('\n')).toMatch(/^ {4}\S/m);
    expect(formatWithTypeScript(text)).toBe(text);
  });
});
