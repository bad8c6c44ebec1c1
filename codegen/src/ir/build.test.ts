import { defineContract } from '@ssekit/contract';
import { seedContract } from '@ssekit-examples/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CodegenError } from '../errors.js';
import { buildIr } from './build.js';

describe('buildIr', () => {
  const ir = buildIr([{ exportName: 'seedContract', contract: seedContract }], {
    info: { title: 'Seed', version: '1.2.3' },
    servers: [{ url: 'http://localhost:8080' }],
    contractImport: '@ssekit-examples/contracts',
  });

  it('lists routes in declaration order with their request parts', () => {
    expect(ir.info).toEqual({ title: 'Seed', version: '1.2.3', description: undefined });
    expect(ir.servers).toEqual([{ name: 'default', url: 'http://localhost:8080', description: undefined }]);
    expect(ir.contractImport).toEqual({ specifier: '@ssekit-examples/contracts', exportName: 'seedContract' });
    expect(ir.routes.map((r) => [r.key, r.method, r.templatePath])).toEqual([
      ['events', 'GET', '/events'],
      ['json', 'GET', '/json'],
      ['greetings', 'GET', '/greetings/{name}'],
    ]);
    const greetings = ir.routes[2]!;
    expect(greetings.paramNames).toEqual(['name']);
    expect(greetings.params.tsType).toBe('{ name: string }');
    expect(greetings.params.required).toEqual(['name']);
    // The query's input side: `count` has a default, so callers may leave it out.
    expect(greetings.query?.tsType).toBe('{ count?: number }');
    expect(greetings.query?.required).toEqual([]);
    expect(greetings.headers).toBeUndefined();
    expect(greetings.errorEvent).toBe('error');
    expect(greetings.events.map((e) => [e.name, e.role])).toEqual([
      ['greeting', 'event'],
      ['error', 'error'],
    ]);
  });

  it('describes each event as JSON Schema (both sides), TS type text and encoding', () => {
    const [message] = ir.routes[0]!.events;
    expect(message).toMatchObject({
      name: 'message',
      encoding: 'text',
      contentType: 'text/plain',
      tsType: 'string',
      examples: ['event 0'],
      needsZod: false,
      zodOnly: [],
      typeName: 'EventsMessageData',
      tsDefinitions: [],
    });
    const customer = ir.routes[1]!.events[0]!;
    expect(customer.encoding).toBe('json');
    expect(customer.contentType).toBe('application/json');
    expect(customer.tsType).toBe('{ id: number; firstName: string; lastName: string }');
    expect(customer.schema).toMatchObject({ type: 'object', required: ['id', 'firstName', 'lastName'] });
    expect(customer.inputSchema).toMatchObject({ type: 'object' });
    expect(JSON.parse(JSON.stringify(ir))).toEqual(ir); // plain JSON-able data
  });

  it('marks zod-only schemas and keeps their JSON-expressible part', () => {
    const contract = defineContract({
      r: {
        path: '/r',
        events: {
          at: z.object({ at: z.string().transform((s) => new Date(s)), n: z.int() }),
          even: z.int().refine((n) => n % 2 === 0),
        },
      },
    });
    const [at, even] = buildIr(contract).routes[0]!.events;
    expect(at).toMatchObject({ needsZod: true, zodOnly: ['pipe', 'transform'], tsType: '{ at: unknown; n: number }' });
    expect(even).toMatchObject({ needsZod: true, zodOnly: ['refinement'], tsType: 'number' });
  });

  it('merges several contracts and names the export of each route', () => {
    const a = defineContract({ one: { path: '/one', events: { x: z.string() } } });
    const b = defineContract({ two: { path: '/two', events: { y: z.number() } } });
    const merged = buildIr([
      { exportName: 'a', contract: a },
      { exportName: 'b', contract: b },
    ]);
    expect(merged.routes.map((r) => `${r.contractExport}.${r.key}`)).toEqual(['a.one', 'b.two']);
  });

  it('rejects a route key declared by two contracts, naming both', () => {
    const a = defineContract({ same: { path: '/a', events: { x: z.string() } } });
    const b = defineContract({ same: { path: '/b', events: { x: z.string() } } });
    const build = () =>
      buildIr(
        [
          { exportName: 'a', contract: a },
          { exportName: 'b', contract: b },
        ],
        { module: 'src/index.ts' },
      );
    expect(build).toThrow(CodegenError);
    expect(build).toThrow('src/index.ts, route "same": route key is declared by both "a" and "b"');
  });

  it('rejects a non-object query schema with a CODEGEN error naming the route', () => {
    const contract = defineContract({ q: { path: '/q', query: z.string(), events: { x: z.string() } } });
    try {
      buildIr(contract, { module: 'contracts.ts' });
      expect.fail('should throw');
    } catch (error) {
      expect(error).toBeInstanceOf(CodegenError);
      expect((error as CodegenError).code).toBe('CODEGEN');
      expect((error as CodegenError).route).toBe('q');
      expect((error as Error).message).toBe('contracts.ts, route "q": `query` must be an object schema (got "string")');
    }
  });
});

describe('JSON Schema from Standard Schema validators', () => {
  const noJson = {
    '~standard': { version: 1 as const, vendor: 'acme', validate: (value: unknown) => ({ value }) },
  };

  it.each([
    ['event', { events: { tick: noJson } }, 'event "tick"'],
    ['query', { query: noJson, events: { tick: z.string() } }, '`query`'],
    ['body', { method: 'POST' as const, body: noJson, events: { tick: z.string() } }, '`body`'],
  ])(
    'fails with a CODEGEN error naming the route and the %s slot when the validator offers none',
    (_slot, route, slot) => {
      const contract = defineContract({ feed: { path: '/feed', ...route } as never });
      const attempt = () => buildIr(contract);
      expect(attempt).toThrow(CodegenError);
      expect(attempt).toThrow(`route "feed"`);
      expect(attempt).toThrow(`cannot get a JSON Schema for ${slot}: its acme validator offers none`);
    },
  );

  it('takes JSON Schema from valibot (its converter) and arktype (Standard JSON Schema)', async () => {
    const v = await import('valibot');
    const { type } = await import('arktype');
    const contract = defineContract({
      v: { path: '/v', query: v.object({ q: v.pipe(v.string(), v.minLength(2)) }), events: { n: v.number() } },
      a: { path: '/a', query: type({ q: 'string >= 2' }), events: { n: type('number.integer') } },
    });
    const ir = buildIr(contract);
    for (const route of ir.routes) {
      expect(route.query?.schema).toMatchObject({
        type: 'object',
        properties: { q: { type: 'string', minLength: 2 } },
        required: ['q'],
      });
    }
    expect(ir.routes[0]?.events[0]?.schema).toMatchObject({ type: 'number' });
    expect(ir.routes[1]?.events[0]?.schema).toMatchObject({ type: 'integer' });
  });
});
