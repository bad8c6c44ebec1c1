import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ok } from './decode-result.js';
import { createEventDecoder } from './event-decoder.js';
import { EventValidationError } from './event-errors.js';
import type { RawSseEvent } from './raw-event.js';

const raw = (data: string): RawSseEvent => ({ event: 'tick', data, id: undefined });

describe('createEventDecoder: standalone check, schema output, no validation', () => {
  it('with check: a valid value is passed on as deserialized; the first issue fails it', () => {
    const decode = createEventDecoder<{ n: number }>({
      route: 'ticks',
      check: (value) =>
        typeof (value as { n?: unknown }).n === 'number' ? undefined : { path: ['n'], message: 'expected a number' },
    });
    expect(decode('{"n":1}', raw('{"n":1}'))).toEqual(ok({ n: 1 }));
    const result = decode('{"n":"x"}', raw('{"n":"x"}'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(EventValidationError);
    expect((result.error as EventValidationError).issues).toEqual([{ path: ['n'], message: 'expected a number' }]);
    expect((result.error as EventValidationError).raw).toEqual(raw('{"n":"x"}'));
    expect(result.error.message).toMatch(/route "ticks", event "tick"/);
  });

  it('a schema takes precedence over check, and its output (transforms applied) is what is delivered', () => {
    const decode = createEventDecoder({
      schema: z.object({ n: z.number().transform((n) => n * 10) }),
      check: () => ({ message: 'never used' }),
    });
    expect(decode('{"n":2}', raw('{"n":2}'))).toEqual(ok({ n: 20 }));
  });

  it('without schema or check, delivers the deserialized value unchecked', () => {
    expect(createEventDecoder()('[1,"a"]', raw('[1,"a"]'))).toEqual(ok([1, 'a']));
    expect(createEventDecoder({ encoding: 'text' })('[1', raw('[1'))).toEqual(ok('[1'));
  });

  it('explains why an asynchronous schema is refused', () => {
    const result = createEventDecoder({ encoding: 'text', schema: z.string().refine(async () => true) })('x', raw('x'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect((result.error as EventValidationError).issues).toEqual([
      { message: 'the schema validates asynchronously; event schemas must be synchronous' },
    ]);
  });
});
