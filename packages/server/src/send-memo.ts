import type { $ZodType } from 'zod/v4/core';
import type { ZodDefinition } from './fast-json.js';

/**
 * Serialize once, send to many: when the same value is sent to many sessions (a loop over the streams of a route), the
 * schema check and the JSON text of the first send are reused by the next ones — but only after proving that the value
 * still holds exactly what was checked and serialized. Never by identity: a value mutated between two sends differs
 * from the private copy kept here, and is checked and serialized again.
 *
 * It applies only where the result depends on the value alone: plain zod data schemas (objects in strip mode, arrays,
 * strings, numbers, booleans, null, enums, literals, nullable and optional) whose checks are built-in and pure
 * (bounds, formats, lengths), with the default JSON serializer. Anything that runs user code or may change the value —
 * transforms, pipes, refinements, `overwrite` (trim, case), defaults, coercion, catch — has no memo, so every send of
 * it validates and serializes as before.
 */

/** A value that does not have the schema's shape: the send takes the ordinary path (and fails validation there). */
export const MISMATCH: unique symbol = Symbol('ssekit.mismatch');

/** Copies a value over the schema's shape (only what validation and the JSON text read), or {@link MISMATCH}. */
type Copy = (value: unknown) => unknown;
/** True when `value` holds exactly what `copy` holds, over the schema's shape. */
type Same = (value: unknown, copy: unknown) => boolean;

interface Compiled {
  copy: Copy;
  same: Same;
}

type Def = ZodDefinition & {
  coerce?: boolean;
  checks?: readonly { _zod: { def: { check: string } } }[];
};

/** Checks that read the value and nothing else, and never change it. */
const PURE_CHECKS = new Set([
  'less_than',
  'greater_than',
  'multiple_of',
  'number_format',
  'max_length',
  'min_length',
  'length_equals',
  'string_format',
]);

const isPrimitive = (value: unknown): boolean =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

function ofType(type: 'string' | 'number' | 'boolean'): Compiled {
  return {
    copy: (value) => (typeof value === type ? value : MISMATCH),
    same: (value, copy) => Object.is(value, copy),
  };
}

const NULL: Compiled = { copy: (value) => (value === null ? null : MISMATCH), same: (value) => value === null };
// Enum members and literals: primitives (zod rejects anything else); an equal primitive passes or fails alike.
const PRIMITIVE: Compiled = {
  copy: (value) => (isPrimitive(value) ? value : MISMATCH),
  same: (value, copy) => Object.is(value, copy),
};

function compile(schema: $ZodType, depth: number): Compiled | undefined {
  if (depth > 16) return undefined;
  const def = schema._zod.def as Def;
  if (def.coerce === true) return undefined;
  if (def.checks?.some((check) => !PURE_CHECKS.has(check._zod.def.check))) return undefined;
  switch (def.type) {
    case 'string':
    case 'number':
    case 'boolean':
      return ofType(def.type);
    case 'null':
      return NULL;
    case 'enum':
    case 'literal':
      return PRIMITIVE;
    case 'nullable': {
      const inner = def.innerType && compile(def.innerType, depth + 1);
      return (
        inner && {
          copy: (value) => (value === null ? null : inner.copy(value)),
          same: (value, copy) => (value === null ? copy === null : copy !== null && inner.same(value, copy)),
        }
      );
    }
    case 'optional': {
      const inner = def.innerType && compile(def.innerType, depth + 1);
      return (
        inner && {
          copy: (value) => (value === undefined ? undefined : inner.copy(value)),
          same: (value, copy) =>
            value === undefined ? copy === undefined : copy !== undefined && inner.same(value, copy),
        }
      );
    }
    case 'array': {
      const element = def.element && compile(def.element, depth + 1);
      return element && compileArray(element);
    }
    case 'object':
      return compileObject(def, depth);
    default:
      return undefined;
  }
}

function compileArray(element: Compiled): Compiled {
  return {
    copy: (value) => {
      if (!Array.isArray(value)) return MISMATCH;
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) {
        const item = element.copy(value[i]);
        if (item === MISMATCH) return MISMATCH;
        out[i] = item;
      }
      return out;
    },
    same: (value, copy) => {
      const items = copy as unknown[];
      if (!Array.isArray(value) || value.length !== items.length) return false;
      for (let i = 0; i < items.length; i++) if (!element.same(value[i], items[i])) return false;
      return true;
    },
  };
}

