import { PassThrough } from 'node:stream';
import {
  AccessDeniedError,
  UnavailableError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type {
  AllStreamResolvedEvent,
  KurrentDBClient,
  ReadPosition,
  ResolvedEvent,
  SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';
import {
  KurrentDbEventStore,
  isPermanentSubscriptionError,
  isUserEvent,
  mapAppendError,
  positionOf,
  toActualRevision,
  toEventData,
  toKurrentEventId,
  toStoredEvent,
  toStreamState,
} from '../../src/eventstore/kurrentdb';
import type { NewEvent, StoredEvent } from '../../src/eventstore/port';
import { WrongExpectedVersionError } from '../../src/eventstore/port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const newEvent = (overrides: Partial<NewEvent> = {}): NewEvent => ({
  eventId: '0b6f1a4e-3c2d-4e5f-8a9b-0c1d2e3f4a5b',
  type: 'AccessGranted',
  occurredAt: '2025-01-02T03:04:05.678Z',
  data: { text: 'Grüße', n: 42, list: [1, 'two', { three: [3] }], nothing: null },
  metadata: { actorId: 'user-1', correlationId: 'corr-1', causationId: null, supportCaseId: 'case-1' },
  ...overrides,
});

/** A resolved event shaped like the client's (JSON event read from a stream or $all). */
function resolvedFrom(
  event: NewEvent,
  where: { streamId: string; revision: number; commit: bigint; prepare?: bigint },
): AllStreamResolvedEvent {
  const data = toEventData(event);
  return {
    event: {
      streamId: where.streamId,
      id: data.id,
      isJson: true,
      revision: BigInt(where.revision),
      type: data.type,
      created: new Date('2030-01-01T00:00:00.000Z'),
      // What the client hands back: parsed JSON.
      data: JSON.parse(JSON.stringify(data.data)) as Record<string, unknown>,
      metadata: JSON.parse(JSON.stringify(data.metadata)) as Record<string, unknown>,
      position: { commit: where.commit, prepare: where.prepare ?? where.commit },
    },
    commitPosition: where.commit,
  };
}

