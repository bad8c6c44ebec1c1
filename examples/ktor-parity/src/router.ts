import type { SerializeInfo } from '@ssekit/contract';
import { implement, type RouterOptions, type SseRouter } from '@ssekit/server';
import { seedContract } from '@ssekit-examples/contracts';

/**
 * The route-level serializer of `/json`, as Ktor's `sse("/json", serialize = { typeInfo, it -> … })`:
 * it learns which event and schema it writes; here it writes compact JSON.
 *
 * @example
 * ```ts
 * implement(seedContract, { json: { serialize: jsonRouteSerializer, handler } });
 * ```
 */
export function jsonRouteSerializer(value: unknown, info: SerializeInfo): string {
  if (info.schema === undefined) throw new TypeError(`no schema for ${info.event}`);
  return JSON.stringify(value);
}

/**
 * Ktor's SSE examples on ssekit: `/events` (100 text events), `/json` (a customer and a product through a route
 * serializer), `/greetings/:name` (params and query), and `/ktor/nested` in the enclosing-route form. Web APIs only
 * (no `node:` imports): every example serves this router, on node:http, Hono, Express, Fastify, Bun, Deno, a Worker
 * and Next.js.
 *
 * @example
 * ```ts
 * Bun.serve({ port: 8080, fetch: createFetchHandler(createKtorParityRouter()) });
 * ```
 */
export function createKtorParityRouter(options?: RouterOptions): SseRouter {
  const router = implement(
    seedContract,
    {
      // Ktor: sse("/events") { repeat(100) { send(ServerSentEvent("event $it")) } }
      events: async (session) => {
        for (let i = 0; i < 100; i++) await session.send('message', `event ${i}`);
      },
      // Ktor: sse("/json", serialize = { typeInfo, it -> … }) { send(Customer(0, "Jet", "Brains")); send(Product(0, listOf(100, 200))) }
      json: {
        serialize: jsonRouteSerializer,
        handler: async (session) => {
          await session.send('customer', { id: 0, firstName: 'Jet', lastName: 'Brains' });
          await session.send('product', { id: 0, prices: [100, 200] });
        },
      },
      greetings: async (session) => {
        const { name } = session.params;
        for (let n = 1; n <= session.query.count && !session.closed; n++) {
          await session.send('greeting', { text: `Hello, ${name}!`, n }, { id: String(n) });
        }
      },
    },
    options,
  );
  // Ktor: route("/ktor/nested") { sse { send(ServerSentEvent("…")) } }
  router.route('/ktor', (ktor) =>
    ktor.route('/nested', (nested) =>
      nested.sse(async (session) => {
        await session.send({ data: 'Hello from the enclosing route', event: 'hello', id: '1' });
      }),
    ),
  );
  return router;
}
