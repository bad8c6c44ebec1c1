import { describeSameWireAsKtorParity } from '../../ktor-parity/tests/same-wire.ts';
import { startFastifyExample } from '../src/app.ts';

describeSameWireAsKtorParity('fastify', startFastifyExample, new URL('..', import.meta.url));
