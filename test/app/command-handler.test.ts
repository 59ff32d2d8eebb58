import path from 'node:path';
import { CommandHandler } from '../../src/app/command-handler';
import type { Command, Decider, DomainEvent } from '../../src/domain/decider';
import { DomainError, conflict } from '../../src/domain/errors';
import type { EventStore } from '../../src/eventstore/port';
import { openSqliteEventStore } from '../../src/eventstore/sqlite';
import { tempDir } from '../support/temp';

type Added = DomainEvent<'ItemAdded', { item: string }>;
type AddItem = Command<'Add', { item: string; limit?: number }>;

/** A list that refuses duplicates and may be bounded: enough to show retries keep rules. */
const listDecider: Decider<AddItem, Added, string[]> = {
  name: 'test-list',
  initialState: () => [],
  decide: (command, state) => {
    if (state.includes(command.data.item)) return [];
    if (command.data.limit !== undefined && state.length >= command.data.limit) throw conflict('full');
    return [{ type: 'ItemAdded', data: { item: command.data.item } }];
  },
  evolve: (state, event) => {
    state.push(event.data.item);
    return state;
  },
};

const metadata = {
  actor: { userId: 'alice', platformRoles: [], supportCaseId: null },
  correlationId: 'c-1',
  at: '2026-01-01T00:00:00.000Z',
};

/** The store, counting the stream reads made through it. */
function countingReads(store: EventStore): { counting: EventStore; reads: { count: number } } {
  const reads = { count: 0 };
  const counting: EventStore = Object.create(store, {
    readStream: {
      value: (...args: Parameters<EventStore['readStream']>) => {
        reads.count += 1;
        return store.readStream(...args);
      },
    },
  });
  return { counting, reads };
}

describe('command handling', () => {
  const temp = tempDir();
  let store: EventStore;
  beforeAll(() => {
    store = openSqliteEventStore({ file: path.join(temp.dir, 'events.sqlite') });
  });
  afterAll(async () => {
    await store.close();
    temp.remove();
  });

  test('20 concurrent commands on one stream all land: none is lost', async () => {
    const handlers = Array.from({ length: 4 }, () => new CommandHandler(store, { maxAttempts: 50 }));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        handlers[i % 4].execute(listDecider, 'list-a', {
          type: 'Add',
          data: { item: `item-${i}` },
          metadata,
        }),
      ),
    );
    const stored = await store.readStream('list-a');
    expect(stored.map((e) => e.data.item).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `item-${i}`).sort(),
    );
  });

  test('a rule checked against the latest state holds under concurrency', async () => {
    const handlers = Array.from({ length: 5 }, () => new CommandHandler(store, { maxAttempts: 50 }));
    const results = await Promise.allSettled(
      handlers.map((handler, i) =>
        handler.execute(listDecider, 'list-b', { type: 'Add', data: { item: `x${i}`, limit: 2 }, metadata }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(await store.readStream('list-b')).toHaveLength(2);
  });

  test('metadata records the actor and correlation; a cached state catches up with others’ appends', async () => {
    const mine = new CommandHandler(store);
    const other = new CommandHandler(store);
    await mine.execute(listDecider, 'list-c', { type: 'Add', data: { item: 'one' }, metadata });
    await other.execute(listDecider, 'list-c', { type: 'Add', data: { item: 'two' }, metadata });
    const result = await mine.execute(listDecider, 'list-c', {
      type: 'Add',
      data: { item: 'three' },
      metadata,
    });
    expect(result.state).toEqual(['one', 'two', 'three']);
    const [first] = await store.readStream('list-c');
    expect(first.metadata).toEqual({
      actorId: 'alice',
      correlationId: 'c-1',
      causationId: null,
      supportCaseId: null,
    });
    expect(first.occurredAt).toBe(metadata.at);
  });

  test('a command that decides nothing appends nothing', async () => {
    const handler = new CommandHandler(store);
    await handler.execute(listDecider, 'list-d', { type: 'Add', data: { item: 'a' }, metadata });
    const again = await handler.execute(listDecider, 'list-d', {
      type: 'Add',
      data: { item: 'a' },
      metadata,
    });
    expect(again.events).toEqual([]);
    expect(again.position).toBeNull();
    expect(await store.readStream('list-d')).toHaveLength(1);
  });

  test('too many concurrent changes end in CONFLICT, not a lost write', async () => {
    const handlers = Array.from({ length: 10 }, () => new CommandHandler(store, { maxAttempts: 1 }));
    const results = await Promise.allSettled(
      handlers.map((handler, i) =>
        handler.execute(listDecider, 'list-e', { type: 'Add', data: { item: `y${i}` }, metadata }),
      ),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect((f.reason as DomainError).code).toBe('CONFLICT');
    expect(await store.readStream('list-e')).toHaveLength(10 - failed.length);
  });
  test('concurrent reads of one stream share one read, and a read asked for after a command sees it', async () => {
    const { counting, reads } = countingReads(store);
    const handler = new CommandHandler(counting);
    await handler.execute(listDecider, 'list-f', { type: 'Add', data: { item: 'a' }, metadata });
    reads.count = 0;
    const states = await Promise.all(Array.from({ length: 100 }, () => handler.state(listDecider, 'list-f')));
    expect(states.every(({ state }) => state.join() === 'a')).toBe(true);
    expect(reads.count).toBeLessThanOrEqual(2);
    await new CommandHandler(store).execute(listDecider, 'list-f', {
      type: 'Add',
      data: { item: 'b' },
      metadata,
    });
    expect((await handler.state(listDecider, 'list-f')).state).toEqual(['a', 'b']);
  });

  test("after its own append the next command decides without reading the stream back, and still sees another connection's append", async () => {
    const { counting, reads } = countingReads(store);
    const handler = new CommandHandler(counting);
    const add = (item: string) => ({ type: 'Add' as const, data: { item }, metadata });
    await handler.execute(listDecider, 'list-g', add('a'));
    reads.count = 0;
    await handler.execute(listDecider, 'list-g', add('b'));
    await handler.execute(listDecider, 'list-g', add('c'));
    expect(reads.count).toBe(0);

    // Another connection to the same file (as another process would be) appends to the stream.
    const other = openSqliteEventStore({ file: path.join(temp.dir, 'events.sqlite') });
    try {
      await new CommandHandler(other).execute(listDecider, 'list-g', add('d'));
    } finally {
      await other.close();
    }
    const result = await handler.execute(listDecider, 'list-g', add('e'));
    expect(result.state).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(reads.count).toBeGreaterThan(0);
  });
});
