import { testRoute } from '@ssekit/testing';
import { seedContract } from '@ssekit-examples/contracts';
import { describe, expect, it } from 'vitest';
import { createKtorParityRouter } from '../../ktor-parity/src/app.ts';

// Express needs a socket; the ssekit router it mounts (sseMiddleware(router)) does not: @ssekit/testing drives it
// in-process, through the same routing, validation and encoding, and reads what a client would read.
describe('the router examples/express mounts, in-process (@ssekit/testing)', () => {
  const router = createKtorParityRouter({ heartbeat: false });

  it('sends the customer and the product through the route serializer, typed', async () => {
    const stream = await testRoute(router, seedContract.json);
    const [customer, product] = await stream.take(2);
    expect(customer).toEqual({ event: 'customer', data: { id: 0, firstName: 'Jet', lastName: 'Brains' } });
    expect(product?.event).toBe('product');
    await stream.expectEnd();
  });

  it('stops reading with close(): the greetings handler sees its stream closed', async () => {
    const stream = await testRoute(router, seedContract.greetings, { params: { name: 'Ada' }, query: { count: 1000 } });
    const first = await stream.take(3);
    expect(first.map((e) => e.id)).toEqual(['1', '2', '3']);
    await stream.close();
    expect(stream.ended).toBe(true);
    expect(router.sessionCount).toBe(0);
  });

  it('iterates with for await until the stream ends', async () => {
    const seen: number[] = [];
    for await (const event of await testRoute(router, seedContract.greetings, { params: { name: 'Bo' } })) {
      if (event.event === 'greeting') seen.push(event.data.n);
    }
    expect(seen).toEqual([1, 2, 3]);
  });
});
