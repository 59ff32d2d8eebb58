import { openPostgresEventStore, type PostgresEventStore } from '../../src/eventstore/postgres';
import { createTestDatabase, describePostgres, type TestDatabase } from '../support/postgres';
import { describeAppendEdgeCases } from './append-edge-cases';
import { describeEventStoreContract } from './contract';

describePostgres('PostgreSQL event store', () => {
  let database: TestDatabase;
  let edgeCases: TestDatabase;
  const opened: PostgresEventStore[] = [];

  beforeAll(async () => {
    [database, edgeCases] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });

  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await Promise.all([database.drop(), edgeCases.drop()]);
  });

  describeEventStoreContract('postgres', {
    open: async () => {
      const store = openPostgresEventStore({ connectionString: database.url, pollIntervalMs: 200 });
      opened.push(store);
      return store;
    },
  });

  describeAppendEdgeCases('postgres', async () => {
    const store = openPostgresEventStore({ connectionString: edgeCases.url });
    opened.push(store);
    return store;
  });
});
