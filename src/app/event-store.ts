import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EventStore } from '../eventstore/port';
import { openKurrentDbEventStore } from '../eventstore/kurrentdb';
import { openPostgresEventStore } from '../eventstore/postgres';
import { openSqliteEventStore } from '../eventstore/sqlite';
import type { Config } from './config';
import { sqliteOpenFailure } from './startup-failure';

export const sqliteFile = (dataDir: string): string => path.join(dataDir, 'events.sqlite');

/** The configured event store adapter (contract: EVENT_STORE, default the embedded one). */
export function openEventStore(config: Config): EventStore {
  if (config.eventStore === 'kurrentdb') {
    return openKurrentDbEventStore({ connectionString: config.kurrentConnectionString ?? '' });
  }
  if (config.eventStore === 'postgres') {
    return openPostgresEventStore({ connectionString: config.postgresUrl ?? '' });
  }
  const file = sqliteFile(config.dataDir);
  try {
    mkdirSync(config.dataDir, { recursive: true });
    return openSqliteEventStore({ file });
  } catch (error) {
    throw sqliteOpenFailure(file, config.dataDir, error);
  }
}
