import { InvalidArgumentError, isSsekitError, logError } from '@ssekit/contract';
import {
  comparePositions,
  formatEventId,
  positiveStoreOption,
  type ReplayResult,
  type ReplayStore,
  type StoredEvent,
  type StoreListener,
  StoreUnavailableError,
  type StreamPosition,
  ZERO_POSITION,
} from '@ssekit/server/broadcast';
import pg from 'pg';
import { namesOf, type PostgresNames, schemaSql } from './schema.js';

/**
 * Whatever runs one SQL statement with `$1…` parameters inside your transaction: a `pg` `PoolClient`/`Client` as is,
 * or a small adapter around an ORM's transaction (see the README for Drizzle, Prisma and Kysely). It may resolve to
 * `{ rows }` (node-postgres, Kysely) or to the rows themselves (Prisma's `$queryRawUnsafe`).
 */
export interface TransactionClient {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** Retention of each topic's events; whichever limit is hit first drops the oldest. */
export interface PostgresRetention {
  /** Events kept per topic. Default 1000. */
  maxEvents?: number;
  /** Age after which events are dropped, in ms. Default 24 h. */
  maxAgeMs?: number;
  /** Bytes of event data kept per topic (data + name, plus 64 per event). Default 1 MiB. */
  maxBytes?: number;
}

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /** A `pg` pool to use (left open by `close()`); the store holds one of its connections for LISTEN. */
  pool?: pg.Pool;
  /** Connection string when no `pool` is given. Default: node-postgres's defaults (the `PG*` environment variables). */
  connectionString?: string;
  /** The events (outbox) table: `name` or `schema.name`. Default `ssekit_events`. */
  table?: string;
  /** Limits per topic, applied after each `append` and by a periodic sweep for transactional publishes. */
  retention?: PostgresRetention;
  /** Create the tables when missing (see {@link schemaSql}). Default true; pass false when your migrations do it. */
  migrate?: boolean;
  /**
   * Every this many ms each served topic is re-read even without a notification (a safety net; notifications are the
   * fast path) and retention is swept. Default 2000.
   */
  pollIntervalMs?: number;
  /** How long a publish or replay waits for PostgreSQL before failing with STORE_UNAVAILABLE. Default 2000 ms. */
  commandTimeoutMs?: number;
  /** Connection errors and failed reads (`StoreUnavailableError`; the store keeps retrying). Default: logged once per outage. */
  onError?: (error: unknown) => void;
}

/** A PostgreSQL replay store: what {@link createPostgresStore} resolves to. */
export interface PostgresStore extends ReplayStore {
  /** The epoch of the table (stored in it: a dropped and recreated table is a new epoch). */
  readonly epoch: string;
  /** The events table's name, as given. */
  readonly table: string;
  /**
   * Writes an event inside the caller's open transaction: it is delivered if and only if that transaction commits.
   * Takes a transaction-scoped lock on the topic, so publishes to one topic commit in position order (see README).
   * Prefer {@link publishInTransaction}, which validates the event with the hub's contract first.
   */
  appendInTransaction(client: TransactionClient, topic: string, event: string, data: string): Promise<StoredEvent>;
  /** Applies retention now (every topic, or one). */
  trim(topic?: string): Promise<void>;
}

const MARK = Symbol.for('ssekit.postgres-store');
const FETCH_PAGE = 500;

interface Feed {
  readonly topic: string;
  readonly listeners: Set<StoreListener>;
  last: StreamPosition;
  fetching: Promise<void> | undefined;
  again: boolean;
  ready: boolean;
}

/**
 * True when `store` was made by {@link createPostgresStore}.
 *
 * @example
 * ```ts
 * if (!isPostgresStore(hub.store)) throw new Error('this hub cannot publish inside a transaction');
 * ```
 */
export function isPostgresStore(store: unknown): store is PostgresStore {
  return typeof store === 'object' && store !== null && (store as { [MARK]?: true })[MARK] === true;
}

/**
 * Creates the store's tables in `db` when missing (idempotent). The SQL is {@link schemaSql}.
 *
 * @example
 * ```ts
 * await migrate(pool, 'chat_events');
 * ```
 */
