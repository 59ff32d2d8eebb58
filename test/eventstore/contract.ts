import { randomUUID } from 'node:crypto';
import type {
  AppendResult,
  BatchHandler,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  NewEvent,
  Position,
  StoredEvent,
} from '../../src/eventstore/port';
import { WrongExpectedVersionError } from '../../src/eventstore/port';
import { comparePositions } from '../../src/eventstore/position';

/** Where an append put the stream (what a retry must report again); a store's change mark may differ. */
export const placement = ({ nextExpectedRevision, position }: AppendResult) => ({
  nextExpectedRevision,
  position,
});

export interface EventStoreHarness {
  /** Opens a store; calling it again (after closing the previous one) opens the same underlying data. */
  open(): Promise<EventStore>;
  /** Called once after all tests. */
  cleanup?(): Promise<void>;
}

const WAIT_TIMEOUT_MS = 10_000;

export const newStreamId = (): string => `test-${randomUUID()}`;

export const newEvent = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  eventId: randomUUID(),
  type: 'TestEvent',
  occurredAt: '2024-05-06T07:08:09.123Z',
  data: { n: 1 },
  metadata: { actorId: 'actor-1', correlationId: null, causationId: null, supportCaseId: null },
  ...overrides,
});

/** Waits until `condition` holds, failing after a bounded deadline. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Collects the events of some streams delivered to a subscription (others may share the log). */
export class Collector {
  readonly all: StoredEvent[] = [];
  readonly ours: StoredEvent[] = [];
  batches = 0;
  largestBatch = 0;
  maxConcurrentHandlers = 0;
  private running = 0;

  constructor(private readonly streamIds: Set<string>) {}

  readonly handler: BatchHandler = async (batch) => {
    this.running += 1;
    this.maxConcurrentHandlers = Math.max(this.maxConcurrentHandlers, this.running);
    this.batches += 1;
    this.largestBatch = Math.max(this.largestBatch, batch.length);
    // Yield so that a second, overlapping handler call would be observed.
    await new Promise((resolve) => setImmediate(resolve));
    this.all.push(...batch);
    this.ours.push(...batch.filter((e) => this.streamIds.has(e.streamId)));
    this.running -= 1;
  };

  ids(): string[] {
    return this.ours.map((e) => e.eventId);
  }
}

