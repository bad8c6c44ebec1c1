import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodOnlyFeatures } from './needs-zod.js';

describe('zodOnlyFeatures', () => {
  it('is empty for what JSON Schema expresses fully', () => {
    expect(zodOnlyFeatures(z.object({ id: z.int(), tags: z.array(z.email()), kind: z.enum(['a']) }))).toEqual([]);
    expect(zodOnlyFeatures(z.string().min(1).max(3).nullable().optional().default('x'))).toEqual([]);
    expect(zodOnlyFeatures(z.coerce.number())).toEqual([]);
  });

  it('finds transforms, pipes, refinements, dates and other non-JSON values, however deep', () => {
    expect(zodOnlyFeatures(z.object({ at: z.string().transform((s) => new Date(s)) }))).toEqual(['pipe', 'transform']);
    expect(zodOnlyFeatures(z.array(z.number().refine((n) => n > 0)))).toEqual(['refinement']);
    expect(zodOnlyFeatures(z.object({ a: z.string() }).superRefine(() => {}))).toEqual(['refinement']);
    expect(zodOnlyFeatures(z.union([z.string(), z.date()]))).toEqual(['Date']);
    expect(zodOnlyFeatures(z.record(z.string(), z.bigint()))).toEqual(['bigint']);
    expect(zodOnlyFeatures(z.tuple([z.string()]).rest(z.map(z.string(), z.number())))).toEqual(['Map']);
    expect(zodOnlyFeatures(z.custom<string>((v) => typeof v === 'string'))).toEqual(['custom schema']);
    expect(zodOnlyFeatures(z.lazy(() => z.set(z.string())))).toEqual(['Set']);
  });

  it('terminates on recursive schemas', () => {
    const Node: z.ZodType<unknown> = z.object({
      at: z.date(),
      get children() {
        return z.array(Node);
      },
    });
    expect(zodOnlyFeatures(Node)).toEqual(['Date']);
  });
});
