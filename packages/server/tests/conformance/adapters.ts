import type { AddressInfo } from 'node:net';
import { serve as honoServe } from '@hono/node-server';
import { createFetchHandler } from '../../src/adapters/fetch/index.ts';
import { serve } from '../../src/adapters/node/index.ts';
import type { SseRouter } from '../../src/index.ts';

/** One adapter the conformance suite runs against. */
export interface AdapterUnderTest {
  name: string;
  /** Mount the router on a fresh server on 127.0.0.1, port 0. */
  start(router: SseRouter): Promise<{ url: string; close(): Promise<void> }>;
  /** 'h2' adapters are exercised with an HTTP/2 client and must send no Connection header. */
  protocol: 'h1' | 'h2';
  tls?: boolean;
}

/** node:http, through `serve` / `createNodeHandler`. */
const nodeAdapter: AdapterUnderTest = {
  name: 'node:http',
  protocol: 'h1',
  start: async (router) => {
    const running = await serve(router, { port: 0 });
    return { url: running.url, close: running.close };
  },
};

/** The fetch adapter on Node, served by @hono/node-server (as Hono users run it). */
const fetchAdapter: AdapterUnderTest = {
  name: 'fetch (@hono/node-server)',
  protocol: 'h1',
  start: (router) =>
    new Promise((resolve) => {
      const handler = createFetchHandler(router);
      const server = honoServe({ fetch: handler, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () =>
            new Promise<void>((done) => {
              router.closeAll();
              server.close(() => done());
              (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            }),
        });
      });
    }),
};

export const adapters: AdapterUnderTest[] = [nodeAdapter, fetchAdapter];
