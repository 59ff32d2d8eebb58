import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pino from 'pino';
import { directoryProjection as profilesProjection } from '../../projections/directory';
import type { EventStore, NewEvent } from '../../src/eventstore/port';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import { MemoryReadModelStore } from '../../src/readmodel/memory';
import type { Projection } from '../../src/readmodel/projection';
import { Projector } from '../../src/readmodel/projector';
import { tempDir } from '../support/temp';

const logger = pino({ level: 'silent' });
const at = '2026-01-01T00:00:00.000Z';
const meta = { actorId: null, correlationId: null, causationId: null, supportCaseId: null };

function profileEvents(i: number): NewEvent[] {
  const userId = `user-${i}`;
  return [
    {
      eventId: randomUUID(),
      type: 'ProfileRegistered',
      occurredAt: at,
      metadata: meta,
      data: { userId, email: `u${i}@example.com`, name: `User ${i}`, company: null, registeredAt: at },
    },
    {
      eventId: randomUUID(),
      type: 'ProfileUpdated',
      occurredAt: at,
      metadata: meta,
      data: { userId, source: 'token', changes: { email: `user${i}@example.org`, name: `U ${i}` } },
    },
  ];
}

/** Counts the events a projection was handed. */
function counting(projection: Projection): Projection & { applied: number } {
  const counted = {
    ...projection,
    applied: 0,
    apply: async (...args: Parameters<Projection['apply']>) => {
      counted.applied += 1;
      return projection.apply(...args);
    },
  };
  return counted;
}

async function catchUp(projector: Projector, events: EventStore): Promise<void> {
  const head = await events.headPosition();
  if (head === null) throw new Error('empty log');
  expect(await projector.waitFor(head, 10_000)).toBe(true);
}

describe('projection runtime', () => {
  const temp = tempDir();
  let events: EventStore;
  const TOTAL = 200;

  beforeAll(async () => {
    events = openSqliteEventStore({ file: path.join(temp.dir, 'events.sqlite') });
    for (let i = 0; i < TOTAL / 2; i++)
      await events.append(`profile-user-${i}`, profileEvents(i), 'no_stream');
  });
  afterAll(async () => {
    await events.close();
    temp.remove();
  });

  test('a projection killed between batches resumes from its checkpoint and ends like a rebuild from zero', async () => {
    const store = new MemoryReadModelStore();
    let batches = 0;
    const first = counting(profilesProjection);
    const killed = new Projector(events, store, [first], logger, {
      maxBatch: 10,
      beforeCommit: () => {
        batches += 1;
        if (batches === 5) throw new Error('killed');
      },
    });
    await killed.start();
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (batches >= 5) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    await killed.stop();
    const checkpoint = await store.getCheckpoint(profilesProjection.name);
    expect(checkpoint).not.toBeNull();

    const resumed = counting(profilesProjection);
    const restarted = new Projector(events, store, [resumed], logger, { maxBatch: 10 });
    await restarted.start();
    await catchUp(restarted, events);
    await restarted.stop();
    // 4 batches of 10 were committed before the kill; only the rest is handed out again.
    expect(resumed.applied).toBe(TOTAL - 40);

    const fresh = new MemoryReadModelStore();
    const rebuilt = new Projector(events, fresh, [profilesProjection], logger, { maxBatch: 64 });
    await rebuilt.start();
    await catchUp(rebuilt, events);
    await rebuilt.stop();

    expect(store.dump()).toEqual(fresh.dump());
    expect(await store.get('profile:user-7')).toMatchObject({ email: 'user7@example.org', name: 'U 7' });
    expect(await store.lexRangeByPrefix('profile-email:u7@example.com', '')).toEqual([]);
    expect(await store.lexRangeByPrefix('profile-email:user7@example.org', '')).toEqual(['user-7']);
  });

  test('after a failed batch the runtime retries from its checkpoint by itself', async () => {
    const store = new MemoryReadModelStore();
    let failures = 0;
    const projector = new Projector(events, store, [profilesProjection], logger, {
      maxBatch: 25,
      beforeCommit: () => {
        if (failures === 0) {
          failures += 1;
          throw new Error('transient');
        }
      },
    });
    await projector.start();
    await catchUp(projector, events);
    await projector.stop();
    expect(failures).toBe(1);
    expect(await store.get('profile:user-99')).toMatchObject({ userId: 'user-99' });
  });

  test('rebuild deletes the read model and replays from position 0', async () => {
    const store = new MemoryReadModelStore();
    const projector = new Projector(events, store, [profilesProjection], logger);
    await projector.start();
    await catchUp(projector, events);
    const before = store.dump();
    await projector.rebuild(profilesProjection.name);
    await catchUp(projector, events);
    await projector.stop();
    expect(store.dump()).toEqual(before);
  });

  test('no batch is committed while exclusive work runs; the projector goes on after it', async () => {
    const store = new MemoryReadModelStore();
    const projector = new Projector(events, store, [profilesProjection], logger, { maxBatch: 5 });
    await projector.start();
    await catchUp(projector, events);
    const before = await store.getCheckpoint(profilesProjection.name);
    const seenDuringWork = await projector.exclusive(async () => {
      await events.append(`profile-user-${TOTAL}`, profileEvents(TOTAL), 'no_stream');
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setTimeout(resolve, 5));
      return store.getCheckpoint(profilesProjection.name);
    });
    expect(seenDuringWork).toEqual(before);
    await catchUp(projector, events);
    await projector.stop();
    expect(await store.get(`profile:user-${TOTAL}`)).toMatchObject({ userId: `user-${TOTAL}` });
  });

  test('waitFor answers false when the position is not reached within the bound', async () => {
    const projector = new Projector(events, new MemoryReadModelStore(), [profilesProjection], logger);
    expect(await projector.waitFor({ commit: 10n ** 12n, prepare: 10n ** 12n }, 50)).toBe(false);
  });
});
