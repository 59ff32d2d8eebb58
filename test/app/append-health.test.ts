import path from 'node:path';
import { AppendHealth } from '../../src/app/append-health';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import type { NewEvent } from '../../src/eventstore/port';
import { tempDir } from '../support/temp';

const event = (n: number): NewEvent => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'Noted',
  occurredAt: '2026-12-01T00:00:00.000Z',
  data: { n },
  metadata: { actorId: null, correlationId: null, causationId: null, supportCaseId: null },
});

describe('the event store as tracked for /readyz', () => {
  const temp = tempDir('append-health-');
  afterAll(() => temp.remove());

  test("keeps the store's cheap change check, so cached state is reused without reading the stream", async () => {
    const inner = openSqliteEventStore({ file: path.join(temp.dir, 'events.sqlite') });
    const store = new AppendHealth(null).track(inner);
    try {
      await store.append('s-1', [event(1)], 'no_stream');
      const mark = store.changeMark?.();
      expect(mark).toBeDefined();
      if (!mark) return;
      expect(store.changedSince?.('s-1', mark)).toBe(false);
      await store.append('s-2', [event(2)], 'no_stream');
      expect(store.changedSince?.('s-1', mark)).toBe(false);
      await store.append('s-1', [event(3)], 0);
      expect(store.changedSince?.('s-1', mark)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
