/**
 * True when a `Content-Type` header value's media type is `text/event-stream`
 * (case-insensitive, parameters such as `charset` ignored).
 *
 * @example
 * ```ts
 * isEventStreamContentType('text/event-stream; charset=utf-8'); // true
 * isEventStreamContentType('application/json');                 // false
 * ```
 */
export function isEventStreamContentType(value: string | null): boolean {
  if (value === null) return false;
  const essence = value.split(';', 1)[0]?.trim().toLowerCase();
  return essence === 'text/event-stream';
}
