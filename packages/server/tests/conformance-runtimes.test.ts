import { runtimeHosts } from './conformance/hosts/remote.ts';
import { describeConformance } from './conformance/suite.ts';

// The fetch adapter in other runtimes, each in its own process: Bun.serve and Deno.serve (directly and through Hono),
// and workerd through miniflare (a Worker with a Durable Object per feed).
describeConformance(runtimeHosts);
