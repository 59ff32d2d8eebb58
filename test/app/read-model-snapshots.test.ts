import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { allProjections } from '../../projections';
import { restoreReadModels, saveReadModels, snapshotFile } from '../../src/app/read-model-snapshots';
import type { EventStore, NewEvent } from '../../src/eventstore/port';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import { MemoryReadModelStore } from '../../src/readmodel/memory';
import type { Projection } from '../../src/readmodel/projection';
import { Projector } from '../../src/readmodel/projector';
import { tempDir } from '../support/temp';

const logger = pino({ level: 'silent' });
const at = '2026-01-01T00:00:00.000Z';
const meta = { actorId: null, correlationId: null, causationId: null, supportCaseId: null };

const registered = (userId: string): NewEvent => ({
  eventId: randomUUID(),
  type: 'ProfileRegistered',
  occurredAt: at,
  metadata: meta,
  data: { userId, email: `${userId}@example.com`, name: `Name ${userId}`, company: null, registeredAt: at },
});

async function appendProfiles(events: EventStore, from: number, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      events.append(`profile-${from + i}`, [registered(`user-${from + i}`)], 'no_stream'),
    ),
  );
}

/** Counts the events each projection is handed. */
const counting = (projections: readonly Projection[]) => {
  const counts = { applied: 0 };
  const wrapped = projections.map((projection): Projection => ({
    ...projection,
    apply: async (event, tx) => {
      counts.applied += 1;
      return projection.apply(event, tx);
    },
  }));
  return { counts, wrapped };
};

/** Runs the projections over the log into `store` until they reach its head. */
async function project(events: EventStore, store: MemoryReadModelStore, projections: readonly Projection[]) {
  const projector = new Projector(events, store, projections, logger);
  await projector.start();
  const head = await events.headPosition();
  if (head !== null) expect(await projector.waitFor(head, 10_000)).toBe(true);
  await projector.stop();
}

describe('read-model snapshots', () => {
  const temp = tempDir('snapshots-');
  const file = snapshotFile(temp.dir);
  let events: EventStore;

  beforeAll(async () => {
    events = openSqliteEventStore({ file: path.join(temp.dir, 'events.sqlite') });
    await appendProfiles(events, 0, 300);
    const store = new MemoryReadModelStore();
    await project(events, store, allProjections);
    await saveReadModels(file, events, store, logger);
  });
  afterAll(async () => {
    await events.close();
    temp.remove();
  });

  test('a restart from the snapshot replays only the events after it and ends where a full replay does', async () => {
    expect(existsSync(file)).toBe(true);
    await appendProfiles(events, 300, 25);

    const restored = new MemoryReadModelStore();
    expect(await restoreReadModels(file, events, restored, allProjections, logger)).toBe(true);
    const { counts, wrapped } = counting(allProjections);
    await project(events, restored, wrapped);

    const replayed = new MemoryReadModelStore();
    await project(events, replayed, allProjections);
    expect(counts.applied).toBe(25 * allProjections.length);
    expect(restored.dump()).toEqual(replayed.dump());
  });

  test('is not used for other projections (a new name or version)', async () => {
    const renamed = allProjections.map((projection) => ({ ...projection, name: `${projection.name}-next` }));
    const store = new MemoryReadModelStore();
    expect(await restoreReadModels(file, events, store, renamed, logger)).toBe(false);
    expect(store.dump()).toEqual([]);
  });

  test('is not used for another event log', async () => {
    const other = tempDir('snapshots-other-');
    const otherEvents = openSqliteEventStore({ file: path.join(other.dir, 'events.sqlite') });
    try {
      await appendProfiles(otherEvents, 0, 400);
      const store = new MemoryReadModelStore();
      expect(await restoreReadModels(file, otherEvents, store, allProjections, logger)).toBe(false);
      expect(store.dump()).toEqual([]);
    } finally {
      await otherEvents.close();
      other.remove();
    }
  });

  test('written again from a restored store that nothing has read yet, it restores the same read models', async () => {
    const restored = new MemoryReadModelStore();
    expect(await restoreReadModels(file, events, restored, allProjections, logger)).toBe(true);
    const again = path.join(temp.dir, 'again.snapshot');
    await saveReadModels(again, events, restored, logger);

    const fromAgain = new MemoryReadModelStore();
    expect(await restoreReadModels(again, events, fromAgain, allProjections, logger)).toBe(true);
    const fromFirst = new MemoryReadModelStore();
    expect(await restoreReadModels(file, events, fromFirst, allProjections, logger)).toBe(true);
    expect(fromAgain.dump()).toEqual(fromFirst.dump());
    expect(fromAgain.dump().length).toBeGreaterThan(300);
  });

  test('a file cut short is not used: the whole log is replayed', async () => {
    const cut = path.join(temp.dir, 'cut.snapshot');
    copyFileSync(file, cut);
    truncateSync(cut, readFileSync(cut).length - 10);
    const store = new MemoryReadModelStore();
    expect(await restoreReadModels(cut, events, store, allProjections, logger)).toBe(false);
    expect(store.dump()).toEqual([]);
  });
});
