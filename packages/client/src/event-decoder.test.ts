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
