import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { EventStore, NewEvent } from '../src/eventstore/port';
import { openPostgresEventStore } from '../src/eventstore/postgres';
import { openSqliteEventStore } from '../src/eventstore/sqlite';
import { formatMs, thousands, timeMs } from './stats';

/**
 * The event store adapters side by side, at the port (no server): durable appends per second
 * and how fast a subscription catches up with a long log. PostgreSQL runs in a database this
 * bench creates and drops (BENCH_POSTGRES_URL names the server, default the machine's).
 */

const SINGLE_WRITER_APPENDS = 1_000;
const CONCURRENT_WRITERS = 8;
const APPENDS_PER_CONCURRENT_WRITER = 250;
const CATCH_UP_EVENTS = 50_000;
const CATCH_UP_SETUP_BATCH = 500;
const CATCH_UP_RUNS = 3;
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

type Out = (line?: string) => void;

/** An event the size of a typical one of this service (a user added with roles). */
const benchEvent = (n: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'UserAdded',
  occurredAt: new Date(1_700_000_000_000 + n).toISOString(),
  data: {
    accountId: 'bench-account',
    userId: `user-${n}`,
    roles: [{ role: 'SMART_ACCOUNT_USER', virtualAccountId: null }],
    addedBy: 'bench-admin',
  },
  metadata: { actorId: 'bench-admin', correlationId: randomUUID(), causationId: null, supportCaseId: null },
});

/** One event per append, each awaited (its commit is durable before the next starts). */
async function appendOneByOne(store: EventStore, streamId: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++)
    await store.append(streamId, [benchEvent(i)], i === 0 ? 'no_stream' : i - 1);
}

async function catchUp(store: EventStore, expected: number): Promise<void> {
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const subscription = store.subscribeToAll({ maxBatch: 500 }, async (batch) => {
      seen += batch.length;
      if (seen >= expected) {
        await subscription.close();
        resolve();
      }
    });
    subscription.done.catch(reject);
  });
}

const perSecond = (count: number, ms: number): string => `${thousands(Math.round((count * 1000) / ms))}/s`;

interface Candidate {
  name: string;
  open(): EventStore;
  cleanup(): Promise<void>;
}

function sqliteCandidate(): Candidate {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'saas-bench-store-'));
  const file = path.join(dir, 'events.sqlite');
  return {
    name: 'SQLite (WAL, synchronous=FULL)',
    open: () => openSqliteEventStore({ file }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function postgresCandidate(): Promise<Candidate> {
  const name = `saas_bench_${randomBytes(6).toString('hex')}`;
  const settings = await admin(async (client) => {
    await client.query(`CREATE DATABASE ${name}`);
    const result = await client.query<{ name: string; setting: string }>(
      "SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync') ORDER BY name",
    );
    return result.rows.map((row) => `${row.name}=${row.setting}`).join(', ');
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name: `PostgreSQL (${settings})`,
    open: () => openPostgresEventStore({ connectionString: url.toString() }),
    cleanup: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function measureCandidate(candidate: Candidate, out: Out): Promise<void> {
  const store = candidate.open();
  try {
    await store.headPosition(); // PostgreSQL: creates the schema outside the measurement
    const single = await timeMs(() => appendOneByOne(store, `single-${randomUUID()}`, SINGLE_WRITER_APPENDS));
    const concurrent = await timeMs(() =>
      Promise.all(
        Array.from({ length: CONCURRENT_WRITERS }, () =>
          appendOneByOne(store, `writer-${randomUUID()}`, APPENDS_PER_CONCURRENT_WRITER),
        ),
      ),
    );
    const concurrentCount = CONCURRENT_WRITERS * APPENDS_PER_CONCURRENT_WRITER;

    const streamId = `catch-up-${randomUUID()}`;
    for (let from = 0; from < CATCH_UP_EVENTS; from += CATCH_UP_SETUP_BATCH) {
      const batch = Array.from({ length: CATCH_UP_SETUP_BATCH }, (_, i) => benchEvent(from + i));
      await store.append(streamId, batch, from === 0 ? 'no_stream' : from - 1);
    }
    const logLength = SINGLE_WRITER_APPENDS + concurrentCount + CATCH_UP_EVENTS;
    const catchUps: number[] = [];
    for (let run = 0; run < CATCH_UP_RUNS; run++)
      catchUps.push(await timeMs(() => catchUp(store, logLength)));
    const medianCatchUp = [...catchUps].sort((a, b) => a - b)[Math.floor(CATCH_UP_RUNS / 2)];

    out(`   ${candidate.name}`);
    out(
      `     durable appends, 1 writer, 1 event each:        ${perSecond(SINGLE_WRITER_APPENDS, single)}` +
        `   (${thousands(SINGLE_WRITER_APPENDS)} in ${formatMs(single)})`,
    );
    out(
      `     durable appends, ${CONCURRENT_WRITERS} concurrent writers:            ${perSecond(concurrentCount, concurrent)}` +
        `   (${thousands(concurrentCount)} in ${formatMs(concurrent)})`,
    );
    out(
      `     catch-up of a subscription from the start:      ${perSecond(logLength, medianCatchUp)}` +
        `   (${thousands(logLength)} events; median of ${CATCH_UP_RUNS}: ${catchUps.map(formatMs).join(', ')})`,
    );
  } finally {
    await store.close();
  }
}

export async function benchEventStores(out: Out): Promise<void> {
  out(
    `6. Event stores at the port, one after the other in this process: ${thousands(SINGLE_WRITER_APPENDS)} ` +
      `appends by one writer, ${thousands(CONCURRENT_WRITERS * APPENDS_PER_CONCURRENT_WRITER)} by ` +
      `${CONCURRENT_WRITERS} writers on their own streams, then a subscription reading the whole log`,
  );
  const candidates: Candidate[] = [sqliteCandidate()];
  try {
    candidates.push(await postgresCandidate());
  } catch (error) {
    out(
      `   PostgreSQL skipped: ${ADMIN_URL} did not answer (${error instanceof Error ? error.message : error})`,
    );
  }
  for (const candidate of candidates) {
    try {
      await measureCandidate(candidate, out);
    } finally {
      await candidate.cleanup();
    }
  }
}
