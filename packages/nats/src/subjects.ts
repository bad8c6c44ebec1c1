import { InvalidArgumentError } from '@ssekit/contract';

const KEPT = /^[A-Za-z0-9_-]$/;

/** Longest subject token we produce; NATS rejects protocol lines over its max control line (4 KiB by default). */
export const MAX_SUBJECT_TOKEN_LENGTH = 3000;

/**
 * Encodes a topic as one NATS subject token: ASCII letters, digits, `_` and `-` are kept, every other character is
 * written as the `%XX` escapes of its UTF-8 bytes (so `.`, `*`, `>` and whitespace never reach the subject). Reversible
 * with {@link decodeTopicToken} and collision-free: `%` is always escaped, so two topics never share a token.
 *
 * @example
 * ```ts
 * encodeTopicToken('chat/room 1'); // 'chat%2Froom%201'
 * ```
 */
export function encodeTopicToken(topic: string): string {
  if (topic === '') throw new InvalidArgumentError('@ssekit/nats: a topic must be a non-empty string');
  const encoder = new TextEncoder();
  let out = '';
  for (const char of topic) {
    if (KEPT.test(char)) {
      out += char;
      continue;
    }
    const code = char.codePointAt(0) as number;
    if (code >= 0xd800 && code <= 0xdfff) {
      throw new InvalidArgumentError('@ssekit/nats: a topic must be well-formed Unicode (it has a lone surrogate)');
    }
    for (const byte of encoder.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out.length > MAX_SUBJECT_TOKEN_LENGTH) {
    throw new InvalidArgumentError(
      `@ssekit/nats: topic "${topic.slice(0, 64)}…" encodes to ${out.length} characters, over ${MAX_SUBJECT_TOKEN_LENGTH}`,
    );
  }
  return out;
}

/**
 * The topic of a token made by {@link encodeTopicToken}.
 *
 * @example
 * ```ts
 * decodeTopicToken('chat%2Froom%201'); // 'chat/room 1'
 * ```
 */
export function decodeTopicToken(token: string): string {
  return decodeURIComponent(token);
}
