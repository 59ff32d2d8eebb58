import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pino from 'pino';
import { directoryProjection } from '../../projections/directory';
import type { EventStore, NewEvent } from '../../src/eventstore/port';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import { compareReadModels } from '../../src/readmodel/compare';
import { MemoryReadModelStore } from '../../src/readmodel/memory';
import { Projector } from '../../src/readmodel/projector';
import { rebuildInProcess } from '../../src/readmodel/rebuild';
import { verifyReadModels } from '../../src/readmodel/verify';
import { tempDir } from '../support/temp';

const logger = pino({ level: 'silent' });
const at = '2026-01-01T00:00:00.000Z';
const meta = { actorId: null, correlationId: null, causationId: null, supportCaseId: null };
const projections = [directoryProjection];

const registered = (i: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'ProfileRegistered',
  occurredAt: at,
  metadata: meta,
  data: {
    userId: `user-${i}`,
    email: `u${i}@example.com`,
    name: `User ${i}`,
    company: null,
    registeredAt: at,
  },
});

async function caughtUp(projector: Projector, events: EventStore): Promise<void> {
  const head = await events.headPosition();
  if (head === null) throw new Error('empty log');
  expect(await projector.waitFor(head, 10_000)).toBe(true);
}

describe('verifying and rebuilding read models against the log', () => {
  const temp = tempDir('verify-');
  let events: EventStore;
  let live: MemoryReadModelStore;
  let projector: Projector;
  let next = 0;
  // All at once: the SQLite store commits concurrent appends together (group commit), so they
  // land as promptly as the synchronous appends this test was written against.
  const register = async (count: number) => {
    await Promise.all(
      Array.from({ length: count }, () => {
        const i = next++;
        return events.append(`profile-user-${i}`, [registered(i)], 'no_stream');
      }),
    );
  };

  beforeEach(async () => {
    events = openSqliteEventStore({ file: path.join(temp.dir, `${randomUUID()}.sqlite`) });
    live = new MemoryReadModelStore();
    next = 0;
    projector = new Projector(events, live, projections, logger, { maxBatch: 7 });
    await register(300);
    await projector.start();
    await caughtUp(projector, events);
  });
  afterEach(async () => {
    await projector.stop();
    await events.close();
  });
  afterAll(() => temp.remove());

  test('a live store the projector built equals the replay, also while events keep arriving', async () => {
    const writing = register(200);
    const result = await verifyReadModels(events, live, projections);
    await writing;
    expect(result).toMatchObject({ equal: true, differenceCount: 0, differences: [] });
    expect(result.keysCompared).toBeGreaterThan(300);
  });

  test('a live store that moves during every comparison is compared the last time with its projector held', async () => {
    let held = false;
    // Each comparison first appends an event and, unless the projector is held, lets it be projected.
    const moving = new Proxy(live, {
      get(target, property) {
        if (property === 'entries') {
          return async function* () {
            await register(1);
            const head = await events.headPosition();
            if (!held && head !== null) expect(await projector.waitFor(head, 10_000)).toBe(true);
            yield* target.entries();
          };
        }
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const result = await verifyReadModels(events, moving, projections, undefined, (work) =>
      projector.exclusive(async () => {
        held = true;
        try {
          return await work();
        } finally {
          held = false;
        }
      }),
    );
    expect(result).toMatchObject({ equal: true, attempts: 5 });
    await expect(verifyReadModels(events, moving, projections)).rejects.toThrow('kept changing');
  });

  test('every kind of drift is named: a changed document, a missing one, an extra one, a sorted set', async () => {
    const checkpoint = await live.getCheckpoint(directoryProjection.name);
    if (checkpoint === null) throw new Error('no checkpoint');
    const user7 = await live.get('profile:user-7');
    await live.commit(
      'tampering',
      [
        { op: 'set', key: 'profile:user-7', value: { changed: true } },
        { op: 'del', key: 'profile:user-8' },
        { op: 'set', key: 'profile:zz-extra', value: 1 },
        { op: 'sortedRemove', key: 'profile-email:u9@example.com', member: 'user-9' },
      ],
      checkpoint,
    );
    const result = await verifyReadModels(events, live, projections);
    expect(result.equal).toBe(false);
    expect(result.differences).toEqual([
      {
        key: 'profile-email:u9@example.com',
        kind: 'sortedSet',
        expected: [{ member: 'user-9', score: 0 }],
        actual: null,
      },
      { key: 'profile:user-7', kind: 'value', expected: user7, actual: { changed: true } },
      {
        key: 'profile:user-8',
        kind: 'value',
        expected: expect.objectContaining({ userId: 'user-8' }),
        actual: null,
      },
      { key: 'profile:zz-extra', kind: 'value', expected: null, actual: 1 },
    ]);
  });

  test('the differences shown are the first 20 in key order; their count is all of them', async () => {
    const ops = Array.from({ length: 50 }, (_, i) => ({
      op: 'set' as const,
      key: `profile:user-${i}`,
      value: i,
    }));
    await live.commit('tampering', ops, { commit: 1n, prepare: 1n });
    const result = await verifyReadModels(events, live, projections);
    expect(result.differenceCount).toBe(50);
    const firstKeys = ops
      .map((op) => op.key)
      .sort()
      .slice(0, 20);
    expect(result.differences.map((d) => d.key)).toEqual(firstKeys);
  });

  test('documents compare by content, not by the order of their fields', async () => {
    const a = new MemoryReadModelStore();
    const b = new MemoryReadModelStore();
    const position = { commit: 1n, prepare: 1n };
    await a.commit('p', [{ op: 'set', key: 'k', value: { x: 1, y: [1, 2] } }], position);
    await b.commit('p', [{ op: 'set', key: 'k', value: { y: [1, 2], x: 1 } }], position);
    expect((await compareReadModels(a, b, 10)).differenceCount).toBe(0);
  });

  test('a rebuild in process replaces drifted read models while the projector keeps running, and misses no event', async () => {
    await live.commit('tampering', [{ op: 'set', key: 'profile:user-7', value: 'drift' }], {
      commit: 1n,
      prepare: 1n,
    });
    const fractions: number[] = [];
    const writing = register(200);
    await rebuildInProcess(events, live, projections, projector, (_events, fraction) =>
      fractions.push(fraction),
    );
    await writing;
    await caughtUp(projector, events);
    expect(await live.get('profile:user-7')).toMatchObject({ userId: 'user-7' });
    expect(await live.get(`profile:user-${next - 1}`)).toMatchObject({ userId: `user-${next - 1}` });
    expect(fractions.length).toBeGreaterThan(0);
    expect(fractions[fractions.length - 1]).toBe(1);
    expect((await verifyReadModels(events, live, projections)).equal).toBe(true);
  });
});
