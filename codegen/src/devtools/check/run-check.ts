import { buildRouteUrl, type StandardSchemaLike } from '@ssekit/client';
import type { AnyContractRoute, RouteRequestExample } from '@ssekit/contract';
import { createEventChecker } from '../event-checker.js';
import type { LoadedRoute } from '../load-routes.js';
import { type ProbeRequest, type ProbeResult, probe } from './probe.js';

/** A request case: a contract's request example, or one from a `--cases` file, plus an optional heartbeat period. */
export interface CheckCase extends RouteRequestExample {
  /** The longest silence (ms) the server may leave before a heartbeat; checked when the stream stays open that long. */
  readonly heartbeatMs?: number;
}

/** The outcome of one check. `warn` is reported but does not fail the run. */
export type CheckStatus = 'pass' | 'fail' | 'skip' | 'warn';

/** One check of one request case. */
export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly message: string;
}

/** Every check of one request case of one route. */
export interface CaseReport {
  readonly route: string;
  readonly case: string;
  readonly method: string;
  readonly url: string;
  readonly checks: readonly CheckResult[];
}

/** What `ssekit check` found. */
export interface CheckReport {
  readonly baseUrl: string;
  readonly ok: boolean;
  readonly counts: Readonly<Record<CheckStatus, number>>;
  readonly cases: readonly CaseReport[];
}

/** Options of {@link checkServer}. */
export interface CheckServerOptions {
  readonly baseUrl: string;
  readonly routes: readonly LoadedRoute[];
  /** Request cases per route key; replace the route's `requestExamples`. */
  readonly cases?: Readonly<Record<string, readonly CheckCase[]>> | undefined;
  /** Only these route keys. */
  readonly only?: readonly string[] | undefined;
  /** How long to listen to one stream (ms). Default 5000. */
  readonly durationMs?: number | undefined;
  /** Stop listening to one stream after this many events. Default 20. */
  readonly maxEvents?: number | undefined;
  /** Heartbeat period (ms) expected of every route, unless a case sets its own. */
  readonly heartbeatMs?: number | undefined;
  /** Headers added to every request (e.g. authorization). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Called after each case, for progress output. */
  readonly onCase?: ((report: CaseReport) => void) | undefined;
  /** A custom `fetch` (tests). */
  readonly fetch?: typeof fetch | undefined;
}

/** The `Last-Event-ID` the reset check sends: no server issued it. */
export const BOGUS_LAST_EVENT_ID = 'ssekit-check-bogus-id';

const DEFAULT_DURATION_MS = 5000;
const DEFAULT_MAX_EVENTS = 20;

/**
 * `ssekit check` as a function: for each route and request case, connects to the running server and checks it against
 * the contract and the SSE rules (status, content type, no-buffering headers, declared events, valid payloads,
 * well-formed ids and `retry`, heartbeat, the error event, resume and reset on replayable routes).
 *
 * @example
 * ```ts
 * const report = await checkServer({ baseUrl: 'http://localhost:8080', routes: await loadContractRoutes({ cwd, contracts }) });
 * process.exitCode = report.ok ? 0 : 1;
 * ```
 */
export async function checkServer(options: CheckServerOptions): Promise<CheckReport> {
  const cases: CaseReport[] = [];
  const routes = options.only ? options.routes.filter((r) => options.only?.includes(r.key)) : options.routes;
  for (const { key, route } of routes) {
    const list = options.cases?.[key] ?? route.requestExamples ?? [];
    if (list.length === 0) {
      if (route['~ssekit'].paramNames.length > 0) {
        const skipped = {
          route: key,
          case: 'no request example',
          method: route.method,
          url: route.path,
          checks: [
            {
              name: 'request',
              status: 'skip' as const,
              message: `the path has params (${route.path}): add requestExamples to the route or pass --cases`,
            },
          ],
        };
        cases.push(skipped);
        options.onCase?.(skipped);
        continue;
      }
    }
    const effective: readonly CheckCase[] = list.length ? list : [{ name: 'default request' }];
    for (const [index, example] of effective.entries()) {
      const report = await checkCase(key, route, example, example.name ?? `example ${index + 1}`, options);
      cases.push(report);
      options.onCase?.(report);
    }
  }
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, skip: 0, warn: 0 };
  for (const report of cases) for (const check of report.checks) counts[check.status]++;
  return { baseUrl: options.baseUrl, ok: counts.fail === 0, counts, cases };
}

