import Database from 'better-sqlite3';
import type {
  AppendResult,
  BatchHandler,
  ChangeMark,
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
  assertDistinctEventIds,
  expectationMet,
  originalResult,
  retryStartRevision,
  storedMetadata,
} from './append-rules';
import { GroupCommit, type Outcome } from './group-commit';
import { LocalAppends } from './local-appends';
import { sqlitePosition } from './position';
import { TailingSubscription } from './tailing-subscription';

export interface SqliteEventStoreOptions {
  file: string;
  /** How often live subscriptions look for appends made by other connections/processes. */
  pollIntervalMs?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 100;
const DEFAULT_MAX_BATCH = 500;
const BUSY_TIMEOUT_MS = 5000;

// The UNIQUE(stream_id, revision) constraint's index also serves stream reads.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    stream_id TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 0),
    type TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    UNIQUE (stream_id, revision)
  )`;

interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  occurred_at: string;
  data: string;
  metadata: string;
}

type InsertRow = Omit<EventRow, 'position'>;

interface AppendRequest {
  streamId: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
}

/** SQLite uses LIMIT -1 for "no limit". */
const limit = (maxCount: number | undefined): number => (maxCount === undefined ? -1 : Math.max(0, maxCount));

const toStoredEvent = (row: EventRow): StoredEvent => ({
  eventId: row.event_id,
  type: row.type,
  streamId: row.stream_id,
  revision: row.revision,
  position: sqlitePosition(row.position),
  occurredAt: row.occurred_at,
  data: JSON.parse(row.data) as JsonObject,
  metadata: JSON.parse(row.metadata) as EventMetadata,
});

// By code, not `instanceof`: the native addon keeps the error class of the first copy of
// better-sqlite3 loaded in the process (Jest loads one per test file, each in its own realm).
const isUniqueViolation = (error: unknown): boolean => {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  private readonly subscriptions = new Set<TailingSubscription>();

  private readonly lastRevisionStmt;
  private readonly eventByIdStmt;
  private readonly streamForwardStmt;
  private readonly streamBackwardStmt;
  private readonly allAfterStmt;
  private readonly headStmt;
  private readonly insertStmt;
  private readonly dataVersionStmt;
  private readonly appendTx;
  private readonly groupTx;
  private readonly appends: GroupCommit<AppendRequest, AppendResult>;
  private readonly localAppends = new LocalAppends();

  constructor(options: SqliteEventStoreOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.db = new Database(options.file);
    try {
      // busy_timeout first so that the other pragmas and the schema wait for other processes' locks.
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(SCHEMA);
    } catch (error) {
      this.db.close();
      throw error;
    }

    this.lastRevisionStmt = this.db
      .prepare<[string], number | null>('SELECT MAX(revision) FROM events WHERE stream_id = ?')
      .pluck();
    this.eventByIdStmt = this.db.prepare<[string], EventRow>('SELECT * FROM events WHERE event_id = ?');
    this.streamForwardStmt = this.db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
    );
    this.streamBackwardStmt = this.db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
    );
    this.allAfterStmt = this.db.prepare<[bigint, number], EventRow>(
      'SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?',
    );
    this.headStmt = this.db.prepare<[], number | null>('SELECT MAX(position) FROM events').pluck();
    this.insertStmt = this.db.prepare<[InsertRow]>(
      `INSERT INTO events (event_id, stream_id, revision, type, occurred_at, data, metadata)
       VALUES (@event_id, @stream_id, @revision, @type, @occurred_at, @data, @metadata)`,
    );
    // Changes only when another connection (or process) commits to the file.
    this.dataVersionStmt = this.db.prepare<[], number>('PRAGMA data_version').pluck();
    this.appendTx = this.db.transaction(this.appendInTransaction.bind(this));
    this.groupTx = this.db.transaction(this.appendGroupInTransaction.bind(this));
    this.appends = new GroupCommit((requests) => this.commitGroup(requests));
  }

  /** Concurrent appends share one transaction and one fsync (group commit); each keeps its own checks. */
  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    assertDistinctEventIds(streamId, events);
    return this.appends.submit({ streamId, events, expected });
  }

  changeMark(): ChangeMark {
    return { external: this.dataVersionStmt.get() ?? 0, local: this.localAppends.current };
  }

  changedSince(streamId: string, mark: ChangeMark): boolean {
    return (
      this.localAppends.appendedSince(streamId, mark.local) ||
      (this.dataVersionStmt.get() ?? 0) !== mark.external
    );
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const rows =
      options.direction === 'backwards'
        ? this.streamBackwardStmt.all(
            streamId,
            options.fromRevision ?? Number.MAX_SAFE_INTEGER,
            limit(options.maxCount),
          )
        : this.streamForwardStmt.all(streamId, options.fromRevision ?? 0, limit(options.maxCount));
    return rows.map(toStoredEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.readAllSync(options.after?.commit ?? 0n, limit(options.maxCount));
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): EventSubscription {
    const subscription = new TailingSubscription({
      after: options.after ?? null,
      maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
      pollIntervalMs: this.pollIntervalMs,
      read: async (after, maxCount) => ({ events: this.readAllSync(after?.commit ?? 0n, maxCount) }),
      handler,
      onStop: (s) => this.subscriptions.delete(s),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<Position | null> {
    const head = this.headStmt.get();
    return head === null || head === undefined ? null : sqlitePosition(head);
  }

  /** The connection's effective settings (for diagnostics and tests). */
  pragmas(): { journalMode: string; synchronous: number; busyTimeoutMs: number } {
    return {
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      synchronous: Number(this.db.pragma('synchronous', { simple: true })),
      busyTimeoutMs: Number(this.db.pragma('busy_timeout', { simple: true })),
    };
  }

  async close(): Promise<void> {
    if (this.db.open) this.appends.flush();
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    if (this.db.open) this.db.close();
  }

  private readAllSync(after: bigint, maxCount: number): StoredEvent[] {
    return this.allAfterStmt.all(after, maxCount).map(toStoredEvent);
  }

  private lastRevision(streamId: string): number | null {
    return this.lastRevisionStmt.get(streamId) ?? null;
  }

  private commitGroup(requests: readonly AppendRequest[]): Outcome<AppendResult>[] {
    const { outcomes, wrote } = this.groupTx.immediate(requests);
    if (wrote) this.subscriptions.forEach((s) => s.wake());
    return outcomes;
  }

  /** Each append in its own savepoint: a failing one is rolled back alone. */
  private appendGroupInTransaction(requests: readonly AppendRequest[]): {
    outcomes: Outcome<AppendResult>[];
    wrote: boolean;
  } {
    let wrote = false;
    // Read while this transaction holds the write lock: every other connection's commit so far.
    const external = this.dataVersionStmt.get() ?? 0;
    const outcomes = requests.map(({ streamId, events, expected }): Outcome<AppendResult> => {
      try {
        const outcome = this.appendTx(streamId, events, expected, external);
        wrote ||= outcome.wrote;
        return { ok: true, value: outcome.result };
      } catch (error) {
        // SQLite rolled the whole transaction back (disk full, I/O error): nothing of the group holds.
        if (!this.db.inTransaction) throw error;
        // Only reachable if an event ID is already stored in another stream (or the schema is written
        // to outside this adapter): the database's uniqueness rules have the last word.
        if (isUniqueViolation(error)) {
          return {
            ok: false,
            error: new WrongExpectedVersionError(streamId, expected, this.lastRevision(streamId)),
          };
        }
        return { ok: false, error };
      }
    });
    return { outcomes, wrote };
  }

  private appendInTransaction(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    external: number | null = null,
  ): { result: AppendResult; wrote: boolean } {
    const actual = this.lastRevision(streamId);

    const original = events.length > 0 ? this.eventByIdStmt.get(events[0].eventId) : undefined;
    if (original !== undefined) {
      const result = this.originalResult(streamId, events, expected, original);
      if (result === null) throw new WrongExpectedVersionError(streamId, expected, actual);
      return { result, wrote: false };
    }

    if (!expectationMet(expected, actual)) throw new WrongExpectedVersionError(streamId, expected, actual);

    if (events.length === 0) {
      // Nothing to write: report the stream's current state (position 0 = nothing to wait for).
      const last = actual === null ? undefined : this.streamBackwardStmt.get(streamId, actual, 1);
      return {
        result: { nextExpectedRevision: actual ?? -1, position: sqlitePosition(last?.position ?? 0) },
        wrote: false,
      };
    }

    const local = this.localAppends.record(streamId);
    let revision = actual ?? -1;
    let position: number | bigint = 0;
    for (const event of events) {
      revision += 1;
      position = this.insertStmt.run({
        event_id: event.eventId,
        stream_id: streamId,
        revision,
        type: event.type,
        occurred_at: event.occurredAt,
        data: JSON.stringify(event.data),
        metadata: JSON.stringify(storedMetadata(event.metadata)),
      }).lastInsertRowid;
    }
    // Any append to the stream between the writer's read and this one failed its expected
    // revision; any later one gets a higher local number: the mark misses nothing but this append.
    const changeMark = external === null ? undefined : { external, local };
    return {
      result: { nextExpectedRevision: revision, position: sqlitePosition(position), changeMark },
      wrote: true,
    };
  }

  /** The original result if the append is a retry of one already stored (see retryStartRevision); else null. */
  private originalResult(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    first: EventRow,
  ): AppendResult | null {
    const stored = this.streamForwardStmt.all(
      streamId,
      retryStartRevision(expected, first.revision),
      events.length,
    );
    return originalResult(events, stored.map(toStoredEvent));
  }
}

export function openSqliteEventStore(options: SqliteEventStoreOptions): SqliteEventStore {
  return new SqliteEventStore(options);
}
