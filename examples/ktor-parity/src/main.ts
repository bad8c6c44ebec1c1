import { startKtorParity } from './app.ts';
import { runExample } from './run-example.ts';

await runExample('ktor-parity', startKtorParity);
