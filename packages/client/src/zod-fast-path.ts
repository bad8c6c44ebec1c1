import { type EventDecoder, ok } from './decode-result.js';
import { createEventDecoder, type StandardSchemaLike } from './event-decoder.js';

/** Two FNV-1a hashes (different offset bases) of the text: 16 hex digits. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The text of a zod schema's definition tree: every def, check and value, in their own order. */
function definition(value: unknown, seen: Set<object>): string {
  if (typeof value === 'function') return 'f';
  if (value instanceof RegExp || typeof value !== 'object' || value === null) {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  }
  const def = (value as { _zod?: { def?: object } })._zod?.def ?? value;
  if (seen.has(def)) return '^';
  seen.add(def);
  const record = def as Record<string, unknown>;
  const text = Array.isArray(def)
    ? `[${def.map((item) => definition(item, seen))}]`
    : `{${Object.keys(def).map((key) => `${JSON.stringify(key)}:${definition(record[key], seen)}`)}}`;
  seen.delete(def);
  return text;
}

/**
 * A fingerprint of a zod schema's definition (16 hex digits): what a zod-mode generated client records next to each
 * compiled fast path, and compares with the live contract's schema when it loads, to notice a contract that changed
 * after `ssekit generate`.
 *
 * @example
 * ```ts
 * zodFastPathSignature(z.object({ id: z.number() })); // e.g. '6b1f0c2d9a4e7f30'
 * zodFastPathSignature(z.object({ id: z.number().int() })); // another one
 * ```
 */
export function zodFastPathSignature(schema: unknown): string {
  return hash(definition(schema, new Set()));
}

/** Options of {@link createZodFastPathDecoder}. */
export interface ZodFastPathDecoderOptions<Output> {
  /** The contract's zod schema: it checks what `parse` refuses, and every event when `signature` no longer matches. */
  schema: StandardSchemaLike<Output>;
  /** The schema's {@link zodFastPathSignature} when `parse` was generated. */
  signature: string;
  /**
   * The generated fast path: zod's output for a value zod accepts, `undefined` for any other and for one it leaves to
   * zod (a string length zod releases count differently).
   */
  parse: (value: unknown) => unknown;
  /** The route key, for error messages. */
  route?: string;
}

/**
 * The decoder a zod-mode generated client builds for a JSON event with a plain schema: `JSON.parse`, then `parse` (the
 * function `ssekit generate` compiled from the schema), which checks the value and builds zod's output in one pass.
 * zod itself runs only for data `parse` refuses or leaves to it (or that is not JSON), through {@link createEventDecoder}, so every
 * error is the one zod mode always gave. When the live schema's {@link zodFastPathSignature} differs from `signature`
 * (the contract changed and the client was not regenerated), the decoder is zod's alone.
 *
 * @example
 * ```ts
 * const Tick = z.object({ seq: z.number() });
 * const tick = createZodFastPathDecoder({
 *   schema: Tick,
 *   signature: zodFastPathSignature(Tick),
 *   parse: (v) => (typeof (v as { seq?: unknown })?.seq === 'number' ? { seq: (v as { seq: number }).seq } : undefined),
 *   route: 'ticks',
 * });
 * ```
 */
export function createZodFastPathDecoder<Output>(options: ZodFastPathDecoderOptions<Output>): EventDecoder<Output> {
  const { schema, parse } = options;
  const zod = createEventDecoder({ schema, route: options.route });
  if (zodFastPathSignature(schema) !== options.signature) return zod;
  return (data, raw) => {
    let output: unknown;
    try {
      output = parse(JSON.parse(data));
    } catch {
      // Not JSON: zod's decoder parses again and reports the ParseError.
    }
    return output === undefined ? zod(data, raw) : ok(output as Output);
  };
}