function validatePart(schema: unknown, value: unknown, part: string): string | undefined {
  if (schema === undefined) return undefined;
  const result = (schema as StandardSchemaLike)['~standard'].validate(value);
  if (result instanceof Promise) return undefined;
  const issues = (result as { issues?: readonly { message: string; path?: readonly unknown[] }[] }).issues;
  if (!issues) return undefined;
  return issues
    .map((issue) => `${part}${issue.path?.length ? `.${issue.path.map(String).join('.')}` : ''}: ${issue.message}`)
    .join('; ');
}

function stringRecord(value: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value ?? {})) if (v !== undefined) out[name.toLowerCase()] = String(v);
  return out;
}

function first(messages: readonly string[], n = 3): string {
  const shown = messages.slice(0, n).join('; ');
  return messages.length > n ? `${shown}; and ${messages.length - n} more` : shown;
}

async function checkCase(
  key: string,
  route: AnyContractRoute,
  example: CheckCase,
  name: string,
  options: CheckServerOptions,
): Promise<CaseReport> {
  const checks: CheckResult[] = [];
  const add = (check: string, status: CheckStatus, message: string) => checks.push({ name: check, status, message });
  const method = route.method;
  let url: URL;
  try {
    url = buildRouteUrl(options.baseUrl, route.path, example.params, example.query);
  } catch (error) {
    add('request', 'fail', error instanceof Error ? error.message : String(error));
    return { route: key, case: name, method, url: route.path, checks };
  }
  const base = { route: key, case: name, method, url: url.href };
  const internals = route['~ssekit'];
  const invalid = [
    validatePart(internals.params, example.params ?? {}, 'params'),
    validatePart(route.query, example.query ?? {}, 'query'),
    validatePart(route.headers, stringRecord(example.headers), 'headers'),
    route.body === undefined ? undefined : validatePart(route.body, example.body, 'body'),
  ].filter((m): m is string => m !== undefined);
  if (invalid.length) {
    add('request', 'fail', `the request example breaks the route's schemas: ${first(invalid)}`);
    return { ...base, checks };
  }
  const durationMs = options.durationMs ?? DEFAULT_DURATION_MS;
  const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  const request: ProbeRequest = {
    url,
    method,
    headers: { ...stringRecord(options.headers), ...stringRecord(example.headers) },
    body: example.body === undefined ? undefined : JSON.stringify(example.body),
    maxEvents,
    durationMs,
    fetch: options.fetch,
  };
  const seen = await probe(request);
  if (seen.status === undefined) {
    add('status', 'fail', `no response: ${seen.failure ?? 'unknown error'}`);
    return { ...base, checks };
  }
  add(
    'status',
    seen.status === 200 ? 'pass' : 'fail',
    seen.status === 200 ? '200' : `expected 200, got ${seen.status}`,
  );
  const contentType = seen.headers?.get('content-type') ?? '';
  const isStream = /^text\/event-stream\s*(;|$)/i.test(contentType);
  add(
    'content-type',
    isStream ? 'pass' : 'fail',
    isStream ? contentType : `expected text/event-stream, got "${contentType || 'none'}"`,
  );
  if (seen.endedBy === 'not-a-stream') return { ...base, checks };
  checkHeaders(seen, add);
  checkEvents(key, route, example, seen, add);
  checkWire(route, seen, add);
  checkHeartbeat(example.heartbeatMs ?? options.heartbeatMs, seen, add);
  if (example.expect !== 'error-event' && route.replay) {
    await checkResume(route, request, seen, add);
  }
  return { ...base, checks };
}

