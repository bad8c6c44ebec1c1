import { SsekitError } from '@ssekit/contract/errors';
import type { RawSseEvent } from './raw-event.js';

/** Where a typed event error happened, for the message. */
export interface EventErrorContext {
  /** The contract route key, when known. */
  route?: string | undefined;
}

function where(raw: RawSseEvent, context: EventErrorContext | undefined): string {
  const route = context?.route === undefined ? '' : `route "${context.route}", `;
  return `${route}event "${raw.event}"${raw.id === undefined ? '' : ` (id ${JSON.stringify(raw.id)})`}`;
}

/**
 * An event's data could not be deserialized (e.g. invalid JSON). The stream continues.
 *
 * @example
 * ```ts
 * try { return ok(JSON.parse(data)); } catch (cause) { return fail(new ParseError(raw, cause)); }
 * ```
 */
export class ParseError extends SsekitError<'PARSE'> {
  /** The event as received. */
  readonly raw: RawSseEvent;

  constructor(raw: RawSseEvent, cause: unknown, context?: EventErrorContext) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('PARSE', `${where(raw, context)}: could not deserialize data: ${detail}`, { cause });
    this.raw = raw;
  }
}

/** One validation problem, in the shape zod and every Standard Schema library report. */
export interface ValidationIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

function formatPath(path: ValidationIssue['path']): string {
  if (!path || path.length === 0) return '(root)';
  return path.map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
}

/**
 * An event's data was deserialized but failed its schema. The stream continues.
 *
 * @example
 * ```ts
 * const r = schema.safeParse(value);
 * return r.success ? ok(r.data) : fail(new EventValidationError(raw, r.error.issues));
 * ```
 */
export class EventValidationError extends SsekitError<'VALIDATION'> {
  /** The event as received. */
  readonly raw: RawSseEvent;
  /** What the schema rejected. */
  readonly issues: readonly ValidationIssue[];

  constructor(raw: RawSseEvent, issues: readonly ValidationIssue[], context?: EventErrorContext) {
    const first = issues[0];
    const summary = first ? `${formatPath(first.path)}: ${first.message}` : 'invalid data';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
    super('VALIDATION', `${where(raw, context)}: data failed validation at ${summary}${more}`);
    this.raw = raw;
    this.issues = issues;
  }
}

/**
 * The server sent an event name the route's contract does not declare. The stream continues.
 *
 * @example
 * ```ts
 * onError(err) { if (err instanceof UnknownEventError) console.warn('new server?', err.raw.event); }
 * ```
 */
export class UnknownEventError extends SsekitError<'UNKNOWN_EVENT'> {
  /** The event as received. */
  readonly raw: RawSseEvent;

  constructor(raw: RawSseEvent, context?: EventErrorContext & { known?: readonly string[] }) {
    const known = context?.known?.length ? `; the contract declares ${context.known.join(', ')}` : '';
    super('UNKNOWN_EVENT', `${where(raw, context)} is not declared by the contract${known}`);
    this.raw = raw;
  }
}

/**
 * The server sent an event (or an unterminated line) larger than `maxEventSize`: the connection is dropped before it can
 * exhaust memory, and the client reconnects with backoff like after a network error.
 *
 * @example
 * ```ts
 * connectEventStream({ url, maxEventSize: 1 << 20, onEvent, onError: (e) => e instanceof EventTooLargeError && alert(e.limit) });
 * ```
 */
export class EventTooLargeError extends SsekitError<'EVENT_TOO_LARGE'> {
  /** The limit that was passed, in characters. */
  readonly limit: number;

  constructor(limit: number, url: string) {
    super(
      'EVENT_TOO_LARGE',
      `${url}: an event grew past maxEventSize (${limit} characters); the connection was dropped`,
    );
    this.limit = limit;
  }
}
