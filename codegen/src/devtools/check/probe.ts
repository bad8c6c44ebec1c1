import { createParser } from 'eventsource-parser';

/** One request the checker sends, and how long it listens. */
export interface ProbeRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  readonly lastEventId?: string | undefined;
  /** Stop listening after this many events. */
  readonly maxEvents: number;
  /** Stop listening after this long (ms). */
  readonly durationMs: number;
  /** A custom `fetch` (tests). */
  readonly fetch?: typeof fetch | undefined;
}

/** One event as the probe saw it; `at` is ms since the request started. */
export interface ProbedEvent {
  readonly event: string;
  readonly data: string;
  /** The `id:` field of this event's block, if it had one (not the persisted last id). */
  readonly id: string | undefined;
  readonly at: number;
}

/** A line eventsource-parser could not use: an invalid `retry`, or a field name SSE does not know. */
export interface WireProblem {
  readonly type: 'invalid-retry' | 'unknown-field';
  readonly line: string;
}

/** Everything one probe saw. */
export interface ProbeResult {
  /** `undefined` when the request failed before a response. */
  readonly status: number | undefined;
  readonly headers: Headers | undefined;
  readonly failure: string | undefined;
  readonly events: readonly ProbedEvent[];
  /** Comment lines with the time they arrived (ms since the request started). */
  readonly comments: readonly { readonly text: string; readonly at: number }[];
  readonly retries: readonly number[];
  readonly wireProblems: readonly WireProblem[];
  /** Longest stretch (ms) without an event or comment while the stream was open, counting the start and the end. */
  readonly longestSilenceMs: number;
  /** How long the stream was read (ms). */
  readonly listenedMs: number;
  /** `closed`: the server ended the stream; `events`/`duration`: a limit was reached; `error`: it broke. */
  readonly endedBy: 'closed' | 'events' | 'duration' | 'error' | 'not-a-stream';
}

/**
 * Sends one request and reads its event stream with eventsource-parser, keeping what a client hides (comments, every
 * `retry`, the lines it ignores, the timing), until the server closes it or a limit is reached.
 *
 * @example
 * ```ts
 * const seen = await probe({ url: new URL('http://localhost:8080/events'), method: 'GET', headers: {}, maxEvents: 10, durationMs: 5000 });
 * ```
 */
export async function probe(request: ProbeRequest): Promise<ProbeResult> {
  const started = performance.now();
  const now = () => performance.now() - started;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.durationMs);
  const events: ProbedEvent[] = [];
  const comments: { text: string; at: number }[] = [];
  const retries: number[] = [];
  const wireProblems: WireProblem[] = [];
  let lastActivity = 0;
  let longestSilenceMs = 0;
  const activity = () => {
    const at = now();
    longestSilenceMs = Math.max(longestSilenceMs, at - lastActivity);
    lastActivity = at;
    return at;
  };
  let blockId: string | undefined;
  const parser = createParser({
    onId: (id) => {
      blockId = id;
    },
    onEvent: (message) => {
      // one chunk may hold many events: keep exactly the first maxEvents
      if (events.length >= request.maxEvents) return;
      events.push({ event: message.event || 'message', data: message.data, id: blockId, at: activity() });
      blockId = undefined;
    },
    onComment: (text) => {
      comments.push({ text, at: activity() });
    },
    onRetry: (ms) => {
      retries.push(ms);
    },
    onError: (error) => {
      if (error.type === 'invalid-retry' || error.type === 'unknown-field') {
        wireProblems.push({ type: error.type, line: error.line ?? '' });
      }
    },
  });
  const headers: Record<string, string> = { accept: 'text/event-stream', ...request.headers };
  if (request.lastEventId !== undefined) headers['last-event-id'] = request.lastEventId;
  if (request.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  const base = { events, comments, retries, wireProblems };
  let response: Response;
  try {
    response = await (request.fetch ?? fetch)(request.url, {
      method: request.method,
      headers,
      signal: controller.signal,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
  } catch (error) {
    clearTimeout(timer);
    const failure = controller.signal.aborted ? 'no response within the duration' : describe(error);
    return {
      ...base,
      status: undefined,
      headers: undefined,
      failure,
      longestSilenceMs: 0,
      listenedMs: now(),
      endedBy: 'error',
    };
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (response.status !== 200 || !/^text\/event-stream\s*(;|$)/i.test(contentType) || !response.body) {
    clearTimeout(timer);
    await response.body?.cancel().catch(() => {});
    return {
      ...base,
      status: response.status,
      headers: response.headers,
      failure: undefined,
      longestSilenceMs: 0,
      listenedMs: now(),
      endedBy: 'not-a-stream',
    };
  }
  lastActivity = now();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let endedBy: ProbeResult['endedBy'] = 'closed';
  let failure: string | undefined;
  // The duration bounds every read: an aborted fetch does not always settle a pending read.
  const timeUp = new Promise<'time-up'>((resolve) => {
    if (controller.signal.aborted) resolve('time-up');
    controller.signal.addEventListener('abort', () => resolve('time-up'), { once: true });
  });
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), timeUp]);
      if (chunk === 'time-up') {
        endedBy = events.length >= request.maxEvents ? 'events' : 'duration';
        break;
      }
      if (chunk.done) break;
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      if (events.length >= request.maxEvents) {
        endedBy = 'events';
        break;
      }
    }
  } catch (error) {
    if (controller.signal.aborted) endedBy = events.length >= request.maxEvents ? 'events' : 'duration';
    else {
      endedBy = 'error';
      failure = describe(error);
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
    reader.cancel().catch(() => {});
  }
  const listenedMs = now();
  if (endedBy === 'duration') longestSilenceMs = Math.max(longestSilenceMs, listenedMs - lastActivity);
  return {
    ...base,
    status: response.status,
    headers: response.headers,
    failure,
    longestSilenceMs,
    listenedMs,
    endedBy,
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}
