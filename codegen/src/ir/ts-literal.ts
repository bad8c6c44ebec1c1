/**
 * A single-quoted JavaScript/TypeScript string literal (the repo's style), escaped like `JSON.stringify`.
 *
 * @example
 * ```ts
 * quote("it's"); // "'it\\'s'"
 * ```
 */
export function quote(value: string): string {
  return `'${JSON.stringify(value).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

/**
 * A JSON primitive as a TypeScript literal: strings single-quoted, everything else as JSON writes it.
 *
 * @example
 * ```ts
 * tsLiteral('a'); // "'a'"
 * tsLiteral(1);   // '1'
 * ```
 */
export function tsLiteral(value: unknown): string {
  return typeof value === 'string' ? quote(value) : JSON.stringify(value);
}
