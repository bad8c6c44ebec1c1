import { describeSameWireAsKtorParity } from '../../ktor-parity/tests/same-wire.ts';
import { startHonoExample } from '../src/app.ts';

describeSameWireAsKtorParity('hono', new URL('..', import.meta.url), { start: startHonoExample });
