import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from './postgres';

/**
 * `TEST_EVENT_STORE=postgres npx jest test/e2e/…` runs the API tests on PostgreSQL: each test
 * app that does not choose its store gets a fresh database, recorded in its DATA_DIR so that an
 * app restarted on that folder finds the same log. The databases go when the test file ends.
 */
const onPostgres = process.env.TEST_EVENT_STORE === 'postgres';
const created: TestDatabase[] = [];
const MARKER = 'test-postgres-url';

if (onPostgres) {
  afterAll(async () => {
    await Promise.all(created.splice(0).map((database) => database.drop()));
  });
}

/** Settings to add to a test app's environment (none unless TEST_EVENT_STORE=postgres). */
export async function testEventStoreEnv(
  dataDir: string,
  env: Record<string, string>,
): Promise<Record<string, string>> {
  if (!onPostgres || env.EVENT_STORE !== undefined) return {};
  const marker = path.join(dataDir, MARKER);
  if (existsSync(marker)) return { EVENT_STORE: 'postgres', POSTGRES_URL: readFileSync(marker, 'utf8') };
  const database = await createTestDatabase();
  created.push(database);
  writeFileSync(marker, database.url);
  return { EVENT_STORE: 'postgres', POSTGRES_URL: database.url };
}
