/**
 * One server instance on a shared Redis, for the scale-out test across runtimes: run under Bun or Deno (or Node),
 * `instance.ts <name>`. Serves the feed contract through a hub with the Redis store (same ioredis client library as
 * on Node), plus `POST /publish?feed=&n=` (publishes `tick { src: <name>, n }`, answers the receipt as JSON) and
 * `/subscribers` (open subscriptions here). Prints `listening on <url>`; exits when stdin closes, within 60 s anyway.
 */
import process from 'node:process';
import { implement } from '@ssekit/server';
import { createHub } from '@ssekit/server/broadcast';
import { createFetchHandler } from '@ssekit/server/fetch';
import { serveHere } from '../../../../scripts/runtime-apis.ts';
import { createRedisReplayStore } from '../../src/index.ts';
import { feedContract } from '../fixtures/feed-contract.ts';

const hardStop = setTimeout(() => process.exit(0), 60_000);
(hardStop as { unref?: () => void }).unref?.();
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

const name = process.argv[2] ?? 'x';
const store = await createRedisReplayStore({
  url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  prefix: process.env.PREFIX ?? 'ssekit-runtimes',
});
const hub = createHub(feedContract.feed, { store });
const sse = createFetchHandler(
  implement(feedContract, { feed: hub.implementation() }, { heartbeat: { periodMs: 200 } }),
);

const { url, runtime } = await serveHere(async (request) => {
  const target = new URL(request.url);
  if (target.pathname === '/publish' && request.method === 'POST') {
    const feed = target.searchParams.get('feed') ?? 'f';
    const receipt = await hub.publish({ feed }, 'tick', { src: name, n: Number(target.searchParams.get('n')) });
    return Response.json(receipt);
  }
  if (target.pathname === '/subscribers') return Response.json({ count: hub.subscriberCount() });
  return sse(request);
});
console.log(`${runtime} (${name}) listening on ${url}`);
