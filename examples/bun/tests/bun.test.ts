import { runtimeAvailable } from '../../../scripts/runtimes.ts';
import { describeSameWireAsKtorParity } from '../../ktor-parity/tests/same-wire.ts';

// Run under Bun, as `npm run example:bun` runs it.
describeSameWireAsKtorParity('bun', new URL('..', import.meta.url), {
  available: runtimeAvailable('bun', 'the examples/bun tests'),
});
