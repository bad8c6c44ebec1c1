import { InvalidArgumentError } from '@ssekit/contract';

/** The names of everything the store keeps, derived from its `table` option. */
export interface PostgresNames {
  /** The events (outbox) table, quoted: `"schema"."table"` or `"table"`. */
  readonly events: string;
  /** Per topic: the position through which events were trimmed by retention. */
  readonly trimmed: string;
  /** One row: the epoch of this table. */
  readonly meta: string;
  /** The index on (topic, position). */
  readonly index: string;
  /** The LISTEN/NOTIFY channel (≤ 63 bytes). */
  readonly channel: string;
  /** First key of the per-topic transaction-scoped advisory lock. */
  readonly lockKey: number;
}

const IDENT = /^[a-z_][a-z0-9_]{0,47}$/;

/**
 * Names of a `table` option: `name` or `schema.name`, lower-case letters, digits and `_` (so no quoting surprises).
 *
 * @example
 * ```ts
 * namesOf('app.chat_events').events; // '"app"."chat_events"'
 * ```
 */
export function namesOf(table: string): PostgresNames {
  const parts = table.split('.');
  if (parts.length > 2 || !parts.every((part) => IDENT.test(part))) {
    throw new InvalidArgumentError(
      `@ssekit/postgres: table must be "name" or "schema.name" of lower-case letters, digits and _ (≤ 48 each), got "${table}"`,
    );
  }
  const name = parts.at(-1) as string;
  const schema = parts.length === 2 ? `"${parts[0]}".` : '';
  return {
    events: `${schema}"${name}"`,
    trimmed: `${schema}"${name}_trimmed"`,
    meta: `${schema}"${name}_meta"`,
    index: `"${name}_topic_position"`,
    channel: `ssekit_${table.replace('.', '__')}`.slice(0, 63),
    lockKey: hash32(table),
  };
}

/**
 * The SQL that creates the store's tables (idempotent: `IF NOT EXISTS`). Run by {@link migrate}; shown here so it can go
 * into your own migrations instead.
 *
 * @example
 * ```ts
 * console.log(schemaSql('chat_events'));
 * ```
 */
export function schemaSql(table: string): string {
  const n = namesOf(table);
  return `CREATE TABLE IF NOT EXISTS ${n.events} (
  position   bigserial   PRIMARY KEY,
  topic      text        NOT NULL,
  event      text        NOT NULL,
  data       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS ${n.index} ON ${n.events} (topic, position);
CREATE TABLE IF NOT EXISTS ${n.trimmed} (
  topic   text   PRIMARY KEY,
  through bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS ${n.meta} (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch     text    NOT NULL
);
INSERT INTO ${n.meta} (epoch)
  VALUES (substr(md5(random()::text || clock_timestamp()::text), 1, 16))
  ON CONFLICT DO NOTHING;`;
}

/** FNV-1a of a string, as a signed 32-bit integer (the first key of `pg_advisory_xact_lock(int, int)`). */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
