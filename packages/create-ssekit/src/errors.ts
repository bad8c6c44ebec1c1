/**
 * What went wrong, as a stable string: `INVALID_NAME` (the folder name is not a valid npm package name),
 * `TARGET_NOT_EMPTY` (the target exists and is not an empty folder), `USAGE` (bad or missing arguments).
 */
export type CreateSsekitErrorCode = 'INVALID_NAME' | 'TARGET_NOT_EMPTY' | 'USAGE';

/**
 * The one error `create-ssekit` throws on purpose; anything else is a bug or an I/O failure. The CLI prints its
 * message and exits with 2 for `USAGE`, 1 for the others.
 *
 * @example
 * ```ts
 * try {
 *   await scaffold({ dir: 'My App' });
 * } catch (error) {
 *   if (error instanceof CreateSsekitError && error.code === 'INVALID_NAME') console.error(error.message);
 * }
 * ```
 */
export class CreateSsekitError extends Error {
  override readonly name = 'CreateSsekitError';
  /** What went wrong; see {@link CreateSsekitErrorCode}. */
  readonly code: CreateSsekitErrorCode;

  constructor(code: CreateSsekitErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
