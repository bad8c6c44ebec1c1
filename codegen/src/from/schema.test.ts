import { describe, expect, it } from 'vitest';
import { loadValidator } from '../../tests/helpers/schema-arbitrary.ts';
import { CodegenError } from '../errors.js';
import { SchemaReader } from './schema.js';

function reader(schemas: Record<string, unknown> = {}) {
  return new SchemaReader({ components: { schemas } }, 'api.yaml');
}

describe('SchemaReader', () => {
  it('inlines local $refs, nested ones included', () => {
    const r = reader({
      Pet: { type: 'object', properties: { owner: { $ref: '#/components/schemas/Owner' } }, required: ['owner'] },
      Owner: { type: 'object', properties: { name: { type: 'string' } } },
    });
    expect(r.read({ $ref: '#/components/schemas/Pet' }, '#/x')).toEqual({
      type: 'object',
      properties: { owner: { type: 'object', properties: { name: { type: 'string' } } } },
      required: ['owner'],
    });
  });

  it('turns a recursive $ref into $defs that the validator follows', () => {
    const r = reader({
      Node: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          children: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
        },
        required: ['name'],
      },
    });
    const schema = r.read({ $ref: '#/components/schemas/Node' }, '#/x');
    expect(schema.$ref).toBe('#/$defs/Node');
    expect(Object.keys(schema.$defs as object)).toEqual(['Node']);
    const check = loadValidator(schema);
    expect(check({ name: 'a', children: [{ name: 'b', children: [] }] })).toBeUndefined();
    expect(check({ name: 'a', children: [{ children: [] }] })).toMatchObject({ path: ['children', 0, 'name'] });
  });

  it('fails on external and dangling $refs, naming the pointer', () => {
    const r = reader();
    expect(() => r.read({ $ref: 'other.yaml#/Pet' }, '#/paths/~1a/get')).toThrow(
      /api\.yaml: #\/paths\/~1a\/get: external \$ref "other\.yaml#\/Pet" is not supported/,
    );
    expect(() => r.read({ $ref: '#/components/schemas/Nope' }, '#/p')).toThrow(CodegenError);
    expect(() => r.read({ $ref: '#/components/schemas/Nope' }, '#/p')).toThrow(/points at nothing/);
  });

  it('reads OpenAPI 3.0 nullable, boolean exclusive bounds and example', () => {
    const r = reader({ Name: { type: 'string' } });
    expect(r.read({ type: 'string', nullable: true }, '#')).toEqual({ type: ['string', 'null'] });
    expect(r.read({ type: 'string', enum: ['a'], nullable: true }, '#')).toEqual({
      type: ['string', 'null'],
      enum: ['a', null],
    });
    expect(r.read({ allOf: [{ $ref: '#/components/schemas/Name' }], nullable: true }, '#')).toEqual({
      type: ['string', 'null'],
    });
    expect(r.read({ oneOf: [{ type: 'string' }, { type: 'integer' }], nullable: true }, '#')).toEqual({
      anyOf: [{ oneOf: [{ type: 'string' }, { type: 'integer' }] }, { type: 'null' }],
    });
    expect(r.read({ type: 'number', minimum: 0, exclusiveMinimum: true, example: 3 }, '#')).toEqual({
      type: 'number',
      exclusiveMinimum: 0,
      examples: [3],
    });
    const check = loadValidator(r.read({ type: 'integer', nullable: true }, '#'));
    expect(check(null)).toBeUndefined();
    expect(check('1')).toBeDefined();
  });

  it('reads draft-07 tuples (AsyncAPI) as prefixItems', () => {
    expect(
      reader().read({ type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false }, '#'),
    ).toEqual({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false });
  });

  it('checks known formats with a pattern, int32 with bounds, and reports formats it cannot check', () => {
    const r = reader();
    const uuid = loadValidator(r.read({ type: 'string', format: 'uuid' }, '#'));
    expect(uuid('123e4567-e89b-12d3-a456-426614174000')).toBeUndefined();
    expect(uuid('nope')).toBeDefined();
    const dateTime = loadValidator(r.read({ type: 'string', format: 'date-time' }, '#'));
    expect(dateTime('2026-11-30T07:00:00Z')).toBeUndefined();
    expect(dateTime('yesterday')).toBeDefined();
    expect(r.read({ type: 'integer', format: 'int32' }, '#')).toMatchObject({
      minimum: -2147483648,
      maximum: 2147483647,
    });
    r.read({ type: 'string', format: 'hostname' }, '#/components/schemas/Host');
    expect(r.warnings).toEqual([
      {
        pointer: '#/components/schemas/Host/format',
        message: 'format "hostname" is not checked by the generated validator',
      },
    ]);
  });

  it.each([
    ['uuid', '123e4567-e89b-12d3-a456-426614174000', '123e4567'],
    ['date-time', '2026-11-30T07:00:00.5+01:00', '2026-11-30'],
    ['date', '2026-11-30', '30.11.2026'],
    ['time', '07:00:00Z', '7 am'],
    ['email', 'ada@example.com', 'ada@'],
    ['ipv4', '127.0.0.1', '256.0.0.1'],
    ['uri', 'https://example.com/a?b', 'not a uri'],
  ])('checks format %s', (format, valid, invalid) => {
    const check = loadValidator(reader().read({ type: 'string', format }, '#'));
    expect(check(valid)).toBeUndefined();
    expect(check(invalid)).toBeDefined();
  });

  it('reports each keyword the validator cannot check with its pointer, and leaves it out', () => {
    const r = reader();
    const schema = r.read(
      {
        type: 'object',
        properties: { tags: { type: 'array', uniqueItems: true }, x: { not: { type: 'string' } } },
        patternProperties: { '^x-': { type: 'string' } },
        if: { required: ['a'] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's `then` keyword, under test
        then: { required: ['b'] },
      },
      '#/components/schemas/Odd',
    );
    expect(r.warnings.map((w) => w.pointer)).toEqual([
      '#/components/schemas/Odd/properties/tags/uniqueItems',
      '#/components/schemas/Odd/properties/x/not',
      '#/components/schemas/Odd/patternProperties',
      '#/components/schemas/Odd/if',
      '#/components/schemas/Odd/then',
    ]);
    expect(r.warnings[0]?.message).toContain('not checked by the generated validator');
    expect(JSON.stringify(schema)).not.toMatch(/uniqueItems|patternProperties|"if"|"not"/);
    // `not: {}` (nothing allowed) is something the validator does check: kept.
    expect(r.read({ not: {} }, '#')).toEqual({ not: {} });
  });

  it('honours discriminator mappings: each variant gets its tag', () => {
    const r = reader({
      Cat: { type: 'object', properties: { kind: { type: 'string' }, meows: { type: 'boolean' } }, required: ['kind'] },
      Dog: { type: 'object', properties: { kind: { type: 'string' }, barks: { type: 'boolean' } }, required: ['kind'] },
    });
    const schema = r.read(
      {
        oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }],
        discriminator: { propertyName: 'kind', mapping: { cat: '#/components/schemas/Cat' } },
      },
      '#',
    );
    const check = loadValidator(schema);
    expect(check({ kind: 'cat', meows: true })).toBeUndefined();
    expect(check({ kind: 'Dog', barks: true })).toBeUndefined(); // implicit mapping: the schema name
    expect(check({ kind: 'dog', barks: true })).toBeDefined();
    expect(check({ kind: 'cat', meows: 'yes' })).toBeDefined();
  });

  it('drops allOf parts that constrain nothing', () => {
    expect(reader().read({ allOf: [{ type: 'string' }, { format: 'int64', $comment: 'x' }] }, '#')).toEqual({
      type: 'string',
    });
  });
});
