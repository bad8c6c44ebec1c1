import { describeSameWireAsKtorParity } from '../../ktor-parity/tests/same-wire.ts';
import { startFastifyExample } from '../src/app.ts';

describeSameWireAsKtorParity('fastify', new URL('..', import.meta.url), { start: startFastifyExample });
