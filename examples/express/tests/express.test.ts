import { describeSameWireAsKtorParity } from '../../ktor-parity/tests/same-wire.ts';
import { startExpressExample } from '../src/app.ts';

describeSameWireAsKtorParity('express', new URL('..', import.meta.url), { start: startExpressExample });
