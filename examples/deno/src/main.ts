import { runExample } from '../../ktor-parity/src/run-example.ts';
import { startDenoExample } from './app.ts';

await runExample('deno', startDenoExample);
