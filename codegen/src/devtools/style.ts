const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
} as const;

/** A text style the CLI uses. */
export type Style = keyof typeof CODES;

/**
 * A function that wraps text in ANSI styles when `color` is on, and returns it unchanged otherwise.
 *
 * @example
 * ```ts
 * const paint = painter(process.stdout.isTTY && !process.env.NO_COLOR);
 * console.log(paint('red', 'failed'));
 * ```
 */
export function painter(color: boolean): (style: Style, text: string) => string {
  if (!color) return (_style, text) => text;
  return (style, text) => {
    const [open, close] = CODES[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };
}

/**
 * Whether to colour output written to `stream`: a TTY, and `NO_COLOR` unset or empty (no-color.org).
 *
 * @example
 * ```ts
 * const color = shouldColor(process.stdout, process.env);
 * ```
 */
export function shouldColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}
