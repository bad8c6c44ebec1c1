import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fail, ok } from './decode-result.js';
import { createEventDecoder } from './event-decoder.js';
import { EventValidationError, ParseError } from './event-errors.js';
import type { RawSseEvent } from './raw-event.js';

const raw = (data: string): RawSseEvent => ({ event: 'customer', data, id: '3' });

describe('createEventDecoder', () => {
  const decode = createEventDecoder({ schema: z.object({ id: z.number() }), route: 'customers' });

  it('deserializes JSON and validates with a zod schema', () => {
    expect(decode('{"id":1}', raw('{"id":1}'))).toEqual({ ok: true, value: { id: 1 } });
  });

  it('fails with a ParseError carrying the raw event for bad JSON', () => {
    const result = decode('{nope', raw('{nope'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ParseError);
    expect(result.error.code).toBe('PARSE');
    expect((result.error as ParseError).raw).toEqual(raw('{nope'));
    expect(result.error.message).toMatch(/route "customers", event "customer" \(id "3"\)/);
  });

  it('fails with an EventValidationError carrying the issues and their path', () => {
    const result = decode('{"id":"x"}', raw('{"id":"x"}'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.error as EventValidationError;
    expect(error).toBeInstanceOf(EventValidationError);
    expect(error.code).toBe('VALIDATION');
    expect(error.issues[0]?.path).toEqual(['id']);
    expect(error.message).toMatch(/at id: /);
  });

  it('passes text through for text encoding and uses a custom deserializer', () => {
    expect(createEventDecoder({ encoding: 'text', schema: z.string() })('hi', raw('hi'))).toEqual(ok('hi'));
    expect(createEventDecoder({ deserialize: (t) => t.length })('abc', raw('abc'))).toEqual(ok(3));
  });

  it('rejects async schemas instead of blocking the stream', () => {
    const asyncSchema = z.string().refine(async () => true);
    const result = createEventDecoder({ encoding: 'text', schema: asyncSchema })('x', raw('x'));
    expect(result.ok).toBe(false);
  });

  it('fail() wraps an error', () => {
    const error = new ParseError(raw(''), new Error('x'));
    expect(fail(error)).toEqual({ ok: false, error });
  });
});

describe('createEventDecoder: zod schemas through their own parse entry', () => {
  it('runs a valid event through the schema once and delivers its output', () => {
    let calls = 0;
    const schema = z.object({ n: z.number().refine(() => ++calls > 0) }).transform((v) => ({ n: v.n * 2 }));
    const decode = createEventDecoder({ schema });
    expect(decode('{"n":2}', raw('{"n":2}'))).toEqual(ok({ n: 4 }));
    expect(calls).toBe(1);
  });

  it('an invalid event still gets zod’s finalized issues (its path and message) in an EventValidationError', () => {
    const decode = createEventDecoder({ schema: z.object({ n: z.number().int() }), route: 'ticks' });
    const result = decode('{"n":1.5}', raw('{"n":1.5}'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.error as EventValidationError;
    expect(error).toBeInstanceOf(EventValidationError);
    expect(error.issues[0]?.path).toEqual(['n']);
    expect(typeof error.issues[0]?.message).toBe('string');
    expect(error.issues[0]?.message.length).toBeGreaterThan(0);
  });

  it('a schema of another library (no zod internals) is validated through ~standard.validate', () => {
    let calls = 0;
    const schema = {
      '~standard': {
        vendor: 'other',
        validate: (value: unknown) => {
          calls++;
          return typeof value === 'number' ? { value: value + 1 } : { issues: [{ message: 'not a number' }] };
        },
      },
      _zod: { run: () => ({ value: 'never used', issues: [] }) },
    };
    const decode = createEventDecoder({ schema });
    expect(decode('1', raw('1'))).toEqual(ok(2));
    expect(calls).toBe(1);
    expect(decode('"x"', raw('"x"')).ok).toBe(false);
  });
});
