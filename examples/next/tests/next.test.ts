import { runtimeAvailable } from '../../../scripts/runtimes.ts';
import { describeSameWireAsKtorParity } from '../../ktor-parity/tests/same-wire.ts';

// `next build --webpack`, then `next start`, as `npm run example:next` runs them.
describeSameWireAsKtorParity('next', new URL('..', import.meta.url), {
  available: runtimeAvailable('next', 'the examples/next tests'),
  build: true,
  ready: /Local:\s+(https?:\/\/[^\s/]+)[\s\S]*Ready/,
  // `next start` stops on SIGTERM and exits 128 + 15.
  exitCodeOnSigterm: 143,
});
