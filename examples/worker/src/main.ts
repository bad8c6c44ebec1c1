import { runExample } from '../../ktor-parity/src/run-example.ts';
import { startWorkerExample } from './app.ts';

await runExample('worker', startWorkerExample);
