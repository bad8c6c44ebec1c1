import type { Deserializer, Serializer } from './contract.js';

/**
 * The default serializer: text events verbatim, everything else `JSON.stringify`.
 *
 * @example
 * ```ts
 * defaultSerialize({ id: 1 }, info); // '{"id":1}'
 * ```
 */
export const defaultSerialize: Serializer = (value, info) =>
  info.encoding === 'text' && typeof value === 'string' ? value : (JSON.stringify(value) as string);

/**
 * The default deserializer, inverse of {@link defaultSerialize}.
 *
 * @example
 * ```ts
 * defaultDeserialize('{"id":1}', info); // { id: 1 }
 * ```
 */
export const defaultDeserialize: Deserializer = (text, info) => (info.encoding === 'text' ? text : JSON.parse(text));