describe('KurrentDB mapping', () => {
  test('expected revision → stream state', () => {
    expect(toStreamState('any')).toBe('any');
    expect(toStreamState('no_stream')).toBe('no_stream');
    expect(toStreamState('stream_exists')).toBe('stream_exists');
    expect(toStreamState(0)).toBe(0n);
    expect(toStreamState(41)).toBe(41n);
    expect(() => toStreamState(-1)).toThrow(RangeError);
    expect(() => toStreamState(1.5)).toThrow(RangeError);
  });

  test('current stream state → actual revision', () => {
    expect(toActualRevision('no_stream')).toBeNull();
    expect(toActualRevision(undefined)).toBeNull();
    expect(toActualRevision(-1n)).toBeNull();
    expect(toActualRevision(0n)).toBe(0);
    expect(toActualRevision(7n)).toBe(7);
  });

  test("the client's wrong expected version error becomes ours", () => {
    const exists = new KurrentWrongExpectedVersionError(undefined, {
      streamName: 's-1',
      expected: 0n,
      current: 1n,
    });
    const mapped = mapAppendError(exists, 's-1', 0);
    expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapped).toMatchObject({ streamId: 's-1', expected: 0, actual: 1 });

    const missing = new KurrentWrongExpectedVersionError(undefined, {
      streamName: 's-2',
      expected: 'stream_exists',
      current: 'no_stream',
    });
    expect(mapAppendError(missing, 's-2', 'stream_exists')).toMatchObject({
      streamId: 's-2',
      expected: 'stream_exists',
      actual: null,
    });

    const other = new Error('boom');
    expect(mapAppendError(other, 's-1', 'any')).toBe(other);
  });

  test('event IDs: lower-case UUIDs as is, anything else as a stable derived UUID', () => {
    const uuid = '0b6f1a4e-3c2d-4e5f-8a9b-0c1d2e3f4a5b';
    expect(toKurrentEventId(uuid)).toBe(uuid);
    const derived = toKurrentEventId('event-1');
    expect(derived).toMatch(UUID);
    expect(derived[14]).toBe('5');
    expect(toKurrentEventId('event-1')).toBe(derived);
    expect(toKurrentEventId('event-2')).not.toBe(derived);
    expect(toKurrentEventId(uuid.toUpperCase())).not.toBe(uuid);
  });

  test('a new event as JSON event data', () => {
    const data = toEventData(newEvent());
    expect(data).toEqual({
      id: '0b6f1a4e-3c2d-4e5f-8a9b-0c1d2e3f4a5b',
      contentType: 'application/json',
      type: 'AccessGranted',
      data: newEvent().data,
      metadata: {
        occurredAt: '2025-01-02T03:04:05.678Z',
        actorId: 'user-1',
        correlationId: 'corr-1',
        causationId: null,
        supportCaseId: 'case-1',
        $correlationId: 'corr-1',
      },
    });

    const odd = toEventData(newEvent({ eventId: 'not-a-uuid', metadata: newEvent().metadata }));
    expect(odd.id).toMatch(UUID);
    expect(odd.metadata).toMatchObject({ eventId: 'not-a-uuid' });
  });

  test('resolved event → stored event round-trips every field', () => {
    const original = newEvent({ eventId: 'custom-id-7' });
    const resolved = resolvedFrom(original, {
      streamId: 'profile-1',
      revision: 3,
      commit: 1200n,
      prepare: 1100n,
    });
    const stored = toStoredEvent(resolved);
    expect(stored).toEqual({
      ...original,
      streamId: 'profile-1',
      revision: 3,
      position: { commit: 1200n, prepare: 1100n },
    });
  });

  test('resolved event → stored event: fallbacks and binary metadata', () => {
    const resolved: ResolvedEvent = {
      event: {
        streamId: 'profile-2',
        id: '11111111-2222-4333-8444-555555555555',
        isJson: true,
        revision: 0n,
        type: 'Foreign',
        created: new Date('2024-02-03T04:05:06.789Z'),
        data: { a: 1 },
        metadata: Buffer.from(JSON.stringify({ actorId: 'x', correlationId: 5 })),
      },
      commitPosition: 77n,
    };
    expect(toStoredEvent(resolved)).toEqual({
      eventId: '11111111-2222-4333-8444-555555555555',
      type: 'Foreign',
      occurredAt: '2024-02-03T04:05:06.789Z',
      data: { a: 1 },
      metadata: { actorId: 'x', correlationId: null, causationId: null, supportCaseId: null },
      streamId: 'profile-2',
      revision: 0,
      position: { commit: 77n, prepare: 77n },
    });
  });

  test('resolved events that cannot be ours are rejected', () => {
    expect(() => toStoredEvent({})).toThrow('without an event');
    const resolved = resolvedFrom(newEvent(), { streamId: 's', revision: 0, commit: 1n });
    expect(() => toStoredEvent({ event: { ...resolved.event!, data: [1, 2] } as never })).toThrow(
      'does not hold a JSON object',
    );
    const { position: _position, ...withoutPosition } = resolved.event!;
    expect(() => toStoredEvent({ event: withoutPosition as never })).toThrow('no global position');
  });

  test('positions and system events', () => {
    const resolved = resolvedFrom(newEvent(), {
      streamId: 'profile-1',
      revision: 0,
      commit: 10n,
      prepare: 9n,
    });
    expect(positionOf(resolved)).toEqual({ commit: 10n, prepare: 9n });
    expect(positionOf({ commitPosition: 5n })).toEqual({ commit: 5n, prepare: 5n });
    expect(positionOf({})).toBeNull();

    expect(isUserEvent(resolved)).toBe(true);
    expect(isUserEvent({})).toBe(false);
    expect(isUserEvent({ event: { ...resolved.event!, type: '$metadata' } as never })).toBe(false);
    expect(isUserEvent({ event: { ...resolved.event!, streamId: '$stats-127.0.0.1:2113' } as never })).toBe(
      false,
    );
  });

  test('permanent subscription errors', () => {
    expect(isPermanentSubscriptionError(new AccessDeniedError())).toBe(true);
    expect(isPermanentSubscriptionError(new UnavailableError())).toBe(false);
    expect(isPermanentSubscriptionError(new Error('anything else'))).toBe(false);
  });
});

// -----------------------------------------------------------------------------------------------
// The subscription state machine, against a fake client (no server): batching, resubscription.
// -----------------------------------------------------------------------------------------------

class FakeSubscription extends PassThrough {
  unsubscribed = false;
  constructor(readonly fromPosition: ReadPosition | undefined) {
    super({ objectMode: true });
  }
  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
  }
}

