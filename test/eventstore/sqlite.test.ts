import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { WrongExpectedVersionError } from '../../src/eventstore/port';
import { sqlitePosition } from '../../src/eventstore/position';
import { openSqliteEventStore, SqliteEventStore } from '../../src/eventstore/sqlite';
import { Collector, describeEventStoreContract, newEvent, newStreamId, waitFor } from './contract';

const PROJECT_ROOT = path.resolve(__dirname, '../..');

const tempDirs: string[] = [];
const tempFile = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventstore-sqlite-'));
  tempDirs.push(dir);
  return path.join(dir, 'events.db');
};

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

const contractFile = tempFile();
describeEventStoreContract('sqlite', {
  open: async () => openSqliteEventStore({ file: contractFile, pollIntervalMs: 20 }),
});

interface ChildOutput {
  eventIds: string[];
  conflicts: number;
}

function appendFromChild(file: string, streamId: string, count: number): Promise<ChildOutput> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      'test/eventstore/fixtures/append-from-child.ts',
      file,
      streamId,
      String(count),
    ],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as ChildOutput)
        : reject(new Error(`child exited ${code}: ${stderr}`)),
    );
  });
}

describe('SqliteEventStore', () => {
  const opened: SqliteEventStore[] = [];
  const open = (file: string, pollIntervalMs = 20): SqliteEventStore => {
    const store = openSqliteEventStore({ file, pollIntervalMs });
    opened.push(store);
    return store;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  test('runs with WAL, synchronous=FULL and a busy timeout', () => {
    const file = tempFile();
    expect(open(file).pragmas()).toEqual({ journalMode: 'wal', synchronous: 2, busyTimeoutMs: 5000 });

    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  test('a subscriber sees appends made by other processes racing on the same stream', async () => {
    const file = tempFile();
    const store = open(file);
    const streamId = newStreamId();
    const collector = new Collector(new Set([streamId]));
    const subscription = store.subscribeToAll({}, collector.handler);

    const outputs = await Promise.all([
      appendFromChild(file, streamId, 30),
      appendFromChild(file, streamId, 30),
    ]);
    const written = outputs.flatMap((o) => o.eventIds);
    await waitFor(
      () => collector.ours.length >= written.length,
      `${written.length} events from the children`,
    );
    await subscription.close();

    expect(collector.ours.map((e) => e.revision)).toEqual(written.map((_, i) => i));
    expect([...collector.ids()].sort()).toEqual([...written].sort());
    expect(collector.maxConcurrentHandlers).toBe(1);
  }, 30_000);

  test('a subscriber wakes on appends through the same store without waiting for the poll', async () => {
    const store = open(tempFile(), 60_000);
    const streamId = newStreamId();
    const collector = new Collector(new Set([streamId]));
    store.subscribeToAll({}, collector.handler);

    await store.append(streamId, [newEvent()], 'no_stream');
    await waitFor(() => collector.ours.length === 1, 'the first event');
    // The subscriber is now idle until woken (or the poll a minute later).
    await store.append(streamId, [newEvent()], 0);
    await waitFor(() => collector.ours.length === 2, 'the second event', 5000);
  });

  test('an event ID stored through a second connection surfaces as WrongExpectedVersionError', async () => {
    const file = tempFile();
    const store = open(file);
    const other = open(file);
    const taken = newEvent();
    await other.append(newStreamId(), [taken], 'no_stream');

    const streamId = newStreamId();
    // The first ID is new, so only the database's UNIQUE constraint catches the second.
    const error: unknown = await store
      .append(streamId, [newEvent(), taken], 'no_stream')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamId, expected: 'no_stream', actual: null });
    // The first ID is stored in another stream.
    await expect(store.append(streamId, [taken], 'any')).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.readStream(streamId)).toEqual([]);
  });

  test('an empty append checks the expectation and reports the current state without writing', async () => {
    const store = open(tempFile());
    const streamId = newStreamId();
    expect(await store.append(streamId, [], 'no_stream')).toEqual({
      nextExpectedRevision: -1,
      position: sqlitePosition(0),
    });
    await expect(store.append(streamId, [], 'stream_exists')).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );

    const written = await store.append(streamId, [newEvent(), newEvent()], 'no_stream');
    expect(await store.append(streamId, [], 1)).toEqual(written);
    expect(await store.append(streamId, [], 'any')).toEqual(written);
    await expect(store.append(streamId, [], 0)).rejects.toMatchObject({ expected: 0, actual: 1 });
    expect(await store.headPosition()).toEqual(written.position);
  });

  test('a retry of part of an earlier append returns the result for that part', async () => {
    const store = open(tempFile());
    const streamId = newStreamId();
    const [a, b, c] = [newEvent(), newEvent(), newEvent()];
    await store.append(streamId, [a, b, c], 'no_stream');
    const [storedA, , storedC] = await store.readStream(streamId);

    expect(await store.append(streamId, [a], 'no_stream')).toEqual({
      nextExpectedRevision: 0,
      position: storedA.position,
    });
    expect(await store.append(streamId, [b, c], 0)).toEqual({
      nextExpectedRevision: 2,
      position: storedC.position,
    });
    expect(await store.append(streamId, [b, c], 'stream_exists')).toEqual({
      nextExpectedRevision: 2,
      position: storedC.position,
    });
    // Stored, but not where the expectation puts it.
    await expect(store.append(streamId, [b], 'no_stream')).rejects.toMatchObject({ actual: 2 });
    await expect(store.append(streamId, [c, a], 'any')).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(await store.readStream(streamId)).toHaveLength(3);
  });

  test('duplicate event IDs within one append are rejected without writing', async () => {
    const store = open(tempFile());
    const streamId = newStreamId();
    const event = newEvent();
    await expect(store.append(streamId, [event, event], 'any')).rejects.toThrow('duplicate event IDs');
    expect(await store.readStream(streamId)).toEqual([]);
  });

  test('closing the store ends its subscriptions', async () => {
    const store = openSqliteEventStore({ file: tempFile() });
    const subscription = store.subscribeToAll({}, async () => undefined);
    await store.close();
    await expect(subscription.done).resolves.toBeUndefined();
  });
});
