import { defineContract } from '@ssekit/contract';
import { seedContract } from '@ssekit-examples/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CodegenError } from '../../errors.js';
import { buildIr } from '../../ir/build.js';
import type { EmitOptions } from '../types.js';
import { emitClientSource } from './emit-client.js';
import { clientEmitter } from './index.js';

const options = (validation: 'zod' | 'standalone'): EmitOptions => ({
  validation,
  runtimeImport: '@ssekit/client',
  openapiVersion: '3.2',
});
const seedIr = () => buildIr([{ exportName: 'seedContract', contract: seedContract }], { contractImport: './c.js' });

describe('client emitter', () => {
  it("is the registry's `client`, writing client.ts", async () => {
    const files = await clientEmitter.emit(seedIr(), options('zod'));
    expect(clientEmitter.name).toBe('client');
    expect(files.map((f) => f.path)).toEqual(['client.ts']);
  });

  it('is deterministic', () => {
    for (const mode of ['zod', 'standalone'] as const) {
      expect(emitClientSource(seedIr(), options(mode))).toBe(emitClientSource(seedIr(), options(mode)));
    }
  });

  it('zod mode imports the contract (its schemas validate); standalone imports neither the contract nor zod', () => {
    const zod = emitClientSource(seedIr(), options('zod'));
    expect(zod).toContain("import { seedContract } from './c.js';");
    expect(zod).not.toMatch(/from 'zod/);
    // A plain schema gets a compiled fast path next to it; zod still checks what the fast path refuses.
    expect(zod).toMatch(
      /customer: createZodFastPathDecoder\(\{\n\s+route: 'json',\n\s+schema: seedContract\.json\.events\.customer,\n\s+signature: '[0-9a-f]{16}',\n\s+parse: parseJsonCustomerData,/,
    );
    expect(zod).toContain('function parseJsonCustomerData(value: unknown): unknown {');
    const standalone = emitClientSource(seedIr(), options('standalone'));
    expect(standalone).not.toMatch(/from '\.\/c\.js'|from 'zod|@ssekit\/contract/);
    expect(standalone).toContain('function checkJsonCustomerData(value: unknown): ValidationIssue | undefined {');
    expect(standalone).toContain("customer: createEventDecoder({ route: 'json', check: checkJsonCustomerData }),");
  });

  it('standalone mode imports the contract only for routes with their own deserializer', () => {
    const contract = defineContract({
      plain: { path: '/p', events: { a: z.string() } },
      csv: {
        path: '/csv',
        serialize: (v) => String(v),
        deserialize: (t) => t.split(','),
        events: { row: z.array(z.string()) },
      },
    });
    const text = emitClientSource(
      buildIr([{ exportName: 'default', contract }], { contractImport: './c.js' }),
      options('standalone'),
    );
    expect(text).toContain("import { default as contract } from './c.js';");
    expect(text).toContain('const csvDeserialize: Deserializer = contract.csv.deserialize;');
    expect(text).toContain('deserialize: (text) => csvDeserialize(text, csvRowInfo),');
  });

  it('documents what standalone validation cannot check', () => {
    const contract = defineContract({ r: { path: '/r', events: { n: z.int().refine((n) => n > 0) } } });
    const text = emitClientSource(buildIr(contract), options('standalone'));
    expect(text).toContain('Not fully checked without zod (refinement)');
  });

  it('routes without request parts take no request argument', () => {
    const text = emitClientSource(seedIr(), options('standalone'));
    expect(text).toContain('subscribe(handlers: JsonHandlers, options?: RouteCallOptions): Subscription;');
    expect(text).toContain(
      'subscribe(request: GreetingsRequest, handlers: GreetingsHandlers, options?: RouteCallOptions): Subscription;',
    );
    expect(text).toContain(
      'stream(request: GreetingsRequest, options?: StreamRouteOptions): AsyncIterableIterator<GreetingsEvent>;',
    );
  });

  it('fails with a CODEGEN error when generated names would clash', () => {
    const contract = defineContract({
      a: { path: '/a', events: { bData: z.string() } },
      aB: { path: '/b', events: { data: z.string() } },
    });
    expect(() => emitClientSource(buildIr(contract), options('zod'))).toThrow(CodegenError);
    expect(() => emitClientSource(buildIr(contract), options('zod'))).toThrow(
      /ABDataData \(route "aB", event "data"\) clashes with route "a", event "bData"/,
    );
  });

  it('fails with a CODEGEN error naming the route and both events when two event names sanitise alike', () => {
    const contract = defineContract({ feed: { path: '/feed', events: { 'a.b': z.string(), 'a-b': z.string() } } });
    const error = (() => {
      try {
        emitClientSource(buildIr(contract), options('standalone'));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CodegenError);
    expect((error as CodegenError).route).toBe('feed');
    expect((error as CodegenError).message).toMatch(
      /FeedABData \(route "feed", event "a-b"\) clashes with route "feed", event "a\.b"/,
    );
  });

  it('quotes event names that are not identifiers and keys option-named events through `on` only', () => {
    const contract = defineContract({
      feed: { path: '/feed', events: { 'user-created': z.string(), onError: z.string(), ['__proto__']: z.number() } },
    });
    for (const mode of ['zod', 'standalone'] as const) {
      const text = emitClientSource(buildIr(contract), options(mode));
      expect(text).toContain("'user-created'?(data: FeedUserCreatedData");
      // `__proto__` as a computed key: a quoted one would set the object literal's prototype.
      expect(text).toMatch(/\['__proto__'\]: create(Event|ZodFastPath)Decoder\(/);
      expect(text).toContain("extends LifecycleHandlers, Omit<FeedEventHandlers, 'onError' | '__proto__'>");
      expect(text).toContain('on?: FeedEventHandlers;');
    }
    expect(emitClientSource(buildIr(contract), options('zod'))).toContain("contract.feed.events['user-created']");
  });

  it('calls the runtime without casts: one decoder factory call per event, typed specs, plain calls in createClient', () => {
    for (const mode of ['zod', 'standalone'] as const) {
      const text = emitClientSource(seedIr(), options(mode));
      // The emitted validators narrow `unknown` after their guards; everything before them is cast-free.
      expect(text.split(/\nfunction (check|parse)/)[0]).not.toMatch(/ as [A-Z]|as unknown/);
      expect(text.match(/(createEventDecoder|createZodFastPathDecoder)\(/g)).toHaveLength(5);
      expect(text).toContain('const jsonSpec: RouteClientSpec<JsonEvent> = {');
      expect(text).toContain('stream: (options) => streamRoute(config, jsonSpec, {}, options),');
    }
  });

  it('zod mode: one fast path per plain schema, shared by events with the same one; none for the others', () => {
    const problem = () => z.object({ code: z.string(), message: z.string() });
    const contract = defineContract({
      a: { path: '/a', events: { tick: z.object({ n: z.int() }), error: problem() } },
      b: {
        path: '/b',
        events: {
          error: problem(),
          note: z.object({ text: z.string().regex(/^\S/) }),
          name: z.object({ n: z.string().max(8) }),
        },
      },
      c: { path: '/c', events: { maybe: z.object({ a: z.number().optional(), b: z.string() }) } },
    });
    const text = emitClientSource(buildIr(contract), options('zod'));
    expect(text.match(/^function parse\w+\(value: unknown\): unknown \{$/gm)).toEqual([
      'function parseATickData(value: unknown): unknown {',
      'function parseAErrorData(value: unknown): unknown {',
      'function parseBNameData(value: unknown): unknown {',
      'function parseCMaybeData(value: unknown): unknown {',
    ]);
    expect(text.match(/parse: parseAErrorData,/g)).toHaveLength(2);
    // An optional key: the output is built key by key, typed so that strict settings accept the assignments.
    expect(text).toContain('const r2: Record<string, unknown> = {};');
    expect(text).toMatch(
      /if \(v3 !== undefined\) \{\n\s+if \(typeof v3 !== 'number' \|\| !Number\.isFinite\(v3\)\) return undefined;\n\s+r2\['a'\] = v3;\n\s+\}\n\s+const v4 = o1\['b'\];/,
    );
    // A string length is checked where zod releases agree, with the code-point helper; a pattern is left to zod: no
    // fast path, the plain decoder.
    expect(text).toMatch(/if \((v\d+)\.length > 8\) \{\n\s+if \(codePoints\(\1\) > 8\) return undefined;/);
    expect(text).toContain('function codePoints(text: string): number {');
    expect(text).toContain("note: createEventDecoder({ route: 'b', schema: contract.b.events.note }),");
    expect(emitClientSource(buildIr(contract), options('standalone'))).not.toContain('createZodFastPathDecoder');
  });

  it('rejects an unknown validation mode', () => {
    expect(() => emitClientSource(seedIr(), { ...options('zod'), validation: 'ajv' as 'zod' })).toThrow(
      'unknown validation mode "ajv"',
    );
  });
});
