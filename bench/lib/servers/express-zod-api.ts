import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { attachRouting, createConfig, EventStreamFactory } from 'express-zod-api';
import { HELLO_SEQ, STREAM_PATH, TICK_EVENT, type Tick, TickSchema, tick } from '../tick.ts';
import type { BenchServer } from './types.ts';

type Emit = (event: typeof TICK_EVENT, data: Tick) => void;

/** express-zod-api's `EventStreamFactory`: every `emit` parses the data with the event's zod schema, then writes. */
export async function startExpressZodApi(): Promise<BenchServer> {
  const emitters = new Set<Emit>();
  const endpoint = new EventStreamFactory({ [TICK_EVENT]: TickSchema }).buildVoid({
    handler: async ({ ctx: { emit, signal } }) => {
      const send: Emit = (event, data) => emit(event, data);
      send(TICK_EVENT, tick(HELLO_SEQ));
      emitters.add(send);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      emitters.delete(send);
    },
  });
  const app = express();
  const config = createConfig({ app, cors: false, startupLogo: false, accessLogger: null, logger: { level: 'warn' } });
  const { notFoundHandler } = attachRouting(config, { [STREAM_PATH.slice(1)]: endpoint });
  app.use(notFoundHandler);
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    streams: () => emitters.size,
    broadcast(t) {
      for (const emit of emitters) emit(TICK_EVENT, t);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
