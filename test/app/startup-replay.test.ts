import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startApp } from '../../src/app/app';
import { loadConfig } from '../../src/app/config';
import { sqliteFile } from '../../src/app/event-store';
import { seed } from '../../src/cli/seed';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import type { ProgressLine } from '../../src/progress/reporter';
import { TEST_SECRET } from '../support/app-harness';
import { tempDir } from '../support/temp';

/** Starts the server on `dataDir` and returns the log lines of its start. */
async function startLogLines(dataDir: string): Promise<Array<{ msg: string; progress?: ProgressLine }>> {
  const lines: Array<{ msg: string; progress?: ProgressLine }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(text));
      done();
    },
  });
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, AUTH_JWT_SECRET: TEST_SECRET });
  const app = await startApp(config, { logger: pino({ level: 'info' }, sink) });
  await app.close();
  return lines;
}

describe('the start-up replay', () => {
  const temp = tempDir('startup-replay-');
  afterAll(() => temp.remove());

  test('says nothing about a replay when the log is empty', async () => {
    const lines = await startLogLines(path.join(temp.dir, 'empty'));
    expect(lines.filter((line) => line.progress !== undefined)).toEqual([]);
  });

  test('logs its progress and ends with a line counting every event of the log once', async () => {
    const dataDir = path.join(temp.dir, 'seeded');
    mkdirSync(dataDir);
    const store = openSqliteEventStore({ file: sqliteFile(dataDir) });
    const { eventsAppended } = await seed(store);
    const total = (await store.readAll({ maxCount: 10_000 })).length;
    await store.close();
    expect(total).toBe(eventsAppended);

    const progress = (await startLogLines(dataDir)).filter((line) => line.progress !== undefined);
    const last = progress[progress.length - 1];
    expect(last.progress).toMatchObject({
      task: 'start-up replay',
      done: total,
      fraction: 1,
      finished: true,
    });
    expect(last.msg).toMatch(new RegExp(`^start-up replay: done, ${total} events in `));
    expect(progress.slice(0, -1).every((line) => line.progress?.finished === false)).toBe(true);
  });
});
