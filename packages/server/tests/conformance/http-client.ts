import { request as h1request } from 'node:http';
import { connect as h2connect, constants as h2constants } from 'node:http2';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** A raw response as the tests see it: status, headers, and the body as it arrives. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Resolves with the whole body once the server ends it (rejects if the connection breaks). */
  text(): Promise<string>;
  /** Stops reading without closing (a non-reading client). */
  pause(): void;
  /** Drops the connection (a vanished client). */
  abort(): void;
  /** Each chunk as it arrives. */
  onChunk(listener: (chunk: string) => void): void;
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  protocol?: 'h1' | 'h2';
  /** Trust self-signed test certificates. */
  insecure?: boolean;
  /** Aborts the request, also before its response head arrived. */
  signal?: AbortSignal;
}

/** One request over real HTTP (h1 via node:http, h2 via node:http2), resolved when the headers arrive. */
export function rawRequest(url: string, init: RequestInit = {}): Promise<RawResponse> {
  return init.protocol === 'h2' ? h2Request(url, init) : h1Request(url, init);
}

function collect(
  on: (event: 'data' | 'end' | 'error' | 'close', cb: (arg?: unknown) => void) => void,
): Pick<RawResponse, 'text' | 'onChunk'> {
  const chunks: string[] = [];
  const listeners: ((chunk: string) => void)[] = [];
  let ended = false;
  let failure: unknown;
  const waiters: { resolve: (s: string) => void; reject: (e: unknown) => void }[] = [];
  const settle = () => {
    for (const w of waiters.splice(0)) failure ? w.reject(failure) : w.resolve(chunks.join(''));
  };
  on('data', (chunk) => {
    const text = String(chunk);
    chunks.push(text);
    for (const l of listeners) l(text);
  });
  on('end', () => {
    ended = true;
    settle();
  });
  on('error', (error) => {
    failure = error;
    ended = true;
    settle();
  });
  on('close', () => {
    if (!ended) {
      failure = new Error('connection closed before the end of the body');
      ended = true;
      settle();
    }
  });
  return {
    text: () =>
      new Promise((resolve, reject) => {
        waiters.push({ resolve, reject });
        if (ended) settle();
      }),
    onChunk: (listener) => {
      for (const c of chunks) listener(c);
      listeners.push(listener);
    },
  };
}

function h1Request(url: string, init: RequestInit): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = h1request(url, {
      method: init.method ?? 'GET',
      headers: init.headers,
      agent: false,
      ...(init.signal ? { signal: init.signal } : {}),
    });
    req.once('error', reject);
    req.once('response', (res) => {
      res.setEncoding('utf8');
      const body = collect((event, cb) => res.on(event, cb));
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        ...body,
        pause: () => res.pause(),
        abort: () => req.destroy(),
      });
    });
    req.end(init.body);
  });
}

function h2Request(url: string, init: RequestInit): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const session = h2connect(target.origin, init.insecure ? { rejectUnauthorized: false } : {});
    session.once('error', reject);
    const stream = session.request({
      [h2constants.HTTP2_HEADER_METHOD]: init.method ?? 'GET',
      [h2constants.HTTP2_HEADER_PATH]: target.pathname + target.search,
      ...init.headers,
    });
    stream.setEncoding('utf8');
    stream.once('error', reject);
    init.signal?.addEventListener(
      'abort',
      () => {
        stream.close(h2constants.NGHTTP2_CANCEL);
        session.destroy();
        reject(new Error('aborted'));
      },
      { once: true },
    );
    stream.once('response', (headers) => {
      const body = collect((event, cb) => stream.on(event, cb));
      stream.once('close', () => session.close());
      const { [h2constants.HTTP2_HEADER_STATUS]: status, ...rest } = headers;
      resolve({
        status: Number(status),
        headers: rest as RawResponse['headers'],
        ...body,
        pause: () => stream.pause(),
        abort: () => {
          stream.close(h2constants.NGHTTP2_CANCEL);
          session.destroy();
        },
      });
    });
    stream.end(init.body);
  });
}

/** Parses a body with eventsource-parser (never our own parser): events and comments in order. */
export function parseEvents(body: string): { events: EventSourceMessage[]; comments: string[] } {
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e), onComment: (c) => comments.push(c) });
  parser.feed(body);
  return { events, comments };
}

/** Waits until `predicate` holds, polling; fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