class FakeClient {
  readonly subscriptions: FakeSubscription[] = [];
  disposed = false;
  subscribeToAll(options: SubscribeToAllOptions = {}): FakeSubscription {
    const subscription = new FakeSubscription(options.fromPosition);
    this.subscriptions.push(subscription);
    return subscription;
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
  get last(): FakeSubscription {
    return this.subscriptions[this.subscriptions.length - 1];
  }
}

const eventAt = (n: number, streamId = 'profile-1'): AllStreamResolvedEvent =>
  resolvedFrom(newEvent({ eventId: `event-${n}` }), { streamId, revision: n, commit: BigInt(n * 100) });

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function openFake(): { client: FakeClient; store: KurrentDbEventStore } {
  const client = new FakeClient();
  const store = new KurrentDbEventStore(client as unknown as KurrentDBClient, {
    resubscribe: { initialDelayMs: 1, maxDelayMs: 5 },
  });
  return { client, store };
}

describe('KurrentDB subscription (fake client)', () => {
  test('batches up to maxBatch, one handler call at a time, skipping system events and duplicates', async () => {
    const { client, store } = openFake();
    const batches: StoredEvent[][] = [];
    let running = 0;
    let maxRunning = 0;
    let release: () => void = () => undefined;
    let gate = new Promise<void>((resolve) => (release = resolve));
    const subscription = store.subscribeToAll({ maxBatch: 3 }, async (batch) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      batches.push([...batch]);
      await gate;
      running -= 1;
    });
    await waitFor(() => client.subscriptions.length === 1);
    expect(client.last.fromPosition).toBe('start');

    client.last.write(eventAt(1));
    await waitFor(() => batches.length === 1);
    // Arrive while the first batch is being handled.
    for (const n of [2, 3, 4, 5]) client.last.write(eventAt(n));
    client.last.write(eventAt(3)); // a duplicate (at or before the last received position)
    client.last.write(eventAt(6, '$stats-node')); // a system stream
    client.last.write(eventAt(7));
    gate = Promise.resolve();
    release();
    await waitFor(() => batches.flat().length === 6);

    expect(batches.map((b) => b.map((e) => e.revision))).toEqual([[1], [2, 3, 4], [5, 7]]);
    expect(maxRunning).toBe(1);
    await subscription.close();
    await expect(subscription.done).resolves.toBeUndefined();
    expect(client.last.unsubscribed).toBe(true);
    await store.close();
    expect(client.disposed).toBe(true);
  });

  test('starts after the given position and resumes from the last received one after a transient error', async () => {
    const { client, store } = openFake();
    const delivered: number[] = [];
    const subscription = store.subscribeToAll({ after: { commit: 100n, prepare: 100n } }, async (batch) => {
      delivered.push(...batch.map((e) => e.revision));
    });
    await waitFor(() => client.subscriptions.length === 1);
    expect(client.last.fromPosition).toEqual({ commit: 100n, prepare: 100n });

    client.last.write(eventAt(1)); // at the start position: not after it
    client.last.write(eventAt(2));
    await waitFor(() => delivered.length === 1);
    const first = client.last;
    first.emit('error', new UnavailableError());
    await waitFor(() => client.subscriptions.length === 2);
    expect(first.unsubscribed).toBe(true);
    expect(client.last.fromPosition).toEqual({ commit: 200n, prepare: 200n });

    // The server replays from the position (whether inclusive or not): no duplicates.
    client.last.write(eventAt(2));
    client.last.write(eventAt(3));
    await waitFor(() => delivered.length === 2);
    // A call ended by the server is resumed as well.
    client.last.end();
    await waitFor(() => client.subscriptions.length === 3);
    client.last.write(eventAt(4));
    await waitFor(() => delivered.length === 3);

    expect(delivered).toEqual([2, 3, 4]);
    await store.close();
    await expect(subscription.done).resolves.toBeUndefined();
  });

  test('a throwing handler or a permanent error rejects done', async () => {
    const { client, store } = openFake();
    const failing = store.subscribeToAll({}, async () => {
      throw new Error('handler failed');
    });
    await waitFor(() => client.subscriptions.length === 1);
    client.last.write(eventAt(1));
    await expect(failing.done).rejects.toThrow('handler failed');
    expect(client.last.unsubscribed).toBe(true);

    const denied = store.subscribeToAll({}, async () => undefined);
    await waitFor(() => client.subscriptions.length === 2);
    client.last.emit('error', new AccessDeniedError());
    await expect(denied.done).rejects.toBeInstanceOf(AccessDeniedError);
    expect(client.subscriptions).toHaveLength(2);
    await store.close();
  });

  test('a handler may close its own subscription', async () => {
    const { client, store } = openFake();
    const delivered: number[] = [];
    const subscription = store.subscribeToAll({ maxBatch: 1 }, async (batch) => {
      delivered.push(...batch.map((e) => e.revision));
      await subscription.close();
    });
    await waitFor(() => client.subscriptions.length === 1);
    client.last.write(eventAt(1));
    client.last.write(eventAt(2));
    await subscription.done;
    expect(delivered).toEqual([1]);
    await store.close();
  });
});
