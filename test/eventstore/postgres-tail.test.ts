import { Client } from 'pg';
import { WrongExpectedVersionError } from '../../src/eventstore/port';
import { openPostgresEventStore, type PostgresEventStore } from '../../src/eventstore/postgres';
import { createTestDatabase, describePostgres, type TestDatabase } from '../support/postgres';
import { Collector, newEvent, newStreamId, waitFor } from './contract';

/** Lets a tail that polls every few milliseconds look many times. */
const LOOK_WINDOW_MS = 300;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describePostgres('PostgreSQL event store: the tail', () => {
  let database: TestDatabase;
  const opened: PostgresEventStore[] = [];
  const open = (pollIntervalMs: number): PostgresEventStore => {
    const store = openPostgresEventStore({ connectionString: database.url, pollIntervalMs });
    opened.push(store);
    return store;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await database.drop();
  });

  test('a transaction holding an earlier position open: the tail waits for it, then delivers both in order', async () => {
    const store = open(10);
    const start = await store.headPosition(); // also creates the schema
    const [stream1, stream2] = [newStreamId(), newStreamId()];
    const collector = new Collector(new Set([stream1, stream2]));
    store.subscribeToAll({ after: start ?? undefined }, collector.handler);

    // Writer 1 takes a global position and keeps its transaction open.
    const writer1 = new Client({ connectionString: database.url });
    await writer1.connect();
    const held = newEvent({ data: { writer: 1 } });
    try {
      await writer1.query('BEGIN');
      const [{ position }] = (
        await writer1.query<{ position: string }>(
          `INSERT INTO events (event_id, stream_id, revision, type, occurred_at, data, metadata)
           VALUES ($1, $2, 0, $3, $4, $5, $6) RETURNING global_position::text AS position`,
          [held.eventId, stream1, held.type, held.occurredAt, held.data, held.metadata],
        )
      ).rows;

      // Writer 2 commits a later one.
      const later = newEvent({ data: { writer: 2 } });
      await store.append(stream2, [later], 'no_stream');

      // A reader going by the global position alone would now see a gap it would skip for good.
      const byPosition = await database.query<{ event_id: string }>(
        'SELECT event_id FROM events WHERE global_position >= $1 ORDER BY global_position',
        [position],
      );
      expect(byPosition.map((row) => row.event_id)).toEqual([later.eventId]);

      await pause(LOOK_WINDOW_MS);
      expect(collector.ours).toEqual([]);

      await writer1.query('COMMIT');
      await waitFor(() => collector.ours.length >= 2, 'both events');
      expect(collector.ids()).toEqual([held.eventId, later.eventId]);
    } finally {
      await writer1.end();
    }
  });

  test('a rolled-back transaction holds the tail only while it is open and delivers nothing', async () => {
    const store = open(10);
    const start = await store.headPosition();
    const [stream1, stream2] = [newStreamId(), newStreamId()];
    const collector = new Collector(new Set([stream1, stream2]));
    store.subscribeToAll({ after: start ?? undefined }, collector.handler);

    const writer1 = new Client({ connectionString: database.url });
    await writer1.connect();
    try {
      await writer1.query('BEGIN');
      const abandoned = newEvent();
      await writer1.query(
        `INSERT INTO events (event_id, stream_id, revision, type, occurred_at, data, metadata)
         VALUES ($1, $2, 0, 'T', 'x', '{}', '{}')`,
        [abandoned.eventId, stream1],
      );
      const later = newEvent();
      await store.append(stream2, [later], 'no_stream');
      await writer1.query('ROLLBACK');

      await waitFor(() => collector.ours.length >= 1, 'the committed event');
      expect(collector.ids()).toEqual([later.eventId]);
    } finally {
      await writer1.end();
    }
  });

  test('appends through another connection wake an idle tail by notification, without waiting for the poll', async () => {
    const store = open(600_000);
    const other = open(600_000);
    const streamId = newStreamId();
    const collector = new Collector(new Set([streamId]));
    store.subscribeToAll({ after: (await store.headPosition()) ?? undefined }, collector.handler);
    await waitFor(() => store.listening, 'the LISTEN connection');

    await other.append(streamId, [newEvent()], 'no_stream');
    await waitFor(() => collector.ours.length === 1, 'the first event');
    await other.append(streamId, [newEvent()], 0);
    await waitFor(() => collector.ours.length === 2, 'the second event');
  });

  test('8 writers in other store instances, each on its own streams: the tail delivers every event once, streams in order', async () => {
    const reader = open(600_000);
    const writers = Array.from({ length: 8 }, () => open(600_000));
    const streamIds = writers.map(() => newStreamId());
    const collector = new Collector(new Set(streamIds));
    reader.subscribeToAll(
      { after: (await reader.headPosition()) ?? undefined, maxBatch: 5 },
      collector.handler,
    );

    const written = await Promise.all(
      writers.map(async (writer, w) => {
        const ids: string[] = [];
        for (let i = 0; i < 20; i++) {
          const event = newEvent({ data: { w, i } });
          await writer.append(streamIds[w], [event], i === 0 ? 'no_stream' : i - 1);
          ids.push(event.eventId);
        }
        return ids;
      }),
    );

    await waitFor(() => collector.ours.length >= 160, '160 events');
    expect(new Set(collector.ids()).size).toBe(160);
    for (const [w, streamId] of streamIds.entries()) {
      expect(collector.ours.filter((e) => e.streamId === streamId).map((e) => e.eventId)).toEqual(written[w]);
    }
  });

  test('two store instances racing on one stream: the tail delivers it in revision order', async () => {
    const reader = open(600_000);
    const writers = [open(600_000), open(600_000), open(600_000)];
    const streamId = newStreamId();
    const collector = new Collector(new Set([streamId]));
    reader.subscribeToAll({ after: (await reader.headPosition()) ?? undefined }, collector.handler);

    let conflicts = 0;
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let i = 0; i < 20; i++) {
          for (;;) {
            const [last] = await writer.readStream(streamId, { direction: 'backwards', maxCount: 1 });
            try {
              await writer.append(streamId, [newEvent({ data: { w, i } })], last?.revision ?? 'no_stream');
              break;
            } catch (error) {
              if (!(error instanceof WrongExpectedVersionError)) throw error;
              conflicts += 1;
            }
          }
        }
      }),
    );

    await waitFor(() => collector.ours.length >= 60, '60 events');
    expect(collector.ours.map((e) => e.revision)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(conflicts).toBeGreaterThan(0); // they did race
  });
});
