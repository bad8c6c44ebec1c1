import { InvalidArgumentError } from '@ssekit/contract';

/**
 * Parses a CLI duration: `250ms`, `5s`, `2m`, or a bare number of seconds. Returns milliseconds.
 *
 * @example
 * ```ts
 * parseDuration('1.5s', '--timeout'); // 1500
 * ```
 */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`${flag} must be a duration such as 500ms, 10s or 2m, got "${text}"`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000);
}

/**
 * Parses a positive integer flag value.
 *
 * @example
 * ```ts
 * parseCount('10', '--max-events'); // 10
 * ```
 */
export function parseCount(text: string, flag: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${flag} must be a positive integer, got "${text}"`);
  }
  return value;
}

/**
 * Parses `-H 'Name: value'` flags into a header record (names in lower case; a repeated name is joined with `, `).
 *
 * @example
 * ```ts
 * parseHeaders(['Authorization: Bearer abc']); // { authorization: 'Bearer abc' }
 * ```
 */
export function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) {
      throw new InvalidArgumentError(`-H must look like 'Name: value', got "${line}"`);
    }
    const value = line.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value)) throw new InvalidArgumentError(`header "${name}" holds CR, LF or NUL`);
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}
