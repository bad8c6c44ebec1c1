import { runtimeAvailable } from '../../../scripts/runtimes.ts';
import { describeSameWireAsKtorParity } from '../../ktor-parity/tests/same-wire.ts';

// Run under Deno, as `npm run example:deno` runs it.
describeSameWireAsKtorParity('deno', new URL('..', import.meta.url), {
  available: runtimeAvailable('deno', 'the examples/deno tests'),
});
