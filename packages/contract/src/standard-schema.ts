// The Standard Schema v1 interface (https://standardschema.dev), declared here as its authors recommend, so the
// contract depends on no schema library beyond zod's core. zod 4, valibot 1 and arktype 2 implement it.

/**
 * A Standard Schema v1 validator: what every schema slot of a contract accepts (zod, valibot, arktype, …).
 *
 * @example
 * ```ts
 * import * as v from 'valibot';
 * const schema: StandardSchemaV1<unknown, { id: string }> = v.object({ id: v.string() });
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaV1.Props<Input, Output>;
}

export declare namespace StandardSchemaV1 {
  /** The `~standard` properties. */
  interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    readonly types?: Types<Input, Output> | undefined;
    /** Standard JSON Schema (optional): the validator's own JSON Schema of its input and output. */
    readonly jsonSchema?: JsonSchemaConverter | undefined;
  }
  /** What `validate` returns. */
  type Result<Output> = SuccessResult<Output> | FailureResult;
  interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  interface PathSegment {
    readonly key: PropertyKey;
  }
  interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
  /** The Standard JSON Schema converter of a validator that offers one. */
  interface JsonSchemaConverter {
    readonly input: (options: { readonly target: string }) => Record<string, unknown>;
    readonly output: (options: { readonly target: string }) => Record<string, unknown>;
  }
  /** The input type of a Standard Schema. */
  type InferInput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['input'];
  /** The output type of a Standard Schema. */
  type InferOutput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['output'];
}

/**
 * True for a Standard Schema v1 validator: an object (or function, as arktype's types are) whose `~standard` has
 * `version: 1` and a `validate` function.
 *
 * @example
 * ```ts
 * isStandardSchema(z.string()); // true
 * isStandardSchema({});         // false
 * ```
 */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as { '~standard'?: unknown })['~standard'];
  if (typeof props !== 'object' || props === null) return false;
  const { version, validate } = props as { version?: unknown; validate?: unknown };
  return version === 1 && typeof validate === 'function';
}

/** One validation problem with its path as a list of keys. */
export interface SchemaIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** What {@link validateStandard} returns. */
export type SchemaResult<Output = unknown> =
  | { readonly success: true; readonly data: Output }
  | { readonly success: false; readonly issues: readonly SchemaIssue[] };

function toResult(result: StandardSchemaV1.Result<unknown>): SchemaResult {
  if (!result.issues) return { success: true, data: result.value };
  return {
    success: false,
    issues: result.issues.map((issue) => ({
      message: issue.message,
      path: (issue.path ?? []).map((segment) =>
        typeof segment === 'object' && segment !== null ? (segment as StandardSchemaV1.PathSegment).key : segment,
      ),
    })),
  };
}

/**
 * Validates through `~standard.validate`: the result as it comes, synchronous or a Promise (an async validator),
 * with issue paths flattened to keys.
 *
 * @example
 * ```ts
 * const result = validateStandard(v.string(), 1); // { success: false, issues: [{ path: [], message: '…' }] }
 * ```
 */
export function validateStandard(schema: StandardSchemaV1, value: unknown): SchemaResult | Promise<SchemaResult> {
  const result = schema['~standard'].validate(value);
  return result instanceof Promise ? result.then(toResult) : toResult(result);
}
