import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteEventStore, SqliteEventStore } from '../../src/eventstore/sqlite';
import { describeAppendEdgeCases } from './append-edge-cases';
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

const edgeCasesFile = tempFile();
describeAppendEdgeCases('sqlite', async () => openSqliteEventStore({ file: edgeCasesFile }));

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

  test('closing the store ends its subscriptions', async () => {
    const store = openSqliteEventStore({ file: tempFile() });
    const subscription = store.subscribeToAll({}, async () => undefined);
    await store.close();
    await expect(subscription.done).resolves.toBeUndefined();
  });
});
