import { adapters } from './conformance/adapters.ts';
import { describeConformance } from './conformance/suite.ts';

// node:http, node:http2 (h2c, TLS), the fetch adapter on @hono/node-server, Express 5, Fastify 5: in this process.
// SSEKIT_CONFORMANCE_ADAPTERS (comma-separated adapter names) narrows them: the mutation run uses node:http only.
const only = process.env.SSEKIT_CONFORMANCE_ADAPTERS?.split(',');
describeConformance(only ? adapters.filter((adapter) => only.includes(adapter.name)) : adapters);