async function expectWrongVersion(
  append: Promise<unknown>,
  streamId: string,
  expected: ExpectedRevision,
  actual: number | null,
): Promise<void> {
  const error: unknown = await append.then(
    () => new Error('append succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  expect(error).toMatchObject({ streamId, expected, actual });
}

const revisions = (events: readonly StoredEvent[]): number[] => events.map((e) => e.revision);

function expectStrictlyIncreasing(positions: readonly Position[]): void {
  for (let i = 1; i < positions.length; i++) {
    if (comparePositions(positions[i - 1], positions[i]) >= 0) {
      throw new Error(
        `positions not strictly increasing at index ${i}: ${positions[i - 1].commit}:${positions[i - 1].prepare} then ${positions[i].commit}:${positions[i].prepare}`,
      );
    }
  }
}

export function describeEventStoreContract(name: string, harness: EventStoreHarness): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    const subscriptions: EventSubscription[] = [];

    const subscribe = (...args: Parameters<EventStore['subscribeToAll']>): EventSubscription => {
      const subscription = store.subscribeToAll(...args);
      subscriptions.push(subscription);
      return subscription;
    };

    beforeAll(async () => {
      store = await harness.open();
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
    });

    afterAll(async () => {
      await store.close();
      await harness.cleanup?.();
    });

    describe('expected revision', () => {
      test("'no_stream' succeeds on a new stream and fails once it exists", async () => {
        const streamId = newStreamId();
        const result = await store.append(streamId, [newEvent(), newEvent()], 'no_stream');
        expect(result.nextExpectedRevision).toBe(1);

        await expectWrongVersion(store.append(streamId, [newEvent()], 'no_stream'), streamId, 'no_stream', 1);
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      test("'stream_exists' fails on a missing stream and succeeds on an existing one", async () => {
        const streamId = newStreamId();
        await expectWrongVersion(
          store.append(streamId, [newEvent()], 'stream_exists'),
          streamId,
          'stream_exists',
          null,
        );
        expect(await store.readStream(streamId)).toEqual([]);

        await store.append(streamId, [newEvent()], 'no_stream');
        const result = await store.append(streamId, [newEvent()], 'stream_exists');
        expect(result.nextExpectedRevision).toBe(1);
      });

      test("'any' appends whether or not the stream exists", async () => {
        const streamId = newStreamId();
        expect((await store.append(streamId, [newEvent()], 'any')).nextExpectedRevision).toBe(0);
        expect((await store.append(streamId, [newEvent(), newEvent()], 'any')).nextExpectedRevision).toBe(2);
        expect(revisions(await store.readStream(streamId))).toEqual([0, 1, 2]);
      });

      test('an exact revision must be the revision of the last event', async () => {
        const streamId = newStreamId();
        await expectWrongVersion(store.append(streamId, [newEvent()], 0), streamId, 0, null);

        await store.append(streamId, [newEvent(), newEvent()], 'no_stream');
        await expectWrongVersion(store.append(streamId, [newEvent()], 0), streamId, 0, 1);
        await expectWrongVersion(store.append(streamId, [newEvent()], 2), streamId, 2, 1);

        const result = await store.append(streamId, [newEvent()], 1);
        expect(result.nextExpectedRevision).toBe(2);
        expect(revisions(await store.readStream(streamId))).toEqual([0, 1, 2]);
      });

      test('the result carries the position of the last appended event', async () => {
        const streamId = newStreamId();
        const first = await store.append(streamId, [newEvent()], 'no_stream');
        const second = await store.append(streamId, [newEvent(), newEvent()], 0);
        const stored = await store.readStream(streamId);
        expect(first.position).toEqual(stored[0].position);
        expect(second.position).toEqual(stored[2].position);
        expectStrictlyIncreasing(stored.map((e) => e.position));
      });
    });

    describe('reading', () => {
      let streamId: string;
      let appended: NewEvent[];

      beforeAll(async () => {
        streamId = newStreamId();
        appended = [0, 1, 2, 3, 4].map((n) => newEvent({ data: { n } }));
        await store.append(streamId, appended, 'no_stream');
      });

      test('forwards from the start', async () => {
        const events = await store.readStream(streamId);
        expect(revisions(events)).toEqual([0, 1, 2, 3, 4]);
        expect(events.map((e) => e.eventId)).toEqual(appended.map((e) => e.eventId));
      });

      test('forwards from a revision and with a maximum count', async () => {
        expect(revisions(await store.readStream(streamId, { fromRevision: 2 }))).toEqual([2, 3, 4]);
        expect(revisions(await store.readStream(streamId, { maxCount: 2 }))).toEqual([0, 1]);
        expect(revisions(await store.readStream(streamId, { fromRevision: 1, maxCount: 2 }))).toEqual([1, 2]);
        expect(await store.readStream(streamId, { fromRevision: 5 })).toEqual([]);
      });

      test('backwards from the end, from a revision and with a maximum count', async () => {
        expect(revisions(await store.readStream(streamId, { direction: 'backwards' }))).toEqual([
          4, 3, 2, 1, 0,
        ]);
        expect(
          revisions(await store.readStream(streamId, { direction: 'backwards', fromRevision: 2 })),
        ).toEqual([2, 1, 0]);
        expect(revisions(await store.readStream(streamId, { direction: 'backwards', maxCount: 2 }))).toEqual([
          4, 3,
        ]);
        expect(
          revisions(
            await store.readStream(streamId, { direction: 'backwards', fromRevision: 3, maxCount: 2 }),
          ),
        ).toEqual([3, 2]);
      });

      test('a missing stream reads as an empty array', async () => {
        const missing = newStreamId();
        expect(await store.readStream(missing)).toEqual([]);
        expect(await store.readStream(missing, { direction: 'backwards' })).toEqual([]);
      });

      test('readAll returns the events strictly after a position, in order, up to maxCount', async () => {
        const [first, second, third] = await store.readStream(streamId, { maxCount: 3 });

        const afterFirst = await store.readAll({ after: first.position, maxCount: 2 });
        expect(afterFirst).toEqual([second, third]);

        const page = await store.readAll({ after: first.position });
        expect(page[0]).toEqual(second);
        expectStrictlyIncreasing(page.map((e) => e.position));
        expect(page.filter((e) => e.streamId === streamId).map((e) => e.revision)).toEqual([1, 2, 3, 4]);
      });

      test('headPosition is at or after the last append', async () => {
        const result = await store.append(newStreamId(), [newEvent()], 'no_stream');
        const head = await store.headPosition();
        expect(head).not.toBeNull();
        expect(comparePositions(head as Position, result.position)).toBeGreaterThanOrEqual(0);
      });
    });

    test('every stored field round-trips', async () => {
      const streamId = newStreamId();
      const events: NewEvent[] = [
        newEvent({
          type: 'AccessGranted',
          occurredAt: '2025-01-02T03:04:05.678Z',
          data: {
            text: 'Grüße, 世界 "quoted" \\ \n',
            int: 42,
            negative: -7,
            fraction: 1.5,
            big: Number.MAX_SAFE_INTEGER,
            yes: true,
            no: false,
            nothing: null,
            list: [1, 'two', { three: [3] }, []],
            nested: { deeper: { deepest: {} } },
          },
          metadata: {
            actorId: 'user-1',
            correlationId: 'corr-1',
            causationId: 'cause-1',
            supportCaseId: 'case-1',
          },
        }),
        newEvent({
          type: 'AccessRevoked',
          occurredAt: '2025-01-02T03:04:06.000Z',
          data: {},
          metadata: { actorId: null, correlationId: null, causationId: null, supportCaseId: null },
        }),
      ];
      const result = await store.append(streamId, events, 'no_stream');

      const stored = await store.readStream(streamId);
      expect(stored).toEqual(
        events.map((e, revision) => ({ ...e, streamId, revision, position: expect.any(Object) as unknown })),
      );
      expect(stored[1].position).toEqual(result.position);
      for (const event of stored) {
        expect(typeof event.position.commit).toBe('bigint');
        expect(typeof event.position.prepare).toBe('bigint');
      }
      // The same event as seen in the global log.
      expect(await store.readAll({ after: stored[0].position, maxCount: 1 })).toEqual([stored[1]]);
    });

    test('50 concurrent appends with the same expected revision: exactly one succeeds', async () => {
      const streamId = newStreamId();
      await store.append(streamId, [newEvent()], 'no_stream');
      const candidates = Array.from({ length: 50 }, () => newEvent());

      const outcomes = await Promise.allSettled(candidates.map((e) => store.append(streamId, [e], 0)));

      const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [candidates[i]] : []));
      const losers = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(49);
      for (const error of losers) {
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ streamId, expected: 0, actual: 1 });
      }
      const stored = await store.readStream(streamId);
      expect(stored.map((e) => e.eventId)).toEqual([expect.any(String), winners[0].eventId]);
    });

    describe('idempotency by event ID', () => {
      test('re-appending after closing and reopening the store writes nothing and returns the first result', async () => {
        const streamId = newStreamId();
        const events = [newEvent(), newEvent(), newEvent()];
        const first = await store.append(streamId, events, 'no_stream');
        const later = await store.append(streamId, [newEvent()], 2);

        await store.close();
        store = await harness.open();

        expect(placement(await store.append(streamId, events, 'no_stream'))).toEqual(placement(first));
        expect(placement(await store.append(streamId, events, 'any'))).toEqual(placement(first));
        const stored = await store.readStream(streamId);
        expect(stored.map((e) => e.eventId)).toEqual([...events.map((e) => e.eventId), expect.any(String)]);
        expect(stored[3].position).toEqual(later.position);
      });

      test('re-appending with an exact revision returns the first result', async () => {
        const streamId = newStreamId();
        await store.append(streamId, [newEvent()], 'no_stream');
        const events = [newEvent(), newEvent()];
        const first = await store.append(streamId, events, 0);
        expect(placement(await store.append(streamId, events, 0))).toEqual(placement(first));
        expect(await store.readStream(streamId)).toHaveLength(3);
      });

      test('events only partly stored at that place are a wrong expected version', async () => {
        const streamId = newStreamId();
        const [a, b] = [newEvent(), newEvent()];
        await store.append(streamId, [a, b], 'no_stream');

        await expectWrongVersion(
          store.append(streamId, [a, newEvent()], 'no_stream'),
          streamId,
          'no_stream',
          1,
        );
        const stored = await store.readStream(streamId);
        expect(stored.map((e) => e.eventId)).toEqual([a.eventId, b.eventId]);
      });
    });

    describe('subscribeToAll', () => {
      test('8 concurrent writers while tailing: every event exactly once, in global order, no gaps', async () => {
        const streamIds = Array.from({ length: 8 }, newStreamId);
        const collector = new Collector(new Set(streamIds));
        const start = await store.headPosition();
        const subscription = subscribe({ after: start ?? undefined, maxBatch: 7 }, collector.handler);

        const written: string[] = [];
        await Promise.all(
          streamIds.map(async (streamId, writer) => {
            let expected: ExpectedRevision = 'no_stream';
            for (let i = 0; i < 15; i++) {
              const batch = Array.from({ length: 1 + ((i + writer) % 3) }, () =>
                newEvent({ data: { writer, i } }),
              );
              written.push(...batch.map((e) => e.eventId));
              expected = (await store.append(streamId, batch, expected)).nextExpectedRevision;
              // Give the subscriber a chance to tail between appends, not only to catch up at the end.
              if (i % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
            }
          }),
        );

        await waitFor(() => collector.ours.length >= written.length, `${written.length} events`);
        await subscription.close();
        await subscription.done;

        expect(collector.ours).toHaveLength(written.length);
        expect(new Set(collector.ids()).size).toBe(written.length);
        expect([...collector.ids()].sort()).toEqual([...written].sort());
        expectStrictlyIncreasing(collector.all.map((e) => e.position));
        for (const streamId of streamIds) {
          const delivered = collector.ours.filter((e) => e.streamId === streamId);
          expect(revisions(delivered)).toEqual(delivered.map((_, i) => i));
        }
        expect(collector.largestBatch).toBeLessThanOrEqual(7);
        expect(collector.batches).toBeGreaterThan(1);
        expect(collector.maxConcurrentHandlers).toBe(1);

        // Same order as the log itself.
        const log = await store.readAll({ after: start ?? undefined });
        expect(collector.ours).toEqual(log.filter((e) => streamIds.includes(e.streamId)));
      });

      test('subscribing from a position catches up with only later events, then tails', async () => {
        const streamId = newStreamId();
        const events = [newEvent(), newEvent(), newEvent()];
        await store.append(streamId, events, 'no_stream');
        const [first] = await store.readStream(streamId, { maxCount: 1 });

        const collector = new Collector(new Set([streamId]));
        subscribe({ after: first.position }, collector.handler);
        await waitFor(() => collector.ours.length >= 2, 'catch-up');

        const live = newEvent();
        await store.append(streamId, [live], 2);
        await waitFor(() => collector.ours.length >= 3, 'the live event');

        expect(collector.ids()).toEqual([events[1].eventId, events[2].eventId, live.eventId]);
        for (const event of collector.all)
          expect(comparePositions(event.position, first.position)).toBeGreaterThan(0);
      });

      test('close stops delivery and resolves done', async () => {
        const streamId = newStreamId();
        const start = await store.headPosition();
        const collector = new Collector(new Set([streamId]));
        const subscription = subscribe({ after: start ?? undefined }, collector.handler);

        await store.append(streamId, [newEvent()], 'no_stream');
        await waitFor(() => collector.ours.length === 1, 'the first event');
        await subscription.close();
        await expect(subscription.done).resolves.toBeUndefined();

        await store.append(streamId, [newEvent()], 0);
        // A fresh subscription seeing the second event shows it was deliverable; the closed one must not get it.
        const witness = new Collector(new Set([streamId]));
        subscribe({ after: start ?? undefined }, witness.handler);
        await waitFor(() => witness.ours.length === 2, 'the witness to see both events');
        expect(collector.ours).toHaveLength(1);
      });

      test('a handler may close its own subscription: no further batches', async () => {
        const streamId = newStreamId();
        const start = await store.headPosition();
        await store.append(streamId, [newEvent(), newEvent(), newEvent()], 'no_stream');

        const delivered: StoredEvent[] = [];
        const subscription: EventSubscription = subscribe(
          { after: start ?? undefined, maxBatch: 1 },
          async (batch) => {
            const ours = batch.filter((e) => e.streamId === streamId);
            delivered.push(...ours);
            if (ours.length > 0) await subscription.close();
          },
        );
        await subscription.done;

        const witness = new Collector(new Set([streamId]));
        subscribe({ after: start ?? undefined }, witness.handler);
        await waitFor(() => witness.ours.length === 3, 'the witness to see all events');
        expect(delivered.map((e) => e.revision)).toEqual([0]);
      });

      test('a throwing handler stops the subscription and rejects done', async () => {
        const streamId = newStreamId();
        const start = await store.headPosition();
        await store.append(streamId, [newEvent()], 'no_stream');

        let calls = 0;
        const subscription = subscribe({ after: start ?? undefined, maxBatch: 1 }, async (batch) => {
          if (batch.some((e) => e.streamId === streamId)) {
            calls += 1;
            throw new Error('handler failed');
          }
        });
        await expect(subscription.done).rejects.toThrow('handler failed');

        await store.append(streamId, [newEvent()], 0);
        const witness = new Collector(new Set([streamId]));
        subscribe({ after: start ?? undefined }, witness.handler);
        await waitFor(() => witness.ours.length === 2, 'the witness to see both events');
        expect(calls).toBe(1);
      });
    });
  });
}
