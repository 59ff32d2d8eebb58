import { spawn } from 'node:child_process';
import path from 'node:path';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import { tempDir } from '../support/temp';
import { newEvent, newStreamId } from './contract';

const PROJECT_ROOT = path.resolve(__dirname, '../..');

interface Outcome {
  streamId: string;
  ok: boolean;
  revision?: number;
  error?: string;
}

/** Runs the fixture, waits for its outcomes, then kills it with SIGKILL (no close, no shutdown). */
function appendInChildThenKill(file: string, wrongRevision: number, streamIds: string[]): Promise<Outcome[]> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      'test/eventstore/fixtures/group-append-then-hang.ts',
      file,
      String(wrongRevision),
      ...streamIds,
    ],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited ${code ?? signal}: ${stderr}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.includes('\n')) return;
      child.once('close', () => resolve(JSON.parse(stdout) as Outcome[]));
      child.kill('SIGKILL');
    });
  });
}

describe('SQLite group commit', () => {
  const temp = tempDir('group-commit-');
  afterAll(() => temp.remove());

  test('50 concurrent appends to 50 streams, one with a wrong expected revision: 49 succeed, 1 WrongExpectedVersion, all durable after kill -9', async () => {
    const file = path.join(temp.dir, 'events.sqlite');
    const streamIds = Array.from({ length: 50 }, () => newStreamId());
    const seed = openSqliteEventStore({ file });
    await Promise.all(streamIds.map((streamId) => seed.append(streamId, [newEvent()], 'no_stream')));
    await seed.close();

    const outcomes = await appendInChildThenKill(file, 3, streamIds);

    expect(outcomes[0]).toEqual({ streamId: streamIds[0], ok: false, error: 'WrongExpectedVersionError' });
    expect(outcomes.slice(1)).toEqual(
      streamIds.slice(1).map((streamId) => ({ streamId, ok: true, revision: 1 })),
    );
    const reopened = openSqliteEventStore({ file });
    try {
      const lengths = await Promise.all(
        streamIds.map(async (streamId) => (await reopened.readStream(streamId)).length),
      );
      expect(lengths).toEqual(streamIds.map((_, i) => (i === 0 ? 1 : 2)));
    } finally {
      await reopened.close();
    }
  }, 30_000);
});
