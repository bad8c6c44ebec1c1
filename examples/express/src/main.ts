import { runExample } from '../../ktor-parity/src/run-example.ts';
import { startExpressExample } from './app.ts';

await runExample('express', startExpressExample);
