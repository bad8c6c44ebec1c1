/**
 * True for a plain JSON object (not `null`, not an array): what JSON Schema nodes, `properties` and examples are when
 * the emitters walk them.
 *
 * @example
 * ```ts
 * isObject({ type: 'string' }); // true
 * isObject([1]); // false
 * ```
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
