import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HELLO_SEQ, STREAM_PATH, TICK_EVENT, type Tick, tick } from '../tick.ts';
import type { BenchServer } from './types.ts';

const HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

const frame = (t: Tick): string => `event: ${TICK_EVENT}\ndata: ${JSON.stringify(t)}\n\n`;

/**
 * What a raw stream writes when it opens: `event` the greeting tick (the fan-out and latency baseline, whose clients
 * wait for it), `comment` one comment frame, `headers` only the flushed headers (parts B and H: memory baselines).
 */
export type RawGreeting = 'event' | 'comment' | 'headers';

/** The greeting comment of `raw-comment` (a heartbeat-sized frame). */
export const RAW_COMMENT = ': hello\n\n';

/** The baseline: node:http, one preformatted frame per event written to every response. */
export async function startRaw(greeting: RawGreeting = 'event'): Promise<BenchServer> {
  const streams = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (req.url !== STREAM_PATH) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, HEADERS);
    if (greeting === 'event') res.write(frame(tick(HELLO_SEQ)));
    else if (greeting === 'comment') res.write(RAW_COMMENT);
    else res.flushHeaders();
    streams.add(res);
    res.once('close', () => streams.delete(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    streams: () => streams.size,
    broadcast(t) {
      const text = frame(t);
      for (const res of streams) res.write(text);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of streams) res.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