function compileObject(def: Def, depth: number): Compiled | undefined {
  // Strip mode only: extra keys are ignored, so only the shape's keys matter (strict and loose objects read them all).
  if (def.catchall !== undefined) return undefined;
  const fields: { key: string; field: Compiled }[] = [];
  for (const [key, schema] of Object.entries(def.shape ?? {})) {
    const field = compile(schema, depth + 1);
    if (!field) return undefined;
    fields.push({ key, field });
  }
  const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  return {
    copy: (value) => {
      if (!isRecord(value)) return MISMATCH;
      const out: Record<string, unknown> = {};
      for (const { key, field } of fields) {
        const v = value[key];
        // An optional key left out stays left out (`exactOptional` tells the two apart).
        if (v === undefined && !(key in value)) continue;
        const item = field.copy(v);
        if (item === MISMATCH) return MISMATCH;
        out[key] = item;
      }
      return out;
    },
    same: (value, copy) => {
      if (!isRecord(value)) return false;
      const held = copy as Record<string, unknown>;
      for (const { key, field } of fields) {
        const v = value[key];
        if (v === undefined) {
          if (held[key] !== undefined || key in value !== key in held) return false;
        } else if (!field.same(v, held[key])) {
          return false;
        }
      }
      return true;
    },
  };
}

/** The last value sent of one event, and what it became. */
export interface MemoEntry<T> {
  /** A private copy of the value, over the schema's shape: nobody else holds it, so nobody can mutate it. */
  readonly copy: unknown;
  readonly result: T;
}

/** Values longer than this (in JSON characters) are not kept: the memo never pins a large payload in memory. */
export const MEMO_MAX_CHARS = 16 * 1024;

/**
 * The memo of one event: the last value sent, copied, with its result. {@link SendMemo.lookup} returns the result only
 * when the value sent now equals that copy field by field; {@link SendMemo.prepare} makes the copy a send must then
 * validate and serialize (so what is kept is exactly what was checked, even if a getter or another caller changes the
 * original), and {@link SendMemo.keep} stores the outcome.
 *
 * @example
 * ```ts
 * const memo = createSendMemo(z.object({ n: z.number() }))!;
 * memo.lookup({ n: 1 });                 // undefined: nothing kept yet
 * const copy = memo.prepare({ n: 1 });  // validate and serialize this copy (not MISMATCH here), then:
 * memo.keep(copy, '{"n":1}', 7);
 * memo.lookup({ n: 1 });                 // '{"n":1}'
 * memo.lookup({ n: 2 });                 // undefined
 * ```
 */
export class SendMemo<T = unknown> {
  readonly #compiled: Compiled;
  #last: MemoEntry<T> | undefined;

  constructor(compiled: Compiled) {
    this.#compiled = compiled;
  }

  /** The result kept for a value equal to `value`, or undefined. */
  lookup(value: unknown): T | undefined {
    const last = this.#last;
    return last !== undefined && this.#compiled.same(value, last.copy) ? last.result : undefined;
  }

  /**
   * The private copy to validate and serialize in place of `value`, or {@link MISMATCH} when `value` has not the
   * schema's shape (validate `value` itself then, and keep nothing).
   */
  prepare(value: unknown): unknown {
    return this.#compiled.copy(value);
  }

  /**
   * Keeps `result` for `copy` (from {@link SendMemo.prepare}, validated and serialized), when `chars` (its JSON
   * length) is within {@link MEMO_MAX_CHARS}; otherwise forgets what was kept.
   */
  keep(copy: unknown, result: T, chars: number): void {
    this.#last = chars <= MEMO_MAX_CHARS ? { copy, result } : undefined;
  }
}

/**
 * A {@link SendMemo} for a zod schema, or `undefined` when the schema has parts whose result may depend on more than
 * the value (see the module comment).
 *
 * @example
 * ```ts
 * createSendMemo(z.object({ n: z.number().int() })); // a SendMemo
 * createSendMemo(z.string().trim());                 // undefined: overwrite
 * ```
 */
export function createSendMemo<T>(schema: $ZodType): SendMemo<T> | undefined {
  const compiled = compile(schema, 0);
  return compiled && new SendMemo<T>(compiled);
}
