export {
  createPostgresStore,
  isPostgresStore,
  migrate,
  type PostgresRetention,
  type PostgresStore,
  type PostgresStoreOptions,
  type TransactionClient,
} from './postgres-store.js';
export { publishInTransaction } from './publish.js';
export { schemaSql } from './schema.js';
