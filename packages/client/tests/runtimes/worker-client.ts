/**
 * The client checks inside a Worker: each request runs both generated clients against the server Worker, reached
 * through the `SERVER` service binding (Worker-to-Worker, no public network), and answers the results as JSON.
 */
import { runClientChecks } from './client-checks.ts';

interface Env {
  SERVER: { fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> };
}

export default {
  async fetch(_request: Request, env: Env): Promise<Response> {
    const results = await runClientChecks('http://server.internal', (input, init) => env.SERVER.fetch(input, init));
    return Response.json({ runtime: `workerd (${navigator.userAgent})`, results });
  },
};
