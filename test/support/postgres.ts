import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The machine's PostgreSQL (trust auth for root); tests make their own database in it. */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

/**
 * Whether the PostgreSQL tests run: always under CI (they fail loudly if the server is down),
 * elsewhere only when a server answers.
 */
export function postgresTestsRun(): boolean {
  if (process.env.CI) return true;
  const url = new URL(POSTGRES_ADMIN_URL);
  const probe = spawnSync('pg_isready', ['-h', url.hostname, '-p', url.port || '5432'], { stdio: 'ignore' });
  return probe.status === 0;
}

/** `describe`, or `describe.skip` when the PostgreSQL tests do not run here. */
export const describePostgres = (name: string, body: () => void): void =>
  (postgresTestsRun() ? describe : describe.skip)(name, body);

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Runs SQL in the test database through a connection of its own. */
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database; drop() removes it, cutting off whoever is still connected. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `saas_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const client = new Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query<T>(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    drop: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
