import type { Pool, PoolClient } from 'pg';
import {
  assertDistinctEventIds,
  expectationMet,
  NO_POSITION,
  originalResult,
  retryStartRevision,
  storedMetadata,
} from './append-rules';
import type {
  AppendResult,
  BatchHandler,
  EventMetadata,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  JsonObject,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
} from './port';
import { WrongExpectedVersionError } from './port';
import {
  createPool,
  DEFAULT_RECONNECT_POLICY,
  inTransaction,
  withReconnect,
  type ReconnectPolicy,
} from './postgres-connection';
import { PostgresListener } from './postgres-listener';
import { APPENDED_CHANNEL, migrate } from './postgres-migrations';
import { TailingSubscription, type TailPage } from './tailing-subscription';

export interface PostgresEventStoreOptions {
  /** e.g. postgres://user@host:5432/db */
  connectionString: string;
  /** Most connections in the pool (the LISTEN connection is one more). */
  maxConnections?: number;
  /** Longest wait of an idle tail between two looks when no notification arrives. */
  pollIntervalMs?: number;
  reconnect?: ReconnectPolicy;
}

const DEFAULT_MAX_CONNECTIONS = 10;
const DEFAULT_POLL_INTERVAL_MS = 1_000;
const DEFAULT_MAX_BATCH = 500;
const CONNECT_TIMEOUT_MS = 5_000;
const MAX_REVISION = 2 ** 31 - 1; // revision is an integer column

interface EventRow {
  position_text: string;
  xid_text: string;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  occurred_at: string;
  data: JsonObject;
  metadata: EventMetadata;
}

// Positions as text (bigint and xid8 exceed JS numbers), under names of their own so that an
// ORDER BY on the columns does not sort the text.
const COLUMNS = `global_position::text AS position_text, transaction_id::text AS xid_text, event_id, stream_id, revision, type,
  occurred_at, data, metadata`;

/**
 * The global order is (transaction_id, global_position): the writing transaction's ID, then the
 * order within it. A position is { commit: transaction ID, prepare: global_position }.
 */
const rowPosition = (row: { xid_text: string; position_text: string }): Position => ({
  commit: BigInt(row.xid_text),
  prepare: BigInt(row.position_text),
});

const toStoredEvent = (row: EventRow): StoredEvent => ({
  eventId: row.event_id,
  type: row.type,
  streamId: row.stream_id,
  revision: row.revision,
  position: rowPosition(row),
  occurredAt: row.occurred_at,
  data: row.data,
  metadata: row.metadata,
});

const afterParams = (after: Position | null | undefined): [string, string] =>
  after ? [after.commit.toString(), after.prepare.toString()] : ['0', '0'];

/** PostgreSQL takes LIMIT NULL as no limit. */
const limit = (maxCount: number | undefined): number | null =>
  maxCount === undefined ? null : Math.max(0, maxCount);

// Only transactions below the oldest one still running are known to be finished: a tail never
// reads past it, so an event of a transaction still open cannot turn up behind a delivered one.
const TAIL_SQL = `SELECT ${COLUMNS} FROM events
  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY transaction_id, global_position LIMIT $3`;

// Asked when the tail read found nothing: any committed event after the position is either still
// above the horizon or has just passed it (this statement's snapshot is newer), so look again soon.
const PENDING_SQL = `SELECT EXISTS (SELECT 1 FROM events
  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)) AS pending`;

const ALL_SQL = `SELECT ${COLUMNS} FROM events
  WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
  ORDER BY transaction_id, global_position LIMIT $3`;

// Taken before anything is read, so that appends to one stream run one after the other and get
// their transaction IDs (at their first insert) in revision order.
const STREAM_LOCK_SQL = 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))';

const INSERT_SQL = `INSERT INTO events (event_id, stream_id, revision, type, occurred_at, data, metadata)
  SELECT e.event_id, $1, $2::integer + e.ord::integer, e.type, e.occurred_at, e.data, e.metadata
  FROM unnest($3::text[], $4::text[], $5::text[], $6::json[], $7::json[])
    WITH ORDINALITY AS e(event_id, type, occurred_at, data, metadata, ord)
  ORDER BY e.ord
  RETURNING global_position::text AS position_text, transaction_id::text AS xid_text, revision`;

