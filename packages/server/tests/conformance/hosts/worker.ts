/**
 * The conformance host as a Cloudflare Worker module, bundled with esbuild and run by workerd through miniflare.
 *
 * A stateless Worker has no process shared by its requests: two requests may run in different isolates (or on
 * different machines), and workerd ties timers and stream writes to the request that made them. So the feeds (the
 * hub with its memory store) live in a Durable Object per feed, which every request for that feed reaches; the other
 * routes run in the Worker itself.
 */
import type { Snapshot } from '../observations.ts';
import { type ConformanceHost, createConformanceHost, SEEN_PATH } from './host-app.ts';

/** The parts of the Durable Object namespace binding this Worker uses. */
interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: unknown): { fetch(request: Request): Promise<Response> };
}

interface Env {
  FEEDS: DurableObjectNamespaceLike;
}

/** One feed's Durable Object: the whole fixture, of which only the feed routes are reached. */
export class FeedObject {
  readonly #host: ConformanceHost = createConformanceHost();

  fetch(request: Request): Promise<Response> {
    return this.#host.fetch(request);
  }
}

const host = createConformanceHost();
const FEED_PATH = /^\/feeds\/([^/]+)/;

/** The Worker's observations with the feed object's live sessions and subscribers (feed `a`, the one the suite uses). */
async function observe(request: Request, env: Env): Promise<Response> {
  const feed = env.FEEDS.get(env.FEEDS.idFromName('a'));
  const [own, feeds] = await Promise.all(
    [host.fetch(request), feed.fetch(request)].map(async (response) => (await (await response).json()) as Snapshot),
  );
  const worker = own as Snapshot;
  const object = feeds as Snapshot;
  return Response.json({
    ...worker,
    errors: [...worker.errors, ...object.errors],
    sessions: worker.sessions + object.sessions,
    hubSubscribers: object.hubSubscribers,
  } satisfies Snapshot);
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    const feed = FEED_PATH.exec(pathname)?.[1];
    if (feed !== undefined) return env.FEEDS.get(env.FEEDS.idFromName(feed)).fetch(request);
    if (pathname === SEEN_PATH) return observe(request, env);
    return host.fetch(request);
  },
};
