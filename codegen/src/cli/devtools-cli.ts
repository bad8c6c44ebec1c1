import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InvalidArgumentError, isSsekitError } from '@ssekit/contract';
import { CONFIG_FILES } from '../config.js';
import { formatCase, formatCheckSummary, toJsonReport, toJUnitXml } from '../devtools/check/report.js';
import { type CheckCase, checkServer } from '../devtools/check/run-check.js';
import { parseCount, parseDuration, parseHeaders } from '../devtools/duration.js';
import { type LoadedRoute, loadContractRoutes, matchRoute } from '../devtools/load-routes.js';
import { painter } from '../devtools/style.js';
import { formatTailSummary, tail } from '../devtools/tail.js';
import type { CliIo } from './run-cli.js';

/** `ssekit tail --help`. */
export const TAIL_HELP = `Usage: ssekit tail <url> [options]

Connects to an SSE stream like a generated client (reconnects with backoff and Last-Event-ID) and prints every event:
time, id, event name and data. Works with any SSE server. Ctrl-C stops it and prints a summary.

Options:
  -H, --header <'Name: value'>  request header (repeatable)
      --last-event-id <id>      sent as Last-Event-ID on the first request
  -X, --method <method>         GET (default) or POST
  -d, --data <json>             request body (POST), sent as application/json
      --contract <module>       validate every event against a route of this contracts module (default: the
                                contracts ssekit.config.ts in the current folder names, when one matches the URL)
      --config <file>           config file that names the contracts module
      --route <key>             the contract route to validate against (default: matched by the URL's path)
      --json                    one JSON object per event on stdout, for piping
      --max-events <n>          stop after n events
      --timeout <duration>      stop after this long (e.g. 500ms, 10s, 2m)
      --retry-delay <duration>  base of the reconnect backoff (default 1s; a server's retry: replaces it)
  -h, --help                    this help

Exit code: 0, or 1 when an event broke the contract or the stream failed for good; 2 on bad usage.
`;

/** `ssekit check --help`. */
export const CHECK_HELP = `Usage: ssekit check <baseUrl> [options]

Connects to a running server once per route and request example of the contracts, and checks it against the contract
and the SSE rules: status 200, Content-Type text/event-stream, Cache-Control no-cache (X-Accel-Buffering: no is a
warning), declared event names, valid payloads, well-formed ids and retry values, the heartbeat (with --heartbeat),
the error event (examples with expect: 'error-event'), and on replayable routes resume with Last-Event-ID (nothing
lost or duplicated) and the reset event for an unknown id.

Options:
      --contracts <module>      contracts module (default: the one ssekit.config.ts names)
      --config <file>           config file (default: ssekit.config.ts in the current folder, if any)
      --cases <file>            JSON { "<route>": [{ name, params, query, headers, body, expect, heartbeatMs }] };
                                replaces the routes' requestExamples
      --route <key>             check only this route (repeatable)
      --duration <duration>     how long to read each stream (default 5s)
      --events <n>              stop reading a stream after n events (default 20)
      --heartbeat <duration>    expect a heartbeat after this much silence on every stream
  -H, --header <'Name: value'>  header sent with every request (repeatable)
      --report <kind=file>      also write junit=<file> (JUnit XML) or json=<file> (repeatable)
  -h, --help                    this help

Exit code: 0 when every check passed (warnings and skips allowed), 1 when one failed, 2 on bad usage.
`;

function printError(io: CliIo, error: unknown): void {
  if (isSsekitError(error)) io.err(`ssekit: ${error.message}`);
  else if (error instanceof Error) io.err(`ssekit: unexpected error: ${error.message}`);
  else io.err(`ssekit: unexpected error: ${String(error)}`);
}

/** Runs `fn`, mapping bad flags to exit code 2 with the help text. */
async function guarded(io: CliIo, help: string, fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (error) {
    if (isSsekitError(error) && error.code === 'INVALID_ARGUMENT') {
      io.err(`ssekit: ${error.message}\n\n${help}`);
      return 2;
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`ssekit: ${error.message}\n\n${help}`);
      return 2;
    }
    printError(io, error);
    return 1;
  }
}

