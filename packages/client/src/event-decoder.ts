import { noop } from './abort.js';
import { type DecodeResult, type EventDecoder, fail, ok } from './decode-result.js';
import { EventValidationError, ParseError, type ValidationIssue } from './event-errors.js';
import type { RawSseEvent } from './raw-event.js';

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
  /**
   * Validates without a schema library, when there is no `schema`: returns the first issue, or `undefined` when the
   * value is valid (the validators `ssekit generate` emits in `standalone` mode).
   */
  check?: (value: unknown) => ValidationIssue | undefined;
  /** Text → value. Default: `JSON.parse`, or the text itself with `encoding: 'text'`. */
  deserialize?: (text: string) => unknown;
  /** `text` passes data through verbatim (the contract's text events); default `json`. */
  encoding?: 'json' | 'text';
  /** The route key, for error messages. */
  route?: string;
}

/**
 * Builds an {@link EventDecoder}: deserialize (failure → {@link ParseError}), then validate with a Standard Schema such
 * as a zod 4 schema, or with a `check` function (failure → {@link EventValidationError}). Generated clients build one
 * per event with it.
 *
 * @example
 * ```ts
 * const customer = createEventDecoder({ schema: z.object({ id: z.number() }), route: 'customers' });
 * customer('{"id":1}', raw); // { ok: true, value: { id: 1 } }
 * ```
 */
export function createEventDecoder<Output = unknown>(options: EventDecoderOptions<Output> = {}): EventDecoder<Output> {
  const deserialize = options.deserialize ?? (options.encoding === 'text' ? undefined : JSON.parse);
  const context = { route: options.route };
  const { schema, check } = options;
  // Read once: zod defines `~standard` on its first read, and a Standard Schema's props do not change.
  const standard = schema?.['~standard'];
  const validated =
    standard &&
    ((value: unknown, raw: RawSseEvent): DecodeResult<Output> => {
      const result = standard.validate(value);
      if (result instanceof Promise) {
        result.catch(noop);
        const issue = { message: 'the schema validates asynchronously; event schemas must be synchronous' };
        return fail(new EventValidationError(raw, [issue], context));
      }
      const checked = result as { value?: Output; issues?: readonly ValidationIssue[] };
      if (checked.issues) return fail(new EventValidationError(raw, checked.issues, context));
      return ok(checked.value as Output);
    });
  // This runs once per event: one closure, no wrapper per case.
  return (data, raw) => {
    let value: unknown = data;
    if (deserialize !== undefined) {
      try {
        value = deserialize(data);
      } catch (cause) {
        return fail(new ParseError(raw, cause, context));
      }
    }
    if (validated) return validated(value, raw);
    if (check === undefined) return ok(value as Output);
    const issue = check(value);
    return issue === undefined ? ok(value as Output) : fail(new EventValidationError(raw, [issue], context));
  };
}
