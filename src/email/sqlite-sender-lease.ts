import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SenderRole } from './sender-role';

/**
 * Longer than any one batch of deliveries takes, so a holder never loses the lease halfway
 * through one; a crashed holder's lease passes to another process after at most this long.
 */
export const SENDER_LEASE_MS = 120_000;

/** `host:pid:random`: who holds the lease, and whether that process still runs (on this host). */
const newHolder = (): string => `${hostname()}:${process.pid}:${randomUUID()}`;

/** True when `holder` was a process on this host that no longer runs (it crashed: its lease is free). */
function holderGone(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * The sender role as a lease in a SQLite file: held by one holder until it lapses, or at once
 * free when its holder was a process on this host that has died.
 */
export class SqliteSenderLease implements SenderRole {
  private readonly db: Database.Database;
  private readonly take;
  private readonly drop;
  private readonly current;

  constructor(
    file: string,
    private readonly holder: string = newHolder(),
    private readonly leaseMs: number = SENDER_LEASE_MS,
  ) {
    this.db = new Database(file);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS sender_lease (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      holder TEXT NOT NULL,
      expires_at INTEGER NOT NULL
    )`);
    // Taken when free or lapsed, renewed when ours; otherwise no row changes.
    this.take = this.db.prepare<[string, number, number]>(
      `INSERT INTO sender_lease (id, holder, expires_at) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE sender_lease.holder = excluded.holder OR sender_lease.expires_at < ?`,
    );
    this.drop = this.db.prepare<[string]>('DELETE FROM sender_lease WHERE holder = ?');
    this.current = this.db.prepare<[], string>('SELECT holder FROM sender_lease WHERE id = 1').pluck();
  }

  async held(): Promise<boolean> {
    const now = Date.now();
    const holder = this.current.get();
    if (holder !== undefined && holder !== this.holder && holderGone(holder)) this.drop.run(holder);
    return this.take.run(this.holder, now + this.leaseMs, now).changes === 1;
  }

  async release(): Promise<void> {
    if (!this.db.open) return;
    this.drop.run(this.holder);
    this.db.close();
  }
}
