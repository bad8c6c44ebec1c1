import { implement, type SseRouter } from '@ssekit/server';
import { contract } from './contract.js';

/** Options of {@link createRouter} and {@link start}. */
export interface AppOptions {
  /** Milliseconds between two prices of a stream. Default 500; tests use 0. */
  intervalMs?: number;
}

/** A running server. */
export interface RunningApp {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  /** Ends every open stream, then stops the server. */
  close(): Promise<void>;
}

/** The price of `symbol` at its `n`th tick: a made-up, repeatable walk around 100. */
export function priceAt(symbol: string, n: number): number {
  let seed = 0;
  for (const char of symbol) seed = (seed * 31 + char.charCodeAt(0)) % 1000;
  return Math.round((100 + (seed % 50) + Math.sin(seed + n) * 5) * 100) / 100;
}

/** Resolves after `ms`, or at once when the client goes away. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The contract's routes, implemented. `session.params` and `session.query` are parsed by the contract's schemas
 * (a bad request was already answered with a 400 problem+json); `session.send` only accepts the declared events.
 */
export function createRouter(options: AppOptions = {}): SseRouter {
  const intervalMs = options.intervalMs ?? 500;
  return implement(contract, {
    ticker: async (session) => {
      const { symbol } = session.params;
      const { count } = session.query;
      for (let n = 1; n <= count && !session.closed; n++) {
        await session.send('price', { symbol, price: priceAt(symbol, n), n }, { id: String(n) });
        if (n < count && intervalMs > 0) await pause(intervalMs, session.signal);
      }
    },
  });
}
