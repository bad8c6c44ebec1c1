import { runExample } from '../../ktor-parity/src/run-example.ts';
import { startBunExample } from './app.ts';

await runExample('bun', startBunExample);