function singleUrl(positionals: readonly string[], what: string): URL {
  if (positionals.length !== 1) throw new InvalidArgumentError(`expected one ${what}, got ${positionals.length}`);
  try {
    const url = new URL(positionals[0] as string);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new InvalidArgumentError(`${what} must be http(s)`);
    return url;
  } catch (error) {
    if (isSsekitError(error)) throw error;
    throw new InvalidArgumentError(`${what} "${positionals[0]}" is not an absolute URL`);
  }
}

/**
 * `ssekit tail <url>`; resolves to the exit code.
 *
 * @example
 * ```ts
 * await runTail(['http://localhost:8080/events', '--max-events', '3'], io);
 * ```
 */
export function runTail(argv: readonly string[], io: CliIo): Promise<number> {
  return guarded(io, TAIL_HELP, async () => {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        header: { type: 'string', short: 'H', multiple: true },
        'last-event-id': { type: 'string' },
        method: { type: 'string', short: 'X' },
        data: { type: 'string', short: 'd' },
        contract: { type: 'string' },
        contracts: { type: 'string' },
        config: { type: 'string' },
        route: { type: 'string' },
        json: { type: 'boolean' },
        'max-events': { type: 'string' },
        timeout: { type: 'string' },
        'retry-delay': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(TAIL_HELP);
      return 0;
    }
    const url = singleUrl(positionals, 'stream URL');
    const method = (values.method ?? (values.data === undefined ? 'GET' : 'POST')).toUpperCase();
    if (values.data !== undefined) {
      try {
        JSON.parse(values.data);
      } catch {
        throw new InvalidArgumentError('--data must be JSON');
      }
    }
    const headers = parseHeaders(values.header ?? []);
    const maxEvents = values['max-events'] === undefined ? undefined : parseCount(values['max-events'], '--max-events');
    const timeoutMs = values.timeout === undefined ? undefined : parseDuration(values.timeout, '--timeout');
    const retryDelayMs =
      values['retry-delay'] === undefined ? undefined : parseDuration(values['retry-delay'], '--retry-delay');
    let route: LoadedRoute | undefined;
    const contracts = values.contract ?? values.contracts;
    const explicit = contracts !== undefined || values.config !== undefined || values.route !== undefined;
    if (!explicit && CONFIG_FILES.some((name) => existsSync(resolve(io.cwd, name)))) {
      // A config in the current folder: validate when one of its routes matches the URL, quietly otherwise.
      const routes = await loadContractRoutes({ cwd: io.cwd });
      route = matchRoute(routes, url, method);
      if (!route) io.err(`no route of ssekit.config.ts's contracts matches ${method} ${url.pathname}: not validating`);
    }
    if (explicit) {
      const routes = await loadContractRoutes({ cwd: io.cwd, contracts, config: values.config });
      route = values.route === undefined ? matchRoute(routes, url, method) : routes.find((r) => r.key === values.route);
      if (!route) {
        const keys = routes.map((r) => `${r.key} (${r.route.method} ${r.route.path})`).join(', ');
        throw new InvalidArgumentError(
          values.route === undefined
            ? `no contract route matches ${method} ${url.pathname}; pass --route <key> (routes: ${keys})`
            : `no contract route "${values.route}" (routes: ${keys})`,
        );
      }
    }
    const summary = await tail({
      url: url.href,
      method,
      headers,
      body: values.data,
      lastEventId: values['last-event-id'],
      route,
      json: values.json === true,
      color: io.color === true,
      maxEvents,
      timeoutMs,
      retryDelayMs,
      stop: io.stop,
      out: io.out,
      err: io.err,
    });
    io.err(formatTailSummary(summary));
    return summary.violations > 0 || summary.endedBy === 'error' ? 1 : 0;
  });
}