export async function migrate(db: TransactionClient, table = 'ssekit_events'): Promise<void> {
  // Instances starting together would race on `CREATE TABLE IF NOT EXISTS` (a unique violation in pg_class): the
  // statements run as one implicit transaction (one simple query) holding a lock of this table's key meanwhile.
  await db.query(`SELECT pg_advisory_xact_lock(${namesOf(table).lockKey}, 0);\n${schemaSql(table)}`);
}

/**
 * A replay store on PostgreSQL whose events can be written inside the application's own transactions (a transactional
 * outbox): an event is delivered if and only if its transaction commits. Events live in one table (a `bigserial`
 * position per event, ids `<epoch>-<position>-0`); a `NOTIFY` sent with the transaction wakes every instance's relay,
 * which reads the served topics after their last delivered position (and re-reads them periodically, and after any
 * reconnect, so a lost notification delays but never drops an event). Publishes to one topic take a
 * transaction-scoped advisory lock before taking their position, so a topic's positions become visible in order: a
 * reader never passes a position whose transaction commits later.
 *
 * @example
 * ```ts
 * const store = await createPostgresStore({ pool, table: 'chat_events' });
 * const hub = createHub(chatContract.roomEvents, { store });
 * ```
 */
export async function createPostgresStore(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const table = options.table ?? 'ssekit_events';
  const names = namesOf(table);
  const maxEvents = positiveInt('retention.maxEvents', options.retention?.maxEvents ?? 1000);
  const maxAgeMs = positiveInt('retention.maxAgeMs', options.retention?.maxAgeMs ?? 24 * 3_600_000);
  const maxBytes = positiveInt('retention.maxBytes', options.retention?.maxBytes ?? 1024 * 1024);
  const pollIntervalMs = positiveInt('pollIntervalMs', options.pollIntervalMs ?? 2000);
  const timeout = positiveInt('commandTimeoutMs', options.commandTimeoutMs ?? 2000);
  const ownPool = !options.pool;
  const connectionString = options.connectionString;
  const pool =
    options.pool ??
    new pg.Pool({
      connectionString,
      connectionTimeoutMillis: timeout,
      query_timeout: timeout,
      max: 10,
    });
  let outageReported = false;
  const report = (failure: unknown) => {
    const error = isSsekitError(failure)
      ? failure
      : new StoreUnavailableError(`PostgreSQL: ${failure instanceof Error ? failure.message : String(failure)}`, {
          cause: failure,
        });
    if (options.onError) options.onError(error);
    else if (!outageReported) {
      outageReported = true;
      logError(error, 'postgres store');
    }
  };
  if (ownPool) pool.on('error', report);

  let closed = false;
  async function command<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreUnavailableError(`${what}: the PostgreSQL store is closed`);
    try {
      return await run();
    } catch (error) {
      if (isSsekitError(error)) throw error;
      throw new StoreUnavailableError(`${what}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  let epoch: string;
  try {
    if (options.migrate !== false) await migrate(pool, table);
    epoch = await readEpoch();
  } catch (error) {
    if (ownPool) await pool.end().catch(() => {});
    throw new StoreUnavailableError(`cannot set up the PostgreSQL store "${table}"`, { cause: error });
  }

  async function readEpoch(): Promise<string> {
    const { rows } = await pool.query<{ epoch: string }>(`SELECT epoch FROM ${names.meta}`);
    const seen = rows[0]?.epoch;
    if (!seen) throw new StoreUnavailableError(`${names.meta} has no epoch row: run migrate()`);
    return seen;
  }

  const feeds = new Map<string, Feed>();
  /** Topics written since the last sweep (from notifications). */
  const dirty = new Set<string>();
  let listener: pg.PoolClient | pg.Client | undefined;
  let listening: Promise<void> | undefined;
  let listenedOnce = false;

  function observeEpoch(seen: string): void {
    if (seen === epoch) return;
    epoch = seen;
    for (const feed of feeds.values()) {
      feed.last = ZERO_POSITION;
      for (const l of feed.listeners) l.reset(seen);
      schedule(feed);
    }
  }

  function deliver(feed: Feed, stored: StoredEvent): void {
    if (comparePositions(stored.position, feed.last) <= 0) return;
    feed.last = stored.position;
    for (const l of feed.listeners) l.event(stored);
  }

  /** Reads a feed's topic after its last delivered position; coalesces wake-ups that come while it runs. */
  function schedule(feed: Feed): void {
    if (!feed.ready) return;
    if (feed.fetching) {
      feed.again = true;
      return;
    }
    feed.fetching = (async () => {
      try {
        do {
          feed.again = false;
          for (;;) {
            const { rows } = await pool.query<{ position: string; event: string; data: string }>(
              // Ordered by the bigint column (qualified: the text alias would sort as text).
              `SELECT e.position::text AS position, e.event, e.data FROM ${names.events} e
               WHERE e.topic = $1 AND e.position > $2 ORDER BY e.position LIMIT ${FETCH_PAGE}`,
              [feed.topic, feed.last.ms],
            );
            for (const row of rows) deliver(feed, toStored(feed.topic, epoch, row));
            if (rows.length < FETCH_PAGE || closed || !feeds.has(feed.topic)) break;
          }
        } while (feed.again && !closed);
      } catch (error) {
        report(error);
      } finally {
        feed.fetching = undefined;
      }
    })();
  }

  async function listen(): Promise<void> {
    for (let attempt = 0; !closed; attempt++) {
      let client: pg.PoolClient | pg.Client | undefined;
      try {
        if (ownPool) {
          // Not from the pool: this connection stays checked out for as long as the store runs.
          client = new pg.Client({ connectionString, connectionTimeoutMillis: timeout });
          await client.connect();
        } else {
          client = await pool.connect();
        }
        const current = client;
        current.on('notification', (message) => {
          if (message.channel !== names.channel || message.payload === undefined) return;
          dirty.add(message.payload);
          const feed = feeds.get(message.payload);
          if (feed) schedule(feed);
        });
        const lost = (error: unknown) => {
          if (listener !== current || closed) return;
          report(error);
          listener = undefined;
          drop(current, error);
          if (!closed) listening = listen().catch(report);
        };
        current.on('error', lost);
        current.on('end', () => lost(new Error('the LISTEN connection ended')));
        await current.query(`LISTEN "${names.channel}"`);
        listener = current;
        listenedOnce = true;
        outageReported = false;
        // Whatever was committed while nobody listened: re-read every served topic.
        if (feeds.size > 0) {
          observeEpoch(await readEpoch());
          for (const feed of feeds.values()) schedule(feed);
        }
        return;
      } catch (error) {
        // Forget it first: its 'end' must not start a second reconnect loop beside this one.
        if (listener === client) listener = undefined;
        if (client) drop(client, error);
        if (attempt === 0 && !listenedOnce) throw error;
        report(error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * attempt, 1000)));
      }
    }
  }

  function drop(client: pg.PoolClient | pg.Client, error: unknown): void {
    if ('release' in client) client.release(error instanceof Error ? error : true);
    else void client.end().catch(() => {});
  }

  try {
    listening = listen();
    await listening;
  } catch (error) {
    if (ownPool) await pool.end().catch(() => {});
    throw new StoreUnavailableError(`cannot LISTEN on PostgreSQL for "${table}"`, { cause: error });
  }

  const poller = setInterval(() => {
    if (closed) return;
    void (async () => {
      try {
        observeEpoch(await readEpoch());
        await pollFeeds();
        await sweep();
      } catch (error) {
        report(error);
      }
    })();
  }, pollIntervalMs);
  poller.unref?.();

  /**
   * The safety net behind notifications: one query finds the served topics with rows after their last delivered
   * position (an index probe per topic), and only those are read.
   */
  async function pollFeeds(): Promise<void> {
    const ready = [...feeds.values()].filter((feed) => feed.ready && !feed.fetching);
    if (ready.length === 0) return;
    const { rows } = await pool.query<{ topic: string }>(
      `SELECT f.topic FROM unnest($1::text[], $2::bigint[]) AS f(topic, last)
       WHERE EXISTS (SELECT 1 FROM ${names.events} e WHERE e.topic = f.topic AND e.position > f.last)`,
      [ready.map((feed) => feed.topic), ready.map((feed) => feed.last.ms)],
    );
    for (const { topic } of rows) {
      const feed = feeds.get(topic);
      if (feed) schedule(feed);
    }
  }

  /** Trims the topics written since the last sweep; one instance at a time (a try-lock), the others skip. */
  async function sweep(): Promise<void> {
    if (dirty.size === 0) return;
    const topics = [...dirty];
    dirty.clear();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, 0) AS ok', [
        names.lockKey,
      ]);
      if (rows[0]?.ok) for (const topic of topics) await client.query(TRIM_SQL(names), trimArgs(topic));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  function trimArgs(topic: string): unknown[] {
    return [topic, maxEvents, maxBytes, maxAgeMs];
  }

  async function appendInTransaction(
    client: TransactionClient,
    topic: string,
    event: string,
    data: string,
  ): Promise<StoredEvent> {
    if (typeof topic !== 'string' || topic === '') {
      throw new InvalidArgumentError('@ssekit/postgres: a topic must be a non-empty string');
    }
    return command(`append to "${topic}"`, async () => {
      const rows = rowsOf(
        await client.query(APPEND_SQL(names), [topic, event, data, names.channel, names.lockKey]),
      ) as {
        position: string;
        epoch: string;
      }[];
      const row = rows[0];
      if (!row) throw new StoreUnavailableError(`append to "${topic}": ${names.meta} has no epoch row`);
      return toStored(topic, row.epoch, { position: row.position, event, data });
    });
  }

  async function head(topic: string): Promise<{ epoch: string; position: StreamPosition }> {
    const { rows } = await command(`head of "${topic}"`, () =>
      pool.query<{ epoch: string; last: string }>(
        `SELECT m.epoch, GREATEST(
           (SELECT coalesce(max(position), 0) FROM ${names.events} WHERE topic = $1),
           (SELECT coalesce(max(through), 0) FROM ${names.trimmed} WHERE topic = $1))::text AS last
         FROM ${names.meta} m`,
        [topic],
      ),
    );
    const row = rows[0];
    if (!row) throw new StoreUnavailableError(`head of "${topic}": ${names.meta} has no epoch row`);
    observeEpoch(row.epoch);
    return { epoch: row.epoch, position: { ms: Number(row.last), seq: 0 } };
  }

  const store: PostgresStore & { [MARK]: true } = {
    [MARK]: true,
    get epoch() {
      return epoch;
    },
    table,
    appendInTransaction,
    async append(topic, event, data) {
      // One statement is its own transaction: the topic lock is held until it commits.
      const stored = await appendInTransaction(pool, topic, event, data);
      await pool.query(TRIM_SQL(names), trimArgs(topic)).catch(report);
      return stored;
    },
    async subscribe(topic, l) {
      let feed = feeds.get(topic);
      if (!feed) {
        if (!listener) throw new StoreUnavailableError(`subscribe to "${topic}": not listening to PostgreSQL`);
        const created: Feed = {
          topic,
          listeners: new Set([l]),
          last: ZERO_POSITION,
          fetching: undefined,
          again: false,
          ready: false,
        };
        feeds.set(topic, created);
        try {
          // LISTEN is already on: a commit after this head query wakes the feed; one between is read right below.
          created.last = (await head(topic)).position;
        } catch (error) {
          feeds.delete(topic);
          throw error;
        }
        created.ready = true;
        schedule(created);
        feed = created;
      } else {
        feed.listeners.add(l);
      }
      const current = feed;
      return () => {
        current.listeners.delete(l);
        if (current.listeners.size === 0 && feeds.get(topic) === current) feeds.delete(topic);
      };
    },
    head,
    async read(topic, idEpoch, position, limit): Promise<ReplayResult> {
      const max = limit !== undefined && limit > 0 ? Math.min(Math.floor(limit), 10_000) : maxEvents + 1;
      const { rows } = await command(`replay of "${topic}"`, () =>
        pool.query<{
          epoch: string;
          through: string;
          last: string;
          events: { position: string; event: string; data: string }[];
        }>(
          `SELECT m.epoch,
             (SELECT coalesce(max(through), 0) FROM ${names.trimmed} WHERE topic = $1)::text AS through,
             (SELECT coalesce(max(position), 0) FROM ${names.events} WHERE topic = $1)::text AS last,
             (SELECT coalesce(json_agg(json_build_object('position', x.position::text, 'event', x.event, 'data', x.data)
                ORDER BY x.position), '[]') FROM (
                SELECT e.position, e.event, e.data FROM ${names.events} e
                WHERE e.topic = $1 AND e.position > $2 ORDER BY e.position LIMIT $3) x) AS events
           FROM ${names.meta} m`,
          [topic, idEpoch === epoch ? position.ms : 0, max],
        ),
      );
      const row = rows[0];
      if (!row) throw new StoreUnavailableError(`replay of "${topic}": ${names.meta} has no epoch row`);
      observeEpoch(row.epoch);
      if (idEpoch !== row.epoch) return { kind: 'reset', reason: 'other-epoch' };
      const through = Number(row.through);
      const last = Math.max(Number(row.last), through);
      if (position.seq !== 0 || position.ms > last) return { kind: 'reset', reason: 'unknown-position' };
      if (position.ms < through) return { kind: 'reset', reason: 'expired' };
      return { kind: 'events', events: row.events.map((e) => toStored(topic, row.epoch, e)) };
    },
    async trim(topic) {
      await command('trim', async () => {
        const topics =
          topic === undefined
            ? (await pool.query<{ topic: string }>(`SELECT DISTINCT topic FROM ${names.events}`)).rows.map(
                (r) => r.topic,
              )
            : [topic];
        for (const t of topics) await pool.query(TRIM_SQL(names), trimArgs(t));
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(poller);
      await listening?.catch(() => {});
      await Promise.allSettled([...feeds.values()].map((feed) => feed.fetching));
      feeds.clear();
      const current = listener;
      listener = undefined;
      if (current) {
        await current.query(`UNLISTEN "${names.channel}"`).catch(() => {});
        if ('release' in current) current.release();
        else await current.end().catch(() => {});
      }
      if (ownPool) await pool.end().catch(() => {});
    },
  };
  return store;
}

/**
 * One publish, one statement: the topic's transaction-scoped advisory lock first (the inserted row only exists once the
 * lock is held, so its `bigserial` position is taken after it), then the row, the epoch and the NOTIFY (sent at commit).
 * Publishes to one topic thus get their positions in commit order: a relay reading `position > last` never passes a
 * position that commits later. $1 topic, $2 event, $3 data, $4 channel, $5 lock key.
 */
function APPEND_SQL(n: PostgresNames): string {
  // MATERIALIZED: the lock is its own plan node; the row (and its nextval) is computed from that node's output.
  return `WITH topic_lock AS MATERIALIZED (
    SELECT pg_advisory_xact_lock($5::int, hashtext($1)) AS locked
  ), ins AS (
    INSERT INTO ${n.events} (topic, event, data)
    SELECT $1, $2, $3 FROM topic_lock
    RETURNING position
  )
  SELECT ins.position::text AS position, m.epoch, pg_notify($4, $1) FROM ins, ${n.meta} m`;
}

/**
 * Retention of one topic: among its newest `maxEvents + 1` events, the newest one past any limit (count, cumulative
 * bytes from the newest, age) and everything older is deleted, and the trimmed-through position remembered (so replay
 * from before it answers `expired`). $1 topic, $2 maxEvents, $3 maxBytes, $4 maxAgeMs.
 */
function TRIM_SQL(n: PostgresNames): string {
  return `WITH recent AS (
    SELECT position, created_at,
      row_number() OVER w AS rn,
      sum(octet_length(data) + octet_length(event) + 64) OVER w AS bytes
    FROM (SELECT position, created_at, data, event FROM ${n.events}
          WHERE topic = $1 ORDER BY position DESC LIMIT $2::int + 1) newest
    WINDOW w AS (ORDER BY position DESC)
  ), cut AS (
    SELECT max(position) AS through FROM recent
    WHERE rn > $2::int OR bytes > $3::bigint OR created_at < clock_timestamp() - $4::bigint * interval '1 millisecond'
  ), aged AS (
    DELETE FROM ${n.events}
    WHERE topic = $1 AND (position <= (SELECT through FROM cut)
      OR created_at < clock_timestamp() - $4::bigint * interval '1 millisecond')
    RETURNING position
  )
  INSERT INTO ${n.trimmed} (topic, through)
    SELECT $1, max(position) FROM aged HAVING count(*) > 0
  ON CONFLICT (topic) DO UPDATE SET through = GREATEST(${n.trimmed}.through, EXCLUDED.through)`;
}

function toStored(topic: string, epoch: string, row: { position: string; event: string; data: string }): StoredEvent {
  const position = { ms: Number(row.position), seq: 0 };
  return { topic, epoch, position, id: formatEventId(epoch, position), event: row.event, data: row.data };
}

function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result)) return result;
  const rows = (result as { rows?: unknown } | undefined)?.rows;
  return Array.isArray(rows) ? rows : [];
}

const positiveInt = (name: string, value: number): number => positiveStoreOption('createPostgresStore', name, value);