type Add = (check: string, status: CheckStatus, message: string) => void;

function checkHeaders(seen: ProbeResult, add: Add): void {
  const cacheControl = seen.headers?.get('cache-control') ?? '';
  const noCache = /(^|,)\s*no-(cache|store)\s*(,|$)/i.test(cacheControl);
  add(
    'cache-control',
    noCache ? 'pass' : 'fail',
    noCache
      ? cacheControl
      : `expected Cache-Control: no-cache (proxies may cache or buffer the stream), got "${cacheControl || 'none'}"`,
  );
  const accel = seen.headers?.get('x-accel-buffering');
  add(
    'x-accel-buffering',
    accel?.toLowerCase() === 'no' ? 'pass' : 'warn',
    accel?.toLowerCase() === 'no' ? 'no' : 'missing X-Accel-Buffering: no (nginx buffers the stream without it)',
  );
}

function checkEvents(key: string, route: AnyContractRoute, example: CheckCase, seen: ProbeResult, add: Add): void {
  const check = createEventChecker(key, route);
  const undeclared = new Set<string>();
  const invalid: string[] = [];
  for (const event of seen.events) {
    const verdict = check({ event: event.event, data: event.data, id: event.id });
    if (verdict.ok) continue;
    if (verdict.problem === 'undeclared') undeclared.add(event.event);
    else invalid.push(`${event.event}${event.id === undefined ? '' : ` #${event.id}`}: ${verdict.message}`);
  }
  const count = `${seen.events.length} event(s)`;
  if (seen.events.length === 0) {
    add(
      'events-declared',
      'skip',
      `no event arrived (${seen.endedBy === 'closed' ? 'the stream ended' : 'limit reached'})`,
    );
    add('payloads-valid', 'skip', 'no event arrived');
  } else {
    add(
      'events-declared',
      undeclared.size ? 'fail' : 'pass',
      undeclared.size
        ? `undeclared event(s): ${[...undeclared].join(', ')} (declared: ${route['~ssekit'].eventNames.join(', ')})`
        : count,
    );
    const declared = seen.events.filter((e) => !undeclared.has(e.event)).length;
    add(
      'payloads-valid',
      invalid.length ? 'fail' : 'pass',
      invalid.length ? first(invalid) : `${declared} declared event(s) valid`,
    );
  }
  if (example.expect === 'error-event') {
    const errorEvent = route.errorEvent;
    const got = seen.events.some((e) => e.event === errorEvent);
    add(
      'error-event',
      got ? 'pass' : 'fail',
      got
        ? `"${errorEvent}" arrived`
        : `this request should make the handler fail, but no "${errorEvent}" event arrived`,
    );
  }
}

function checkWire(route: AnyContractRoute, seen: ProbeResult, add: Add): void {
  const unknown = seen.wireProblems.filter((p) => p.type === 'unknown-field').map((p) => JSON.stringify(p.line));
  const missingIds = route.replay ? seen.events.filter((e) => e.id === undefined || e.id === '').length : 0;
  const idProblems: string[] = [];
  if (unknown.length) {
    idProblems.push(
      `line(s) that are no SSE field: ${first(unknown)}; a field value (an id?) held a CR or LF and was split into lines`,
    );
  }
  // A replayable route whose events carry no id at all cannot resume; some events without one (ephemeral ones such as
  // presence, which a hub does not store) are allowed, and only warned about.
  const noIdAtAll = missingIds > 0 && missingIds === seen.events.length;
  if (noIdAtAll) idProblems.push(`none of the ${missingIds} event(s) has an id on a replayable route`);
  if (idProblems.length) add('ids', 'fail', idProblems.join('; '));
  else if (missingIds) add('ids', 'warn', `${missingIds} event(s) without an id (not resumable) on a replayable route`);
  else add('ids', 'pass', 'well-formed');
  const badRetry = seen.wireProblems.filter((p) => p.type === 'invalid-retry').map((p) => JSON.stringify(p.line));
  add(
    'retry',
    badRetry.length ? 'fail' : 'pass',
    badRetry.length
      ? `retry must be a non-negative integer: ${first(badRetry)}`
      : seen.retries.length
        ? `retry: ${seen.retries.join(', ')}`
        : 'none sent',
  );
}

function checkHeartbeat(periodMs: number | undefined, seen: ProbeResult, add: Add): void {
  if (periodMs === undefined) return;
  // A server sends its heartbeat after one period of silence; allow half a period for timers and the network.
  const allowedMs = periodMs * 1.5;
  if (seen.listenedMs < allowedMs && seen.longestSilenceMs <= allowedMs) {
    add('heartbeat', 'skip', `the stream was read for ${Math.round(seen.listenedMs)} ms, less than ${allowedMs} ms`);
    return;
  }
  const ok = seen.longestSilenceMs <= allowedMs;
  add(
    'heartbeat',
    ok ? 'pass' : 'fail',
    `longest silence ${Math.round(seen.longestSilenceMs)} ms (period ${periodMs} ms, allowed ${allowedMs} ms)${
      ok ? '' : ': no heartbeat in time'
    }`,
  );
}

async function checkResume(route: AnyContractRoute, request: ProbeRequest, seen: ProbeResult, add: Add): Promise<void> {
  const withIds = seen.events.filter((e) => e.id !== undefined && e.id !== '');
  if (withIds.length < 2) {
    add('resume', 'skip', `needs at least 2 events with ids, got ${withIds.length}`);
  } else {
    const [anchor, ...after] = withIds as [(typeof withIds)[number], ...typeof withIds];
    const resumed = await probe({ ...request, lastEventId: anchor.id, maxEvents: after.length });
    const got = resumed.events.map((e) => e.id);
    const expected = after.map((e) => e.id);
    const n = Math.min(got.length, expected.length);
    const duplicate = got.find((id) => id === anchor.id);
    const mismatch = got.slice(0, n).findIndex((id, i) => id !== expected[i]);
    if (resumed.status !== 200)
      add('resume', 'fail', `reconnecting with Last-Event-ID ${anchor.id} got status ${resumed.status ?? 'none'}`);
    else if (duplicate !== undefined)
      add('resume', 'fail', `Last-Event-ID ${anchor.id}: the event ${anchor.id} came again (duplicate)`);
    else if (got.length < expected.length) {
      add(
        'resume',
        'fail',
        `Last-Event-ID ${anchor.id}: expected ${expected.length} replayed event(s), got ${got.length} (lost)`,
      );
    } else if (mismatch >= 0) {
      add(
        'resume',
        'fail',
        `Last-Event-ID ${anchor.id}: expected ${expected[mismatch]} next, got ${got[mismatch]} (events lost or out of order)`,
      );
    } else add('resume', 'pass', `Last-Event-ID ${anchor.id}: the ${expected.length} later event(s) again, in order`);
  }
  const resetEvent = route.resetEvent;
  if (resetEvent === undefined) {
    add('reset', 'skip', 'the route declares no resetEvent');
    return;
  }
  const reset = await probe({ ...request, lastEventId: BOGUS_LAST_EVENT_ID, maxEvents: 1 });
  const firstEvent = reset.events[0];
  if (firstEvent?.event === resetEvent) add('reset', 'pass', `a bogus Last-Event-ID got "${resetEvent}"`);
  else {
    add(
      'reset',
      'fail',
      `a bogus Last-Event-ID should get "${resetEvent}" first, got ${firstEvent ? `"${firstEvent.event}"` : reset.status === 200 ? 'no event' : `status ${reset.status ?? 'none'}`}`,
    );
  }
}
