import { stringify } from 'yaml';

/** The options every YAML document ssekit writes uses: no line folding, no anchors for repeated objects. */
const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/** Printable ASCII without `"` or `\\`: text that needs no escape inside double quotes. */
const SIMPLE_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;
/** The library's test for text that cannot be written plain (an indicator first, `: ` or ` #` inside, …). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** A first character with which plain text could read as null, a boolean or a number (YAML 1.2 core schema). */
const MAYBE_NOT_STRING = /^[-+.~0-9]/;
/** Words the core schema reads as null or a boolean. */
const RESERVED = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

/** What the library treats as a document marker inside a key (`---`, `...` or `%` starting a line). */
const DOCUMENT_MARKER = /^(?:%|---|\.\.\.)/m;

/** A value {@link toYaml} hands back to the `yaml` library as a whole: a shape the fast writer does not claim to know. */
class NotPlainJson extends Error {}

/**
 * Writes a JSON value (objects, arrays, strings, finite numbers, booleans, null; `undefined` members are left out, as
 * in JSON) as the YAML text `yaml`'s `stringify(value, { lineWidth: 0, aliasDuplicateObjects: false })` writes, byte
 * for byte, in a fraction of its time: block maps and sequences indented by two, and each scalar as the library would
 * write it in that place (plain words directly; any other string or number is asked of the library once, as a map
 * value, and remembered). A value it does not know (a class instance, a non-finite number, a key the library would
 * write in explicit `? ` form) makes it hand the whole value to the library, so the text is the same either way.
 *
 * @example
 * ```ts
 * toYaml({ asyncapi: '3.0.0', channels: {} }); // 'asyncapi: 3.0.0\nchannels: {}\n'
 * ```
 */
export function toYaml(value: unknown): string {
  try {
    const lines: string[] = [];
    new YamlWriter(lines).document(value);
    return `${lines.join('\n')}\n`;
  } catch (error) {
    if (!(error instanceof NotPlainJson)) throw error;
    return stringify(value, YAML_OPTIONS);
  }
}

class YamlWriter {
  readonly #lines: string[];
  readonly #scalars = new Map<string | number, string>();
  readonly #keys = new Map<string, string>();

  constructor(lines: string[]) {
    this.#lines = lines;
  }

  document(value: unknown): void {
    if (isCollection(value)) {
      if (isEmpty(value)) this.#lines.push(Array.isArray(value) ? '[]' : '{}');
      else this.#block(value, '', '');
      return;
    }
    // A scalar document has rules of its own (document markers, block scalars at the top): the library writes it.
    throw new NotPlainJson();
  }

  /**
   * Writes a non-empty map or sequence whose first line starts with `first` (a `- ` or nothing) and whose other lines
   * start with `indent`.
   */
  #block(value: object, first: string, indent: string): void {
    let lead = first;
    if (Array.isArray(value)) {
      for (const item of value) {
        if (item === undefined) throw new NotPlainJson();
        this.#entry(`${lead}-`, item, `${indent}  `, true);
        lead = indent;
      }
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      this.#entry(`${lead}${this.#key(key)}:`, item, `${indent}  `, false);
      lead = indent;
    }
  }

  /** One `key:` or `-` line (`head`) and its value; `inner` is the indent of what nests under it. */
  #entry(head: string, value: unknown, inner: string, inSequence: boolean): void {
    if (isCollection(value)) {
      if (isEmpty(value)) {
        this.#lines.push(`${head} ${Array.isArray(value) ? '[]' : '{}'}`);
      } else if (inSequence) {
        // A sequence's map or sequence item starts on the dash's line.
        this.#block(value, `${head} `, inner);
      } else {
        this.#lines.push(head);
        // A map's nested sequence is indented under its key, like a nested map.
        this.#block(value, inner, inner);
      }
      return;
    }
    const scalar = this.#scalar(value);
    const newline = scalar.indexOf('\n');
    if (newline === -1) {
      this.#lines.push(`${head} ${scalar}`);
      return;
    }
    // A block scalar: its header on this line, its content lines indented one step under the key or dash's indent.
    const contentIndent = inner.slice(2);
    this.#lines.push(`${head} ${scalar.slice(0, newline)}`);
    for (const line of scalar.slice(newline + 1).split('\n')) this.#lines.push(line === '' ? '' : contentIndent + line);
  }

  #scalar(value: unknown): string {
    if (value === null) return 'null';
    if (value === true) return 'true';
    if (value === false) return 'false';
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new NotPlainJson();
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
    } else if (typeof value !== 'string') {
      throw new NotPlainJson();
    }
    let written = this.#scalars.get(value);
    if (written === undefined) {
      written = (typeof value === 'string' ? simpleString(value) : undefined) ?? this.#askLibrary(value);
      this.#scalars.set(value, written);
    }
    return written;
  }

  /** How the library writes a scalar as the value of a one-key map: the place every scalar here has. */
  #askLibrary(value: string | number): string {
    const text = stringify({ a: value }, YAML_OPTIONS);
    if (!text.startsWith('a: ') || !text.endsWith('\n')) throw new NotPlainJson();
    return text.slice(3, -1);
  }

  #key(key: string): string {
    let written = this.#keys.get(key);
    if (written === undefined) {
      // Past 1,024 characters the library writes even a plain key in the explicit `? ` form.
      written = (key.length <= 1000 ? simpleString(key) : undefined) ?? askLibraryForKey(key);
      this.#keys.set(key, written);
    }
    return written;
  }
}

/**
 * How the library writes printable ASCII text (as a key or a value, in a block): double-quoted where plain text is not
 * allowed, else plain; `undefined` where the answer takes more of its rules (escapes, document markers, text that
 * could read as a number), which are then asked of the library itself.
 */
function simpleString(text: string): string | undefined {
  if (!SIMPLE_TEXT.test(text)) return undefined;
  // No `"` inside, so the library picks double quotes, and nothing in the text needs escaping.
  if (NOT_PLAIN.test(text)) return `"${text}"`;
  if (MAYBE_NOT_STRING.test(text) || RESERVED.has(text) || DOCUMENT_MARKER.test(text)) return undefined;
  return text;
}

/** How the library writes a key it must quote; a key it writes in the explicit `? ` form goes the slow way. */
function askLibraryForKey(key: string): string {
  // A key starting a line with a document marker is quoted at the top level only: the library decides by depth.
  if (DOCUMENT_MARKER.test(key)) throw new NotPlainJson();
  const text = stringify({ [key]: null }, YAML_OPTIONS);
  if (text.startsWith('? ') || !text.endsWith(': null\n') || text.indexOf('\n') !== text.length - 1) {
    throw new NotPlainJson();
  }
  return text.slice(0, -': null\n'.length);
}

function isCollection(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw new NotPlainJson();
  return true;
}

function isEmpty(value: object): boolean {
  if (Array.isArray(value)) return value.length === 0;
  for (const key in value) if ((value as Record<string, unknown>)[key] !== undefined) return false;
  return true;
}
