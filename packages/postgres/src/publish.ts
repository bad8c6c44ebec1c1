import {
  type AnyContractRoute,
  type InferEventInput,
  type InferEventName,
  type InferParamsInput,
  InvalidArgumentError,
} from '@ssekit/contract';
import type { Hub, PublishReceipt } from '@ssekit/server/broadcast';
import { isPostgresStore, type TransactionClient } from './postgres-store.js';

/**
 * Publishes an event of `hub` inside your open transaction: validated and serialized by the hub exactly as
 * `hub.publish` does, then written to the hub's PostgreSQL store (its outbox table) with `client`. Subscribers on every
 * instance receive it once the transaction commits; if it rolls back, nobody ever does. The receipt's id is final, but
 * only meaningful once you commit.
 *
 * The hub's store must be a {@link createPostgresStore} store on the database `client` talks to.
 *
 * @example
 * ```ts
 * const client = await pool.connect();
 * try {
 *   await client.query('BEGIN');
 *   await client.query('INSERT INTO messages (room, text) VALUES ($1, $2)', [roomId, text]);
 *   await publishInTransaction(client, hub, { roomId }, 'message', { user, text });
 *   await client.query('COMMIT');
 * } catch (error) {
 *   await client.query('ROLLBACK');
 *   throw error;
 * } finally {
 *   client.release();
 * }
 * ```
 */
export async function publishInTransaction<R extends AnyContractRoute, K extends InferEventName<R>>(
  client: TransactionClient,
  hub: Hub<R>,
  params: InferParamsInput<R>,
  event: K,
  data: InferEventInput<R, K>,
): Promise<PublishReceipt> {
  const store = hub.store;
  if (!isPostgresStore(store)) {
    throw new InvalidArgumentError(
      `publishInTransaction: hub "${hub.route}" does not use a PostgreSQL store; create it with { store: await createPostgresStore(…) }`,
    );
  }
  if (typeof client?.query !== 'function') {
    throw new InvalidArgumentError(
      'publishInTransaction: pass a client with query(text, values), e.g. a pg PoolClient',
    );
  }
  const prepared = await hub.prepare(params, event, data);
  const stored = await store.appendInTransaction(client, prepared.topic, prepared.event, prepared.data);
  return { id: stored.id, topic: stored.topic, epoch: stored.epoch, position: stored.position };
}
