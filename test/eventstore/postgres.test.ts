import { openPostgresEventStore, type PostgresEventStore } from '../../src/eventstore/postgres';
import { createTestDatabase, describePostgres, type TestDatabase } from '../support/postgres';
import { describeEventStoreContract } from './contract';

describePostgres('PostgreSQL event store', () => {
  let database: TestDatabase;
  const opened: PostgresEventStore[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await database.drop();
  });

  describeEventStoreContract('postgres', {
    open: async () => {
      const store = openPostgresEventStore({ connectionString: database.url, pollIntervalMs: 200 });
      opened.push(store);
      return store;
    },
  });
});
