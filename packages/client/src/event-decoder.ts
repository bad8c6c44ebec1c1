import { type DecodeResult, type EventDecoder, fail, ok } from './decode-result.js';
import { EventValidationError, ParseError, type ValidationIssue } from './event-errors.js';

/**
 * The part of the Standard Schema interface (implemented by zod 4, valibot, arktype...) the
 * client needs, so it validates with the caller's own schema library instance.
 */
export interface StandardSchemaLike<Output = unknown> {
  readonly '~standard': {
    readonly validate: (
      value: unknown,
    ) =>
      | { readonly value: Output; readonly issues?: undefined }
      | { readonly issues: readonly ValidationIssue[] }
      | Promise<unknown>;
  };
}

/** Options of {@link createEventDecoder}. */
export interface EventDecoderOptions<Output> {
  /** Validates the deserialized value; its output is what handlers receive. Omit to skip validation. */
  schema?: StandardSchemaLike<Output>;
  /** Text → value. Default: `JSON.parse`, or the text itself with `encoding: 'text'`. */
  deserialize?: (text: string) => unknown;
  /** `text` passes data through verbatim (the contract's text events); default `json`. */
  encoding?: 'json' | 'text';
  /** The route key, for error messages. */
  route?: string;
}

/**
 * Builds an {@link EventDecoder}: deserialize (failure → {@link ParseError}), then validate with a
 * Standard Schema such as a zod 4 schema (failure → {@link EventValidationError}).
 *
 * @example
 * ```ts
 * const customer = createEventDecoder({ schema: z.object({ id: z.number() }), route: 'customers' });
 * customer('{"id":1}', raw); // { ok: true, value: { id: 1 } }
 * ```
 */
export function createEventDecoder<Output = unknown>(options: EventDecoderOptions<Output> = {}): EventDecoder<Output> {
  const deserialize =
    options.deserialize ?? (options.encoding === 'text' ? (text: string) => text : (text: string) => JSON.parse(text));
  const context = { route: options.route };
  return (data, raw): DecodeResult<Output> => {
    let value: unknown;
    try {
      value = deserialize(data);
    } catch (cause) {
      return fail(new ParseError(raw, cause, context));
    }
    if (!options.schema) return ok(value as Output);
    const result = options.schema['~standard'].validate(value);
    if (result instanceof Promise) {
      result.catch(() => {});
      return fail(
        new EventValidationError(
          raw,
          [{ message: 'the schema validates asynchronously; event schemas must be synchronous' }],
          context,
        ),
      );
    }
    const checked = result as { value?: Output; issues?: readonly ValidationIssue[] };
    if (checked.issues) return fail(new EventValidationError(raw, checked.issues, context));
    return ok(checked.value as Output);
  };
}
