import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { $ZodType } from 'zod/v4/core';
import { buildAsyncApi } from '../src/emitters/asyncapi/asyncapi.ts';
import { emitClientSource } from '../src/emitters/client/emit-client.ts';
import { openapiEmitter } from '../src/emitters/openapi/openapi.ts';
import { parseApiDocument } from '../src/from/index.ts';
import { buildIr } from '../src/ir/build.ts';
import type { IrDocument, IrRoute } from '../src/ir/types.ts';
import { REPOSITORY_CONTRACTS } from './helpers/repo-contracts.ts';
import { loadValidator, mutated, schemaArbitrary } from './helpers/schema-arbitrary.ts';

const OPTIONS = { validation: 'standalone', runtimeImport: '@ssekit/client', openapiVersion: '3.2' } as const;

/** Our own documents of an IR, as the emitters write them (YAML for OpenAPI 3.2, JSON for the others). */
function documents(ir: IrDocument): [string, string][] {
  const yaml32 = openapiEmitter.emit(ir, OPTIONS) as { path: string; contents: string }[];
  const json31 = openapiEmitter.emit(ir, { ...OPTIONS, openapiVersion: '3.1' }) as { path: string; contents: string }[];
  return [
    ['OpenAPI 3.2 (YAML)', yaml32.find((f) => f.path === 'openapi.yaml')!.contents],
    ['OpenAPI 3.1 (JSON)', json31.find((f) => f.path === 'openapi.json')!.contents],
    ['AsyncAPI 3.0 (JSON)', JSON.stringify(buildAsyncApi(ir))],
  ];
}

const names = (schema: { properties?: unknown } | undefined) =>
  Object.keys((schema?.properties ?? {}) as object)
    .filter((name) => name.toLowerCase() !== 'last-event-id')
    .sort();

function shape(route: IrRoute) {
  return {
    key: route.key,
    method: route.method,
    path: route.path,
    paramNames: route.paramNames,
    query: names(route.query?.schema),
    headers: names(route.headers?.schema),
    body: route.body !== undefined,
    // A custom serializer's media type is opaque to a reader: its events are read as text (and reported).
    events: route.events.map((e) => (route.customSerialization ? e.name : `${e.name}:${e.encoding}`)).sort(),
    replay: route.replay,
  };
}

describe.each(REPOSITORY_CONTRACTS)('round trip of the %s contract', (_, contract) => {
  const ir = buildIr(contract);
  describe.each(documents(ir))('through our %s', (format, text) => {
    const read = parseApiDocument(text, format);

    it('gives the same routes: keys, methods, paths, params, query, headers, body, events', () => {
      const byPath = (a: IrRoute, b: IrRoute) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`);
      const custom = new Set(ir.routes.filter((r) => r.customSerialization).map((r) => r.key));
      const readShape = (route: IrRoute) => shape({ ...route, customSerialization: custom.has(route.key) });
      expect([...read.ir.routes].sort(byPath).map(readShape)).toEqual([...ir.routes].sort(byPath).map(shape));
      for (const key of custom) {
        // A custom media type is reported: the reader cannot know how that format decodes. (A custom serializer
        // documented as application/json looks like JSON to any reader.)
        const type = ir.routes.find((r) => r.key === key)!.events[0]!.contentType;
        if (type === 'application/json') continue;
        expect(read.warnings.some((w) => w.message.includes(type) && w.pointer.startsWith('#/'))).toBe(true);
      }
    });

    it('gives a client the emitter writes, with every event typed (no event data falls back to unknown)', () => {
      const source = emitClientSource(read.ir, OPTIONS);
      for (const route of read.ir.routes) {
        if (ir.routes.find((r) => r.key === route.key)!.customSerialization) continue;
        for (const event of route.events) {
          const original = ir.routes.find((r) => r.key === route.key)!.events.find((e) => e.name === event.name)!;
          expect(event.tsType === 'unknown').toBe(original.tsType === 'unknown');
        }
      }
      expect(source).toContain('export function createClient');
    });

    it("accepts and rejects generated payloads exactly as the contract's zod schemas do", () => {
      for (const route of ir.routes) {
        if (route.customSerialization) continue;
        const contractRoute = (contract['~ssekit'].routes as Record<string, { events: Record<string, $ZodType> }>)[
          route.key
        ]!;
        for (const event of route.events) {
          if (event.needsZod) continue;
          const zodSchema = contractRoute.events[event.name] as unknown as {
            safeParse(v: unknown): { success: boolean };
          };
          const readEvent = read.ir.routes.find((r) => r.key === route.key)!.events.find((e) => e.name === event.name)!;
          const check = loadValidator(readEvent.schema);
          const valid = schemaArbitrary(event.schema);
          let accepted = 0;
          let rejected = 0;
          fc.assert(
            fc.property(fc.oneof(valid, mutated(valid), fc.jsonValue({ maxDepth: 2 })), (value) => {
              const expected = zodSchema.safeParse(value).success;
              const got = check(value) === undefined;
              if (expected) accepted++;
              else rejected++;
              expect({ route: route.key, event: event.name, value, accepted: got }).toEqual({
                route: route.key,
                event: event.name,
                value,
                accepted: expected,
              });
            }),
            { numRuns: 300, seed: 13 },
          );
          // The generated payloads exercised both verdicts.
          expect(accepted, `${route.key}.${event.name}: accepted`).toBeGreaterThan(0);
          expect(rejected, `${route.key}.${event.name}: rejected`).toBeGreaterThan(0);
        }
      }
    });
  });
});
