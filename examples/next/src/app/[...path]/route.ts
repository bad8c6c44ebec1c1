import { createFetchHandler } from '@ssekit/server/fetch';
import { createKtorParityRouter } from '../../../../ktor-parity/src/router.ts';

// The ktor-parity routes as a Next.js App Router route handler: a catch-all route whose GET is the fetch adapter.
// Next.js sends the response head with the first body bytes; these routes write at once, but a stream that starts
// silent (a hub subscriber) should open with a comment: createFetchHandler(router, { openComment: 'open' }).
const handler = createFetchHandler(createKtorParityRouter());

// Never prerendered or cached: every request runs the handler.
export const dynamic = 'force-dynamic';
export { handler as GET };
