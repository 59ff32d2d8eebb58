import Database from 'better-sqlite3';
import path from 'node:path';
import { comparePositions, decodePosition, encodePosition } from '../eventstore/position';
import type { Position } from '../eventstore/port';
import type { EmailMessage } from './email-message';
import type { EmailOutbox, FailedDelivery, OutboxEntry } from './outbox';

export const outboxFile = (dataDir: string): string => path.join(dataDir, 'email-outbox.sqlite');

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS checkpoint (
    name TEXT PRIMARY KEY,
    position TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE,
    message TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    permanent_failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  );
  CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at, seq);`;

const CHECKPOINT_NAME = 'email-reactor';

interface Row {
  seq: number;
  message: string;
  attempts: number;
  permanent_failures: number;
  last_error: string | null;
}

const toEntry = (row: Row): OutboxEntry => ({
  seq: row.seq,
  message: JSON.parse(row.message) as EmailMessage,
  attempts: row.attempts,
  permanentFailures: row.permanent_failures,
});

function prepareStatements(db: Database.Database) {
  const columns = 'seq, message, attempts, permanent_failures, last_error';
  return {
    insert: db.prepare<[string, string]>('INSERT OR IGNORE INTO outbox (message_id, message) VALUES (?, ?)'),
    saveCheckpoint: db.prepare<[string, string]>(
      'INSERT INTO checkpoint (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
    ),
    checkpoint: db.prepare<[string], string>('SELECT position FROM checkpoint WHERE name = ?').pluck(),
    due: db.prepare<[number, number], Row>(
      `SELECT ${columns} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
       ORDER BY next_attempt_at, seq LIMIT ?`,
    ),
    nextDueAt: db
      .prepare<[], number | null>(`SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'`)
      .pluck(),
    remove: db.prepare<[number]>('DELETE FROM outbox WHERE seq = ?'),
    fail: db.prepare<[string, number, number, string, number]>(
      `UPDATE outbox SET status = ?, attempts = attempts + 1,
         permanent_failures = permanent_failures + ?, next_attempt_at = ?, last_error = ?
       WHERE seq = ?`,
    ),
    counts: db.prepare<[], { status: string; n: number }>(
      'SELECT status, COUNT(*) AS n FROM outbox GROUP BY status',
    ),
    dead: db.prepare<[number], Row>(
      `SELECT ${columns} FROM outbox WHERE status = 'dead' ORDER BY seq LIMIT ?`,
    ),
  };
}

/** The embedded outbox: one SQLite file in DATA_DIR, so its checkpoint survives a restart. */
export class SqliteEmailOutbox implements EmailOutbox {
  private readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly enqueueTx: Database.Transaction<
    (messages: readonly EmailMessage[], checkpoint: Position) => void
  >;

  constructor(file: string) {
    this.db = new Database(file);
    try {
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('journal_mode = WAL');
      // NORMAL (in WAL mode): a power loss may undo the last commits, never half of one. An undone
      // enqueue rolls back with its checkpoint (the log makes the same messages again); an undone
      // "sent" sends again with the same Message-ID. FULL would cost an fsync per delivered message.
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.sql = prepareStatements(this.db);
    this.enqueueTx = this.db.transaction((messages: readonly EmailMessage[], checkpoint: Position) => {
      const stored = this.readCheckpoint();
      if (stored !== null && comparePositions(stored, checkpoint) >= 0) return;
      for (const message of messages) this.sql.insert.run(message.messageId, JSON.stringify(message));
      this.sql.saveCheckpoint.run(CHECKPOINT_NAME, encodePosition(checkpoint));
    });
  }

  async checkpoint(): Promise<Position | null> {
    return this.readCheckpoint();
  }

  async enqueue(messages: readonly EmailMessage[], checkpoint: Position): Promise<void> {
    this.enqueueTx.immediate(messages, checkpoint);
  }

  async due(now: number, limit: number): Promise<OutboxEntry[]> {
    return this.sql.due.all(now, limit).map(toEntry);
  }

  async nextDueAt(): Promise<number | null> {
    return this.sql.nextDueAt.get() ?? null;
  }

  async markSent(seq: number): Promise<void> {
    this.sql.remove.run(seq);
  }

  async markFailed(seq: number, failure: FailedDelivery): Promise<void> {
    const status = failure.dead ? 'dead' : 'pending';
    this.sql.fail.run(status, failure.permanent ? 1 : 0, failure.retryAt, failure.error, seq);
  }

  async counts(): Promise<{ pending: number; dead: number }> {
    const rows = this.sql.counts.all();
    const count = (status: string) => rows.find((row) => row.status === status)?.n ?? 0;
    return { pending: count('pending'), dead: count('dead') };
  }

  async dead(limit: number): Promise<Array<OutboxEntry & { lastError: string | null }>> {
    return this.sql.dead.all(limit).map((row) => ({ ...toEntry(row), lastError: row.last_error }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private readCheckpoint(): Position | null {
    const text = this.sql.checkpoint.get(CHECKPOINT_NAME);
    return text === undefined ? null : decodePosition(text);
  }
}
