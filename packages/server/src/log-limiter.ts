import { InvalidArgumentError, isSsekitError, logError } from '@ssekit/contract';

/** Options of {@link rateLimitedLog}: the `logRateLimit` option of routers and hubs. */
export interface LogRateLimitOptions {
  /**
   * Each cause (error code and where it happened; for errors a client cannot trigger at will, also the message) is
   * logged in full once per interval; repeats are counted and summed up in one line at the end of it. Default 60 000.
   */
  intervalMs?: number;
  /** Where full entries go. Default `logError` (`console.warn`). */
  log?: (error: unknown, where?: string) => void;
  /** Where the summary lines go. Default `console.warn`. */
  warn?: (line: string) => void;
}

/**
 * Codes a client can cause at will (a bad `Last-Event-ID`, a client that stops reading, an invalid request, a client
 * that went away): counted per code and place whatever their message, so they cannot flood the log.
 */
const CLIENT_CAUSED: ReadonlySet<string> = new Set([
  'INVALID_LAST_EVENT_ID',
  'SLOW_CONSUMER',
  'STREAM_CLOSED',
  'BODY_TOO_LARGE',
  'CONTRACT_VALIDATION',
  'SINK_DESTROYED',
  'HTTP_ERROR',
  'TOPIC',
  'STREAM_LIMIT',
  'ORIGIN_REJECTED',
  'BODY_TIMEOUT',
  'SHUTTING_DOWN',
]);

/** Distinct causes tracked in one interval; past it, new causes are counted together. */
const MAX_CAUSES = 1000;

const OTHER = '\0other';

interface Cause {
  readonly label: string;
  repeats: number;
}

/**
 * A logger that writes each cause of error once per interval, then one counted summary line per interval while it
 * repeats — the default logging of routers and hubs without an `onError` (an `onError` you pass gets every error).
 * Its one timer is unref'd and runs only while a cause is being counted; each call also checks the clock, so where a
 * host drops the timer (a Worker's request ended) the summary comes with the next error instead.
 *
 * @example
 * ```ts
 * const log = rateLimitedLog({ intervalMs: 10_000 });
 * const router = createRouter({ onError: (error, { route }) => { metrics.count(error); log(error, route); } });
 * ```
 */
export function rateLimitedLog(options: LogRateLimitOptions = {}): (error: unknown, where?: string) => void {
  const intervalMs = options.intervalMs ?? 60_000;
  if (!(intervalMs > 0)) throw new InvalidArgumentError(`logRateLimit.intervalMs must be positive, got ${intervalMs}`);
  const log = options.log ?? logError;
  const warn = options.warn ?? ((line: string) => console.warn(line));
  const seconds = Math.round(intervalMs / 100) / 10;
  let causes = new Map<string, Cause>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When the current interval ends; checked on every call too, for hosts that drop a request's timers (workerd). */
  let intervalEnd = 0;

  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const next = new Map<string, Cause>();
    for (const [key, cause] of causes) {
      if (cause.repeats === 0) continue;
      warn(`${cause.label}: ${cause.repeats} more in the last ${seconds} s (logged once per ${seconds} s)`);
      // Still repeating: the next interval is counted too, and summed up at its end.
      cause.repeats = 0;
      next.set(key, cause);
    }
    causes = next;
    if (causes.size > 0) schedule();
  };
  const schedule = (): void => {
    if (timer !== undefined) return;
    intervalEnd = Date.now() + intervalMs;
    timer = setTimeout(flush, intervalMs);
    timer.unref?.();
  };

  return (error, where) => {
    if (timer !== undefined && Date.now() >= intervalEnd) flush();
    const key = causeOf(error, where, causes.size >= MAX_CAUSES);
    const cause = causes.get(key);
    if (cause) {
      cause.repeats++;
      return;
    }
    causes.set(key, { label: key === OTHER ? '[ssekit] further causes' : labelOf(error, where), repeats: 0 });
    schedule();
    log(error, where);
  };
}

function causeOf(error: unknown, where: string | undefined, full: boolean): string {
  if (full) return OTHER;
  const place = where ?? '';
  if (!isSsekitError(error)) return `${place}\0${error instanceof Error ? error.name : typeof error}`;
  if (CLIENT_CAUSED.has(error.code)) return `${place}\0${error.code}`;
  return `${place}\0${error.code}\0${error.message}`;
}

function labelOf(error: unknown, where: string | undefined): string {
  const prefix = where === undefined || where === '' ? '[ssekit]' : `[ssekit] ${where}`;
  if (isSsekitError(error)) return `${prefix} ${error.code}`;
  return `${prefix} ${error instanceof Error ? error.name : 'error'}`;
}
