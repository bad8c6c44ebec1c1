import { connectEventStream, type RawSseEvent } from '@ssekit/client';
import { createEventChecker, type EventVerdict } from './event-checker.js';
import type { LoadedRoute } from './load-routes.js';
import { painter } from './style.js';

/** Options of {@link tail}. */
export interface TailOptions {
  readonly url: string;
  /** Default `GET`. */
  readonly method?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Request body (JSON text), sent with `content-type: application/json` unless a header sets another. */
  readonly body?: string | undefined;
  /** Sent as `Last-Event-ID` on the first request. */
  readonly lastEventId?: string | undefined;
  /** Validate every event against this contract route. */
  readonly route?: LoadedRoute | undefined;
  /** One JSON object per event on `out` instead of a readable line. */
  readonly json?: boolean | undefined;
  /** ANSI colours in readable lines. */
  readonly color?: boolean | undefined;
  /** Stop after this many events. */
  readonly maxEvents?: number | undefined;
  /** Stop after this long (ms). */
  readonly timeoutMs?: number | undefined;
  /** Base of the reconnect backoff (ms); a server's `retry:` replaces it. Default 1000. */
  readonly retryDelayMs?: number | undefined;
  /** Resolves to stop (Ctrl-C). */
  readonly stop?: Promise<void> | undefined;
  /** Events (stdout). */
  out(line: string): void;
  /** Status, errors and the summary (stderr). */
  err(line: string): void;
}

/** Why {@link tail} stopped. */
export type TailEnd = 'stopped' | 'max-events' | 'timeout' | 'no-content' | 'error';

/** What {@link tail} saw, printed as its summary. */
export interface TailSummary {
  readonly events: number;
  /** Events that broke the contract: undeclared names, data that fails its schema. */
  readonly violations: number;
  readonly reconnects: number;
  readonly endedBy: TailEnd;
  /** The error that ended the stream, when `endedBy` is `error`. */
  readonly error?: string | undefined;
}

function parsedData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The summary line of a tail run.
 *
 * @example
 * ```ts
 * formatTailSummary({ events: 3, violations: 1, reconnects: 0, endedBy: 'stopped' });
 * // '3 events, 1 validation error, 0 reconnects (stopped)'
 * ```
 */
export function formatTailSummary(summary: TailSummary): string {
  const why = summary.endedBy === 'error' ? `error: ${summary.error ?? 'unknown'}` : summary.endedBy;
  return `${plural(summary.events, 'event')}, ${plural(summary.violations, 'validation error')}, ${plural(summary.reconnects, 'reconnect')} (${why})`;
}

/**
 * `ssekit tail`: connects like a generated client (the `@ssekit/client` runtime: reconnects with backoff and
 * `Last-Event-ID`), prints each event, validates it against a contract route when one is given, and resolves with a
 * summary once stopped (`stop`, `maxEvents`, `timeoutMs`, a 204 or a terminal error).
 *
 * @example
 * ```ts
 * const summary = await tail({ url: 'http://localhost:8080/events', maxEvents: 5, out: console.log, err: console.error });
 * ```
 */
export async function tail(options: TailOptions): Promise<TailSummary> {
  const paint = painter(options.color === true && options.json !== true);
  const check = options.route ? createEventChecker(options.route.key, options.route.route) : undefined;
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  let events = 0;
  let violations = 0;
  let reconnects = 0;
  let endedBy: TailEnd | undefined;
  let error: string | undefined;
  const controller = new AbortController();
  const stop = (why: TailEnd) => {
    endedBy ??= why;
    controller.abort();
  };

  const print = (raw: RawSseEvent) => {
    const verdict: EventVerdict | undefined = check?.(raw);
    events++;
    if (verdict && !verdict.ok) violations++;
    const time = new Date().toISOString();
    if (options.json) {
      const line: Record<string, unknown> = { time, id: raw.id ?? null, event: raw.event, data: parsedData(raw.data) };
      if (verdict) {
        line.valid = verdict.ok;
        if (!verdict.ok) line.violation = { problem: verdict.problem, message: verdict.message };
      }
      options.out(JSON.stringify(line));
    } else {
      const data = parsedData(raw.data);
      const shown = typeof data === 'string' ? data : JSON.stringify(data);
      const name = verdict && !verdict.ok ? paint('red', raw.event) : paint('green', raw.event);
      options.out(`${paint('dim', time)}  ${paint('cyan', `#${raw.id ?? '-'}`)}  ${paint('bold', name)}  ${shown}`);
      if (verdict && !verdict.ok) options.out(paint('red', `  ✗ ${verdict.problem}: ${verdict.message}`));
    }
    if (options.maxEvents !== undefined && events >= options.maxEvents) stop('max-events');
  };

  const connection = connectEventStream({
    url: options.url,
    method,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.lastEventId === undefined ? {} : { lastEventId: options.lastEventId }),
    signal: controller.signal,
    reconnect: { initialDelayMs: options.retryDelayMs ?? 1000 },
    onOpen: (response) => {
      const route = options.route ? ` (route ${options.route.key})` : '';
      options.err(paint('dim', `connected: ${response.status} ${method} ${options.url}${route}`));
    },
    onEvent: print,
    onError: (e) => options.err(paint('yellow', `${e.code}: ${e.message}`)),
    onRetry: (info) => {
      reconnects++;
      options.err(paint('dim', `reconnecting in ${info.delayMs} ms (attempt ${info.attempt})`));
    },
    onClose: (info) => {
      if (info.reason === 'no-content') endedBy ??= 'no-content';
      else if (info.reason !== 'aborted') {
        endedBy ??= 'error';
        error = info.error ? `${info.error.code}: ${info.error.message}` : info.reason;
      }
    },
  });
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), options.timeoutMs);
  void options.stop?.then(() => stop('stopped'));
  await connection.done;
  if (timer) clearTimeout(timer);
  return { events, violations, reconnects, endedBy: endedBy ?? 'stopped', ...(error === undefined ? {} : { error }) };
}