async function readCases(
  cwd: string,
  file: string,
  routes: readonly LoadedRoute[],
): Promise<Record<string, CheckCase[]>> {
  const path = resolve(cwd, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InvalidArgumentError(`--cases ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`--cases ${file}: expected an object of route key → array of request cases`);
  }
  for (const [key, list] of Object.entries(parsed)) {
    if (!routes.some((r) => r.key === key)) {
      throw new InvalidArgumentError(
        `--cases ${file}: no contract route "${key}" (routes: ${routes.map((r) => r.key).join(', ')})`,
      );
    }
    if (!Array.isArray(list) || list.some((c) => typeof c !== 'object' || c === null || Array.isArray(c))) {
      throw new InvalidArgumentError(`--cases ${file}: "${key}" must be an array of objects`);
    }
    for (const c of list as CheckCase[]) {
      if (c.heartbeatMs !== undefined && !(typeof c.heartbeatMs === 'number' && c.heartbeatMs > 0)) {
        throw new InvalidArgumentError(`--cases ${file}: "${key}" heartbeatMs must be a positive number`);
      }
      if (c.expect !== undefined && c.expect !== 'events' && c.expect !== 'error-event') {
        throw new InvalidArgumentError(`--cases ${file}: "${key}" expect must be "events" or "error-event"`);
      }
    }
  }
  return parsed as Record<string, CheckCase[]>;
}

/**
 * `ssekit check <baseUrl>`; resolves to the exit code.
 *
 * @example
 * ```ts
 * await runCheck(['http://localhost:8080', '--contracts', 'src/contracts.ts'], io);
 * ```
 */
export function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  return guarded(io, CHECK_HELP, async () => {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        contracts: { type: 'string' },
        config: { type: 'string' },
        cases: { type: 'string' },
        route: { type: 'string', multiple: true },
        duration: { type: 'string' },
        events: { type: 'string' },
        heartbeat: { type: 'string' },
        header: { type: 'string', short: 'H', multiple: true },
        report: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(CHECK_HELP);
      return 0;
    }
    const baseUrl = singleUrl(positionals, 'base URL');
    const reports = (values.report ?? []).map((spec) => {
      const match = /^(junit|json)=(.+)$/.exec(spec);
      if (!match) throw new InvalidArgumentError(`--report must be junit=<file> or json=<file>, got "${spec}"`);
      return { kind: match[1] as 'junit' | 'json', file: resolve(io.cwd, match[2] as string) };
    });
    const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration, '--duration');
    const maxEvents = values.events === undefined ? undefined : parseCount(values.events, '--events');
    const heartbeatMs = values.heartbeat === undefined ? undefined : parseDuration(values.heartbeat, '--heartbeat');
    const headers = parseHeaders(values.header ?? []);
    const routes = await loadContractRoutes({ cwd: io.cwd, contracts: values.contracts, config: values.config });
    for (const key of values.route ?? []) {
      if (!routes.some((r) => r.key === key)) {
        throw new InvalidArgumentError(`no contract route "${key}" (routes: ${routes.map((r) => r.key).join(', ')})`);
      }
    }
    const cases = values.cases === undefined ? undefined : await readCases(io.cwd, values.cases, routes);
    const paint = painter(io.color === true);
    io.out(`ssekit check ${baseUrl.href}`);
    const report = await checkServer({
      baseUrl: baseUrl.href,
      routes,
      cases,
      only: values.route,
      durationMs,
      maxEvents,
      heartbeatMs,
      headers,
      onCase: (c) => {
        for (const line of formatCase(c, paint)) io.out(line);
      },
    });
    io.out(paint(report.ok ? 'green' : 'red', formatCheckSummary(report)));
    for (const { kind, file } of reports) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, kind === 'junit' ? toJUnitXml(report) : toJsonReport(report));
      io.out(`wrote ${relative(io.cwd, file) || file}`);
    }
    return report.ok ? 0 : 1;
  });
}
