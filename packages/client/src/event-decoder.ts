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

type Validate<Output> = (value: unknown, raw: RawSseEvent) => DecodeResult<Output>;

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
  const validate = validator(options, context);
  return (data, raw) => {
    let value: unknown = data;
    if (deserialize !== undefined) {
      try {
        value = deserialize(data);
      } catch (cause) {
        return fail(new ParseError(raw, cause, context));
      }
    }
    return validate(value, raw);
  };
}

function validator<Output>(
  options: EventDecoderOptions<Output>,
  context: { route: string | undefined },
): Validate<Output> {
  const { schema, check } = options;
  if (schema) {
    const standard: Validate<Output> = (value, raw) => {
      const result = schema['~standard'].validate(value);
      if (result instanceof Promise) {
        result.catch(() => {});
        const issue = { message: 'the schema validates asynchronously; event schemas must be synchronous' };
        return fail(new EventValidationError(raw, [issue], context));
      }
      const checked = result as { value?: Output; issues?: readonly ValidationIssue[] };
      if (checked.issues) return fail(new EventValidationError(raw, checked.issues, context));
      return ok(checked.value as Output);
    };
    const run = zodRun(schema);
    if (run === undefined) return standard;
    // zod 4: its own parse entry, without the Standard Schema wrapper's per-call context, try/catch and result
    // object. Only a clean synchronous success is taken from it; anything else (issues, an async schema, a throw) is
    // decided by the Standard Schema path above, which builds the finalized issues (so a failing event's refinements
    // run twice, a valid one's once).
    return (value, raw) => {
      let payload: ZodPayload | Promise<unknown>;
      try {
        payload = run({ value, issues: [] }, { async: false });
      } catch {
        return standard(value, raw);
      }
      if (payload instanceof Promise) {
        payload.catch(() => {});
        return standard(value, raw);
      }
      return payload.issues.length === 0 ? ok(payload.value as Output) : standard(value, raw);
    };
  }
  if (check) {
    return (value, raw) => {
      const issue = check(value);
      return issue === undefined ? ok(value as Output) : fail(new EventValidationError(raw, [issue], context));
    };
  }
  return (value) => ok(value as Output);
}

interface ZodPayload {
  value: unknown;
  issues: readonly unknown[];
}

type ZodRun = (
  payload: { value: unknown; issues: unknown[] },
  context: { async: false },
) => ZodPayload | Promise<unknown>;

/**
 * The parse entry of a zod 4 schema (`schema._zod.run`, what zod's own `safeParse` calls; compiled by `zod/compile`
 * when the app imports it), or `undefined` for any other Standard Schema, which is then validated through
 * `~standard.validate` alone.
 */
function zodRun(schema: StandardSchemaLike<unknown>): ZodRun | undefined {
  const standard = schema['~standard'] as { vendor?: unknown };
  if (standard.vendor !== 'zod') return undefined;
  const internals = (schema as { _zod?: { run?: unknown } })._zod;
  if (typeof internals !== 'object' || internals === null || typeof internals.run !== 'function') return undefined;
  // read on every call: `zod/compile` swaps `_zod.run` for its compiled fast path on the first parse
  return (payload, context) => (internals.run as ZodRun)(payload, context);
}
