import path from 'node:path';
import { seed } from '../../src/cli/seed';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import { tempDir } from '../support/temp';

describe('seed progress', () => {
  test('reports every appended event once, step by step up to the whole; a second run reports none', async () => {
    const temp = tempDir('seed-progress-');
    const store = openSqliteEventStore({ file: path.join(temp.dir, 'events.sqlite') });
    try {
      const reports: Array<{ events: number; fraction: number }> = [];
      const first = await seed(store, undefined, (events, fraction) => reports.push({ events, fraction }));
      expect(reports.reduce((sum, r) => sum + r.events, 0)).toBe(first.eventsAppended);
      const fractions = reports.map((r) => r.fraction);
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
      expect(fractions[fractions.length - 1]).toBe(1);

      const again: number[] = [];
      await seed(store, undefined, (events) => again.push(events));
      expect(again.length).toBe(reports.length);
      expect(again.every((events) => events === 0)).toBe(true);
    } finally {
      await store.close();
      temp.remove();
    }
  });
});
