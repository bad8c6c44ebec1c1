import { ts } from 'ts-morph';

/**
 * Formats TypeScript source with the TypeScript formatter (ts-morph's TypeScript): a language service over one
 * in-memory file, asked only for formatting edits (syntax only: no program, one parse), with the settings and the way
 * of applying edits (by position, ties in the order given; a final newline; LF) of ts-morph's
 * `getFormattedDocumentText`. The codegen ran every client through it until the emitters learned to write that layout
 * themselves; the tests now hold the emitted text to it (client-layout.test.ts): formatting it must change nothing.
 *
 * @example
 * ```ts
 * formatWithTypeScript('export const a = {b: 1}\n'); // 'export const a = { b: 1 };\n'
 * ```
 */
export function formatWithTypeScript(text: string): string {
  const fileName = '/client.ts';
  const snapshot = ts.ScriptSnapshot.fromString(text);
  const service = ts.createLanguageService({
    getCompilationSettings: () => ({}),
    getScriptFileNames: () => [fileName],
    getScriptVersion: () => '0',
    getScriptSnapshot: (name) => (name === fileName ? snapshot : undefined),
    getCurrentDirectory: () => '/',
    getDefaultLibFileName: () => '/lib.d.ts',
    fileExists: (name) => name === fileName,
    readFile: (name) => (name === fileName ? text : undefined),
  });
  const edits = service.getFormattingEditsForDocument(fileName, {
    indentSize: 2,
    tabSize: 4,
    convertTabsToSpaces: true,
    newLineCharacter: '\n',
    indentStyle: ts.IndentStyle.Smart,
    semicolons: ts.SemicolonPreference.Insert,
    insertSpaceAfterCommaDelimiter: true,
    insertSpaceAfterConstructor: false,
    insertSpaceAfterSemicolonInForStatements: true,
    insertSpaceAfterKeywordsInControlFlowStatements: true,
    insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
    insertSpaceAfterOpeningAndBeforeClosingNonemptyBrackets: false,
    insertSpaceAfterOpeningAndBeforeClosingTemplateStringBraces: false,
    insertSpaceAfterOpeningAndBeforeClosingJsxExpressionBraces: false,
    insertSpaceBeforeFunctionParenthesis: false,
    insertSpaceBeforeAndAfterBinaryOperators: true,
    placeOpenBraceOnNewLineForFunctions: false,
    placeOpenBraceOnNewLineForControlBlocks: false,
  });
  service.dispose();
  const sorted = edits.map((edit, index) => ({ edit, index }));
  sorted.sort((a, b) => a.edit.span.start - b.edit.span.start || a.index - b.index);
  const parts: string[] = [];
  let start = 0;
  for (const { edit } of sorted) {
    parts.push(text.slice(start, edit.span.start), edit.newText);
    start = edit.span.start + edit.span.length;
  }
  parts.push(text.slice(start));
  let formatted = parts.join('');
  if (!formatted.endsWith('\n')) formatted += '\n';
  return formatted.replace(/\r?\n/g, '\n');
}
