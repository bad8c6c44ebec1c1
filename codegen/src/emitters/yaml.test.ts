import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { toYaml } from './yaml.js';

const OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;
const library = (value: unknown) => stringify(value, OPTIONS);

/** Strings that stress quoting: YAML indicators, reserved words, numbers, line breaks, edge spaces, unicode. */
const yamlSpecial = fc.constantFrom(...'aZ_19 :#-?.\'"`%{}[],~+\n\t\\!&*|>@/e'.split(''));
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: yamlSpecial, maxLength: 8 }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom(
    '',
    ' ',
    'null',
    'Null',
    '~',
    'true',
    'False',
    'yes',
    'no',
    'on',
    '0',
    '-1',
    '1e3',
    '0x1F',
    '0o17',
    '.inf',
    '.NaN',
    '1_000',
    '--- x',
    '...',
    '- item',
    '? key',
    'a: b',
    'a #b',
    '#/components/schemas/Tick',
    '$ref',
    '@at',
    '`tick`',
    '!tag',
    '&anchor',
    '*alias',
    '|',
    '>',
    '%YAML',
    "it's",
    '"quoted"',
    'line one\nline two',
    'trailing\n',
    '\n leading break',
    'x\n\ny  \n',
    ' a\nb',
    'tab\there',
    'caf\u00e9',
    '\u2028',
    'x'.repeat(1100),
    'text/event-stream',
    'a - b',
    'ends with colon:',
    'a,b',
    '[not a list]',
    '{not: a map}',
  ),
);

const jsonLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    nastyString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('toYaml', () => {
  it('writes what the yaml library writes, byte for byte, for any JSON map or list', () => {
    fc.assert(
      fc.property(fc.oneof(fc.dictionary(nastyString, jsonLike), fc.array(jsonLike)), (value) => {
        expect(toYaml(value)).toBe(library(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes an AsyncAPI-shaped document the same way', () => {
    const doc = {
      asyncapi: '3.0.0',
      info: { title: 'Ticks', version: '1.0.0', description: 'Line one.\n\nLine two: with a colon.' },
      channels: {
        'ticks/{symbol}': {
          address: '/ticks/{symbol}',
          parameters: { symbol: { description: 'e.g. "AAPL"' } },
          messages: { tick: { $ref: '#/components/messages/Tick' } },
        },
      },
      components: {
        schemas: {
          Tick: {
            type: 'object',
            properties: { seq: { type: 'integer', minimum: 0, maximum: 9007199254740991 }, price: { type: 'number' } },
            required: ['seq', 'price'],
            additionalProperties: false,
            examples: [
              { seq: 1, price: 1.5 },
              { seq: -0, price: 1e21 },
            ],
          },
        },
        responses: { '200': { description: 'OK' }, default: { description: '' } },
      },
      extra: { empty: {}, none: [], nested: [[], [{}], [[1]]], skipped: undefined },
    };
    expect(toYaml(doc)).toBe(library(doc));
  });

  it('hands values that are not plain JSON to the library whole', () => {
    const values = [
      { when: new Date(0) },
      { list: [1, undefined, 2] },
      { n: Number.NaN, m: Number.POSITIVE_INFINITY },
      { [`long ${'k'.repeat(1100)}`]: 1 },
      { 'multi\nline key': true },
      'a scalar document',
      42,
      null,
    ];
    for (const value of values) expect(toYaml(value)).toBe(library(value));
  });

  it('leaves out undefined members, as JSON does', () => {
    expect(toYaml({ a: undefined, b: { c: undefined }, d: 1 })).toBe('b: {}\nd: 1\n');
  });
});
