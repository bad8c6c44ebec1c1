import { type ContractSchema, isZodSchema, type SchemaIssue, validateStandard } from '@ssekit/contract';
import { safeParse } from 'zod/v4/core';

/** A validation outcome; `cause` is the validator's own error object, when it has one (a `ZodError`). */
export type Validated =
  | { readonly success: true; readonly data: unknown }
  | { readonly success: false; readonly issues: readonly SchemaIssue[]; readonly cause?: unknown };

/**
 * Validates a value with a contract schema: zod through its own `safeParse` (the fast path, transforms apply),
 * any other Standard Schema through `~standard.validate`. A Promise when the validator is asynchronous.
 */
export function validateSchema(schema: ContractSchema, value: unknown): Validated | Promise<Validated> {
  if (isZodSchema(schema)) {
    const parsed = safeParse(schema, value);
    // zod's own success result already has this shape: no second object per event on the hot path.
    return parsed.success ? parsed : { success: false, issues: parsed.error.issues, cause: parsed.error };
  }
  return validateStandard(schema, value);
}
