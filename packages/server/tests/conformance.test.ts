import { adapters } from './conformance/adapters.ts';
import { describeConformance } from './conformance/suite.ts';

// node:http, node:http2 (h2c, TLS), the fetch adapter on @hono/node-server, Express 5, Fastify 5: in this process.
describeConformance(adapters);
