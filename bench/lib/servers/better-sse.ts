import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChannel, createSession } from 'better-sse';
import { HELLO_SEQ, STREAM_PATH, TICK_EVENT, tick } from '../tick.ts';
import type { BenchServer } from './types.ts';

/** better-sse: a session per request registered on a Channel; events go out with `channel.broadcast`. */
export async function startBetterSse(): Promise<BenchServer> {
  const channel = createChannel();
  const server = createServer((req, res) => {
    if (req.url !== STREAM_PATH) {
      res.writeHead(404).end();
      return;
    }
    createSession(req, res).then(
      (session) => {
        session.push(tick(HELLO_SEQ), TICK_EVENT);
        channel.register(session);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    streams: () => channel.sessionCount,
    broadcast(t) {
      channel.broadcast(t, TICK_EVENT);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
