import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { CodegenError } from '../../errors.js';

type Ts = typeof import('ts-morph').ts;

/**
 * The TypeScript formatter over a written client (it indents the emitted validators' blocks and normalizes spacing),
 * as the source of a function `(ts, text) => string`: the same text runs on this thread ({@link formatClientSync}) and
 * in the formatter worker ({@link formatClient}). A language service over one in-memory file, asked only for
 * formatting edits (syntax only: no program, one parse); the settings and the way edits are applied (by position,
 * ties in the order given; a final newline; LF) are those ts-morph's `getFormattedDocumentText` filled in before, so
 * the output is byte for byte what it was (tests/output-golden.test.ts).
 */
const FORMAT_SOURCE = `
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
  newLineCharacter: '\\n',
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
  ensureNewLineAtEndOfFile: true,
});
service.dispose();
const sorted = edits.map((edit, index) => ({ edit, index }));
sorted.sort((a, b) => a.edit.span.start - b.edit.span.start || a.index - b.index);
const parts = [];
let start = 0;
for (const { edit } of sorted) {
  parts.push(text.slice(start, edit.span.start), edit.newText);
  start = edit.span.start + edit.span.length;
}
parts.push(text.slice(start));
let formatted = parts.join('');
if (!formatted.endsWith('\\n')) formatted += '\\n';
return formatted.replace(/\\r?\\n/g, '\\n');
`;

/** The worker: loads ts-morph's TypeScript once, then formats each text it is sent. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { ts } = require(workerData.tsMorph);
const format = new Function('ts', 'text', workerData.format);
parentPort.on('message', ({ id, text }) => {
  try {
    parentPort.postMessage({ id, text: format(ts, text) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.stack || error) });
  }
});
`;

const require = createRequire(import.meta.url);
let formatHere: ((ts: Ts, text: string) => string) | undefined;

/**
 * Formats a written client on this thread, loading ts-morph's TypeScript (about 9 MB of JavaScript) on first use.
 *
 * @example
 * ```ts
 * formatClientSync('export const a = {b: 1}\n'); // 'export const a = { b: 1 };\n'
 * ```
 */
export function formatClientSync(text: string): string {
  formatHere ??= new Function('ts', 'text', FORMAT_SOURCE) as (ts: Ts, text: string) => string;
  return formatHere((require('ts-morph') as typeof import('ts-morph')).ts, text);
}

interface Pending {
  resolve(text: string): void;
  reject(error: Error): void;
}

/** The formatter worker of this process, started by {@link prepareClientFormatter}; kept (unref'd) for later runs. */
class FormatterWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #broken: Error | undefined;

  constructor(onBroken: () => void) {
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { tsMorph: require.resolve('ts-morph'), format: FORMAT_SOURCE },
    });
    this.#worker.unref();
    const fail = (error: Error) => {
      this.#broken ??= error;
      onBroken();
      for (const waiter of this.#pending.values()) waiter.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('message', (reply: { id: number; text?: string; error?: string }) => {
      const waiter = this.#pending.get(reply.id);
      if (!waiter) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) this.#worker.unref();
      if (reply.text !== undefined) waiter.resolve(reply.text);
      else waiter.reject(new CodegenError(`formatting the client failed: ${reply.error ?? 'no reason given'}`));
    });
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new CodegenError(`the client's formatter worker exited with code ${code}`)));
  }

  format(text: string): Promise<string> {
    if (this.#broken) return Promise.reject(this.#broken);
    const id = this.#nextId++;
    // Referenced while a text is out, so the process waits for its answer.
    this.#worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, text });
    });
  }
}

let worker: FormatterWorker | undefined;

/**
 * Starts the formatter worker when none runs, so TypeScript loads on another thread while the contracts are imported
 * and the other emitters run. The worker is kept for later runs (watch mode, repeated `generate()` calls) and never
 * keeps the process alive when idle.
 *
 * @example
 * ```ts
 * prepareClientFormatter();
 * const text = await formatClient(unformatted);
 * ```
 */
export function prepareClientFormatter(): void {
  if (worker) return;
  try {
    const started: FormatterWorker = new FormatterWorker(() => {
      if (worker === started) worker = undefined;
    });
    worker = started;
  } catch {
    worker = undefined; // no worker threads here: formatClient formats on this thread
  }
}

/**
 * Formats a written client in the formatter worker (started if needed); if the worker cannot run or fails, formats on
 * this thread with {@link formatClientSync}. Same output either way.
 *
 * @example
 * ```ts
 * const text = await formatClient('export const a = {b: 1}\n'); // 'export const a = { b: 1 };\n'
 * ```
 */
export async function formatClient(text: string): Promise<string> {
  prepareClientFormatter();
  if (worker) {
    try {
      return await worker.format(text);
    } catch {
      // fall through: the same formatter on this thread
    }
  }
  return formatClientSync(text);
}