const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly pollIntervalMs: number;
  private readonly reconnect: ReconnectPolicy;
  private readonly subscriptions = new Set<TailingSubscription>();
  private listener: PostgresListener | null = null;
  private schemaReady: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.reconnect = options.reconnect ?? DEFAULT_RECONNECT_POLICY;
    this.pool = createPool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    assertDistinctEventIds(streamId, events);
    return this.run('append', async () => {
      try {
        return await inTransaction(this.pool, (client) =>
          this.appendInTransaction(client, streamId, events, expected),
        );
      } catch (error) {
        // Only reachable if an event ID is already stored in another stream: the database's
        // uniqueness rules have the last word.
        if (isUniqueViolation(error)) {
          throw new WrongExpectedVersionError(
            streamId,
            expected,
            await this.lastRevision(this.pool, streamId),
          );
        }
        throw error;
      }
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.run('read stream', () => this.queryStream(this.pool, streamId, options));
  }

  /**
   * Every committed event after `after`, in the global order. Unlike a tail this reads past
   * transactions still open, so an event may later appear before the last one returned: resume
   * from a checkpoint with subscribeToAll, not with repeated readAll calls.
   */
  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.run('read all', async () => {
      const result = await this.pool.query<EventRow>(ALL_SQL, [
        ...afterParams(options.after),
        limit(options.maxCount),
      ]);
      return result.rows.map(toStoredEvent);
    });
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): EventSubscription {
    this.listener ??= new PostgresListener(
      { connectionString: this.options.connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
      APPENDED_CHANNEL,
      this.reconnect,
      () => this.subscriptions.forEach((s) => s.wake()),
    );
    const subscription = new TailingSubscription({
      after: options.after ?? null,
      maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
      pollIntervalMs: this.pollIntervalMs,
      read: (after, maxCount) => this.run('tail', () => this.readTail(after, maxCount)),
      handler,
      onStop: (s) => this.subscriptions.delete(s),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<Position | null> {
    return this.run('head position', async () => {
      const result = await this.pool.query<{ xid_text: string; position_text: string }>(
        `SELECT transaction_id::text AS xid_text, global_position::text AS position_text FROM events
         ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
      );
      return result.rows.length === 0 ? null : rowPosition(result.rows[0]);
    });
  }

  /** True while the LISTEN connection that wakes the tails is up (for diagnostics and tests). */
  get listening(): boolean {
    return this.listener?.listening ?? false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.listener?.close();
    await this.pool.end();
  }

  /** Makes sure the schema is there, then runs `operation`, reconnecting as the policy allows. */
  private run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The PostgreSQL event store is closed'));
    return withReconnect(what, this.reconnect, async () => {
      await this.ensureSchema();
      return operation();
    });
  }

  private ensureSchema(): Promise<void> {
    this.schemaReady ??= migrate(this.pool).catch((error: unknown) => {
      this.schemaReady = null; // try again on the next call
      throw error;
    });
    return this.schemaReady;
  }

  private async readTail(after: Position | null, maxCount: number): Promise<TailPage> {
    const params = afterParams(after);
    const result = await this.pool.query<EventRow>(TAIL_SQL, [...params, maxCount]);
    if (result.rows.length > 0) return { events: result.rows.map(toStoredEvent) };
    const pending = await this.pool.query<{ pending: boolean }>(PENDING_SQL, params);
    return { events: [], pending: pending.rows[0].pending };
  }

  private async lastRevision(db: Pool | PoolClient, streamId: string): Promise<number | null> {
    const result = await db.query<{ revision: number | null }>(
      'SELECT max(revision) AS revision FROM events WHERE stream_id = $1',
      [streamId],
    );
    return result.rows[0].revision;
  }

  private async appendInTransaction(
    client: PoolClient,
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    await client.query(STREAM_LOCK_SQL, [streamId]);
    // One statement (after the lock, so it sees the appends that held it): the stream's last
    // revision, and where the first event ID is stored if it is (then the append may be a retry).
    const state = await client.query<{ actual: number | null; original: number | null }>(
      `SELECT (SELECT max(revision) FROM events WHERE stream_id = $1) AS actual,
              (SELECT revision FROM events WHERE event_id = $2) AS original`,
      [streamId, events[0]?.eventId ?? null],
    );
    const { actual, original } = state.rows[0];

    if (original !== null) {
      const stored = await this.queryStream(client, streamId, {
        fromRevision: retryStartRevision(expected, original),
        maxCount: events.length,
      });
      const result = originalResult(events, stored);
      if (result === null) throw new WrongExpectedVersionError(streamId, expected, actual);
      return result;
    }

    if (!expectationMet(expected, actual)) throw new WrongExpectedVersionError(streamId, expected, actual);

    if (events.length === 0) {
      // Nothing to write: report the stream's current state.
      if (actual === null) return { nextExpectedRevision: -1, position: NO_POSITION };
      const [last] = await this.queryStream(client, streamId, { fromRevision: actual, maxCount: 1 });
      return { nextExpectedRevision: actual, position: last.position };
    }

    const inserted = await client.query<{
      position_text: string;
      xid_text: string;
      revision: number;
    }>(INSERT_SQL, [
      streamId,
      actual ?? -1,
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => e.occurredAt),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(storedMetadata(e.metadata))),
    ]);
    const last = inserted.rows.reduce((a, b) => (b.revision > a.revision ? b : a));
    return { nextExpectedRevision: last.revision, position: rowPosition(last) };
  }

  private async queryStream(
    db: Pool | PoolClient,
    streamId: string,
    options: ReadStreamOptions,
  ): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const sql = backwards
      ? `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`
      : `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision ASC LIMIT $3`;
    const from = options.fromRevision ?? (backwards ? MAX_REVISION : 0);
    const result = await db.query<EventRow>(sql, [streamId, from, limit(options.maxCount)]);
    return result.rows.map(toStoredEvent);
  }
}

export function openPostgresEventStore(options: PostgresEventStoreOptions): PostgresEventStore {
  return new PostgresEventStore(options);
}
