import { openPostgresEventStore, type PostgresEventStore } from '../../src/eventstore/postgres';
import { EventStoreUnavailableError } from '../../src/eventstore/postgres-connection';
import { MIGRATIONS } from '../../src/eventstore/postgres-migrations';
import type { PostgresEventStoreOptions } from '../../src/eventstore/postgres';
import { Client } from 'pg';
import {
  createTestDatabase,
  describePostgres,
  POSTGRES_ADMIN_URL,
  type TestDatabase,
} from '../support/postgres';
import { Collector, newEvent, newStreamId, waitFor } from './contract';

describePostgres('PostgreSQL event store: schema and connections', () => {
  let database: TestDatabase;
  const opened: PostgresEventStore[] = [];
  const open = (options: Partial<PostgresEventStoreOptions> = {}): PostgresEventStore => {
    const store = openPostgresEventStore({ connectionString: database.url, pollIntervalMs: 50, ...options });
    opened.push(store);
    return store;
  };

  /** Ends every session in the test database but the one asking, as a server restart would. */
  const terminateSessions = (): Promise<unknown> =>
    database.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );

  beforeEach(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await database.drop();
  });

  test('six processes starting at once on an empty database: one schema, each migration applied once', async () => {
    const stores = Array.from({ length: 6 }, () => open());
    await Promise.all(
      stores.map((s, i) => s.append(newStreamId(), [newEvent({ data: { i } })], 'no_stream')),
    );

    const applied = await database.query<{ version: number }>(
      'SELECT version FROM eventstore_migrations ORDER BY version',
    );
    expect(applied.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await stores[0].readAll()).toHaveLength(6);
  });

  test('a schema newer than the server knows is refused with a clear error', async () => {
    await open().headPosition();
    await database.query(
      "INSERT INTO eventstore_migrations (version, description) VALUES (9999, 'from the future')",
    );
    await expect(open().headPosition()).rejects.toThrow(
      'The event store schema is at version 9999, newer than this server knows',
    );
  });

  test('connections cut by the server: appends, reads and the tail carry on over new connections', async () => {
    const store = open({ pollIntervalMs: 600_000 });
    const streamId = newStreamId();
    const collector = new Collector(new Set([streamId]));
    store.subscribeToAll({}, collector.handler);
    await store.append(streamId, [newEvent()], 'no_stream');
    await waitFor(() => collector.ours.length === 1 && store.listening, 'the first event');

    await terminateSessions();
    await store.append(streamId, [newEvent()], 0);
    expect(await store.readStream(streamId)).toHaveLength(2);
    // Delivered without the (ten-minute) poll: the LISTEN connection came back.
    await waitFor(() => collector.ours.length === 2, 'the event appended after the cut');
    expect(collector.ours.map((e) => e.revision)).toEqual([0, 1]);
  });

  test('sessions killed eight times during appends by four writers: every acknowledged append is stored exactly once', async () => {
    const store = open();
    await store.headPosition();
    // One connection of its own (to another database), so that each cut costs one statement.
    const killerClient = new Client({ connectionString: POSTGRES_ADMIN_URL });
    await killerClient.connect();
    let killing = true;
    let cuts = 0;
    const killer = (async () => {
      try {
        for (let round = 0; round < 8; round++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          const result = await killerClient.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
            [database.name],
          );
          cuts += result.rowCount ?? 0;
        }
      } finally {
        killing = false;
        await killerClient.end();
      }
    })();

    const writers = Array.from({ length: 4 }, async () => {
      const streamId = newStreamId();
      const acknowledged: string[] = [];
      for (let i = 0; killing || i < 5; i++) {
        const event = newEvent({ data: { i } });
        await store.append(streamId, [event], i === 0 ? 'no_stream' : i - 1);
        acknowledged.push(event.eventId);
      }
      return { streamId, acknowledged };
    });
    const results = await Promise.all(writers);
    await killer;

    expect(cuts).toBeGreaterThan(0);
    for (const { streamId, acknowledged } of results) {
      expect((await store.readStream(streamId)).map((e) => e.eventId)).toEqual(acknowledged);
    }
  });

  test('an unreachable server: the append fails after the reconnect time with a clear error', async () => {
    const store = openPostgresEventStore({
      connectionString: 'postgres://root@127.0.0.1:1/none',
      reconnect: { timeoutMs: 300, firstDelayMs: 20, maxDelayMs: 100 },
    });
    opened.push(store);
    const error: unknown = await store.append(newStreamId(), [newEvent()], 'any').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(
      /^PostgreSQL event store unreachable \(append\) for \d+ ms: .*ECONNREFUSED/,
    );
  });
});
