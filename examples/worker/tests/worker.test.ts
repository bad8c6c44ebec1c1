import { runtimeAvailable } from '../../../scripts/runtimes.ts';
import { describeSameWireAsKtorParity } from '../../ktor-parity/tests/same-wire.ts';
import { startWorkerExample } from '../src/app.ts';

// The Worker in workerd (miniflare), driven from this process.
describeSameWireAsKtorParity('worker', new URL('..', import.meta.url), {
  start: startWorkerExample,
  available: runtimeAvailable('workerd', 'the examples/worker tests'),
  // miniflare's own exit hook stops workerd on SIGTERM and exits 128 + 15.
  exitCodeOnSigterm: 143,
});
