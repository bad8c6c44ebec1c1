import CodeBlockWriter from 'code-block-writer';

/** Lines wider than this are broken over several lines (the repo's Biome line width). */
export const LINE_WIDTH = 120;

/**
 * A `CodeBlockWriter` (the one ts-morph re-exports) with the generated client's settings: two-space indent, single quotes, LF.
 *
 * @example
 * ```ts
 * const writer = codeWriter();
 * writer.write('const a = ').inlineBlock(() => writer.writeLine('b: 1,')).write(';');
 * ```
 */
export function codeWriter(): CodeBlockWriter {
  return new CodeBlockWriter({ indentNumberOfSpaces: 2, useSingleQuote: true, newLine: '\n' });
}

/** Writes a JSDoc block (one line when it fits), or nothing when every line is empty. */
export function writeDoc(writer: CodeBlockWriter, lines: readonly (string | undefined)[]): void {
  const text = lines
    .filter((line): line is string => line !== undefined && line.trim() !== '')
    .flatMap((line) => line.replaceAll('*/', '*\\/').split('\n'));
  if (text.length === 0) return;
  if (text.length === 1) {
    writer.writeLine(`/** ${text[0]} */`);
    return;
  }
  writer.writeLine('/**');
  for (const line of text) writer.writeLine(` * ${line}`.trimEnd());
  writer.writeLine(' */');
}

/**
 * Writes `head{ a, b }tail` on one line when it fits, otherwise one entry per line with trailing commas — e.g. an
 * import list or a call's options object.
 */
export function writeList(writer: CodeBlockWriter, head: string, entries: readonly string[], tail: string): void {
  const oneLine = `${head}{ ${entries.join(', ')} }${tail}`;
  if (writer.getIndentationLevel() * 2 + oneLine.length <= LINE_WIDTH) {
    writer.write(oneLine);
    return;
  }
  writer.write(`${head}{`).newLine();
  writer.indent(() => {
    for (const entry of entries) writer.writeLine(`${entry},`);
  });
  writer.write(`}${tail}`);
}
