const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values alike. Contracts may hold hostile strings
 * (summaries, enum values, examples), and every one of them goes through here.
 *
 * @example
 * ```ts
 * escapeHtml('<img onerror="x">'); // '&lt;img onerror=&quot;x&quot;&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** An `id`/`href` fragment made only of safe characters, stable for a given input. */
export function anchorId(...parts: string[]): string {
  return parts.map((part) => part.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`)).join('--');
}

/** Escaped text where `code spans` (as contracts write them in descriptions) become `<code>` elements. */
export function escapeProse(text: string): string {
  return escapeHtml(text).replace(/`([^`\n]+)`/g, '<code>$1</code>');
}
