import { runExample } from '../../ktor-parity/src/run-example.ts';
import { startHonoExample } from './app.ts';

await runExample('hono', startHonoExample);
