/**
 * The client-side decoders compared in (C). Each consumes one SSE response from `fetch` and calls `onTick` for every
 * decoded tick; they differ only in what parses, deserializes and validates.
 */
import {
  createEventDecoder,
  type EventDecoder,
  fail,
  ok,
  ParseError,
  type RouteClientSpec,
  subscribeRoute,
} from '@ssekit/client';
import { createParser } from 'eventsource-parser';
import { benchContract, STREAM_PATH, type Tick, TickSchema } from '../lib/tick.ts';

export type OnTick = (tick: Tick) => void;
export type Decoder = (fetchImpl: typeof fetch, onTick: OnTick) => Promise<void>;

const BASE_URL = 'http://127.0.0.1:1';

/** Bare: the response body through TextDecoder into eventsource-parser, then JSON.parse. No validation. */
export const bare: Decoder = async (fetchImpl, onTick) => {
  const response = await fetchImpl(`${BASE_URL}${STREAM_PATH}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const text = new TextDecoder();
  const parser = createParser({ onEvent: (message) => onTick(JSON.parse(message.data) as Tick) });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(text.decode(value, { stream: true }));
  }
};

function runtimeWith(decoder: EventDecoder): Decoder {
  const spec: RouteClientSpec = { key: 'ticks', path: STREAM_PATH, method: 'GET', decoders: { tick: decoder } };
  return (fetchImpl, onTick) =>
    new Promise<void>((resolve, reject) => {
      subscribeRoute(
        { baseUrl: BASE_URL, fetch: fetchImpl, reconnect: false },
        spec,
        {},
        {
          tick: (data: Tick) => onTick(data),
          onError: (error) => reject(error),
          onClose: () => resolve(),
        },
      );
    });
}

/** @ssekit/client's runtime (subscribeRoute) with a hand-written JSON-only decoder. */
export const runtimeJson: Decoder = runtimeWith((data, raw) => {
  try {
    return ok(JSON.parse(data));
  } catch (cause) {
    return fail(new ParseError(raw, cause, { route: 'ticks' }));
  }
});

/** @ssekit/client's runtime with `createEventDecoder` validating through the zod schema's Standard Schema interface. */
export const runtimeZod: Decoder = runtimeWith(createEventDecoder({ schema: TickSchema, route: 'ticks' }));

interface GeneratedClient {
  ticks: {
    subscribe(handlers: { tick?: (data: Tick) => void; onError?: (e: unknown) => void; onClose?: () => void }): unknown;
  };
}

/** A client emitted by `@ssekit/codegen` (imported from its generated file). */
export function generated(
  createClient: (config: { baseUrl: string; fetch: typeof fetch; reconnect: false }) => unknown,
): Decoder {
  return (fetchImpl, onTick) =>
    new Promise<void>((resolve, reject) => {
      const client = createClient({ baseUrl: BASE_URL, fetch: fetchImpl, reconnect: false }) as GeneratedClient;
      client.ticks.subscribe({ tick: onTick, onError: reject, onClose: resolve });
    });
}

export { benchContract };
