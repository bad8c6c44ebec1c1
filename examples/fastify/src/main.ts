import { runExample } from '../../ktor-parity/src/run-example.ts';
import { startFastifyExample } from './app.ts';

await runExample('fastify', (options) => startFastifyExample({ ...options, logger: true }));
