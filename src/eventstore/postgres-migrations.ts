import type { Pool } from 'pg';
import { inTransaction } from './postgres-connection';

/** The channel every append notifies on commit (the trigger below); tails LISTEN on it. */
export const APPENDED_CHANNEL = 'eventstore_appended';

/**
 * Versioned schema changes, applied in order and never edited once released: a change is a new
 * entry. Each runs in the transaction that records it.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; description: string; sql: string }> = [
  {
    version: 1,
    description: 'events with their stream revision, global position and writing transaction',
    // transaction_id orders the global log (then global_position within a transaction): see the
    // tail's read in postgres.ts. data/metadata are `json`, which keeps the text as written.
    sql: `
      CREATE TABLE events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        event_id text NOT NULL UNIQUE,
        stream_id text NOT NULL,
        revision integer NOT NULL CHECK (revision >= 0),
        type text NOT NULL,
        occurred_at text NOT NULL,
        data json NOT NULL,
        metadata json NOT NULL,
        UNIQUE (stream_id, revision)
      );
      CREATE INDEX events_global_order ON events (transaction_id, global_position);
      CREATE FUNCTION events_notify_appended() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('${APPENDED_CHANNEL}', '');
          RETURN NULL;
        END $$;
      CREATE TRIGGER events_appended AFTER INSERT ON events
        FOR EACH STATEMENT EXECUTE FUNCTION events_notify_appended();
    `,
  },
];

// Any fixed number: held for the migration transaction, so processes starting together queue.
const MIGRATION_LOCK_KEY = 7_310_512_001;

/** Brings the schema up to date. Safe to run from several processes at once. */
export async function migrate(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS eventstore_migrations (
      version integer PRIMARY KEY,
      description text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = await client.query<{ version: number }>('SELECT version FROM eventstore_migrations');
    const done = new Set(applied.rows.map((row) => row.version));
    const newest = Math.max(0, ...done);
    if (newest > MIGRATIONS[MIGRATIONS.length - 1].version) {
      throw new Error(`The event store schema is at version ${newest}, newer than this server knows`);
    }
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO eventstore_migrations (version, description) VALUES ($1, $2)', [
        migration.version,
        migration.description,
      ]);
    }
  });
}
