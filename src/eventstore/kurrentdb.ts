import { createHash } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
  excludeSystemEvents,
  isCommandError,
  jsonEvent,
} from '@kurrent/kurrentdb-client';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendStreamState,
  CurrentStreamState,
  EventData,
  JSONEventType,
  ReadPosition,
  ReadRevision,
  ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type {
  AppendResult,
  BatchHandler,
  EventMetadata,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  JsonObject,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
} from './port';
import { WrongExpectedVersionError } from './port';
import { comparePositions } from './position';

/**
 * The KurrentDB adapter of the event store port.
 *
 * Layout of an event in KurrentDB: a JSON event whose id is the event ID (see {@link toKurrentEventId}),
 * whose type is ours, whose data is our data object and whose metadata is {@link KurrentEventMetadata}.
 * System events (types starting with `$`) and events of system streams (names starting with `$`) are
 * never returned from the global log.
 */

const DEFAULT_MAX_BATCH = 500;
/** Page size when looking backwards for the newest non-system event. */
const HEAD_PAGE_SIZE = 32;

export interface KurrentDbLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface KurrentDbEventStoreOptions {
  /** E.g. `kurrentdb://localhost:2113?tls=false`. */
  connectionString: string;
  /** Told about dropped subscriptions that are being resumed and about failed subscriptions. */
  logger?: KurrentDbLogger;
  /** Backoff between resubscription attempts after a transient subscription error. */
  resubscribe?: { initialDelayMs?: number; maxDelayMs?: number };
}

/** What this adapter stores as the metadata of every event (JSON). */
export type KurrentEventMetadata = {
  occurredAt: string;
  actorId: string | null;
  correlationId: string | null;
  causationId: string | null;
  supportCaseId: string | null;
  /** Our event ID, only when it is not itself the (lower-case) UUID used as the KurrentDB event id. */
  eventId?: string;
  /** KurrentDB's conventional correlation/causation properties, when known. */
  $correlationId?: string;
  $causationId?: string;
};

export type KurrentEventType = JSONEventType<string, JsonObject, KurrentEventMetadata>;

type AnyResolvedEvent = ResolvedEvent | AllStreamResolvedEvent;

// ---------------------------------------------------------------------------------------------
// Pure mapping helpers (exported for tests)
// ---------------------------------------------------------------------------------------------

/** Our expected revision as the client's stream state. */
export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) {
        throw new RangeError(`Expected revision must be a non-negative integer, got ${expected}`);
      }
      return BigInt(expected);
  }
}

/** The client's view of a stream's current state as our "actual revision" (null: no stream). */
export function toActualRevision(state: CurrentStreamState | undefined): number | null {
  if (state === undefined || state === NO_STREAM) return null;
  // Errors built from gRPC status metadata carry -1 (no stream) and other negative markers.
  return state < 0n ? null : Number(state);
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Namespace of the name-based UUIDs derived from event IDs that are not UUIDs. */
const EVENT_ID_NAMESPACE = Buffer.from('5f1d3c1ea7a84c0e9a0f0c1f6f2b7a41', 'hex');

/**
 * KurrentDB event ids must be UUIDs. A lower-case UUID is used as is; any other ID is mapped to a
 * deterministic name-based (version 5 style) UUID, so that idempotency by event ID still holds, and
 * the original ID is kept in the metadata.
 */
export function toKurrentEventId(eventId: string): string {
  if (UUID_PATTERN.test(eventId)) return eventId;
  const hash = createHash('sha1').update(EVENT_ID_NAMESPACE).update(eventId, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function toKurrentMetadata(event: NewEvent): KurrentEventMetadata {
  const { actorId, correlationId, causationId, supportCaseId } = event.metadata;
  const metadata: KurrentEventMetadata = {
    occurredAt: event.occurredAt,
    actorId: actorId ?? null,
    correlationId: correlationId ?? null,
    causationId: causationId ?? null,
    supportCaseId: supportCaseId ?? null,
  };
  if (toKurrentEventId(event.eventId) !== event.eventId) metadata.eventId = event.eventId;
  if (correlationId) metadata.$correlationId = correlationId;
  if (causationId) metadata.$causationId = causationId;
  return metadata;
}

/** A new event as the client's JSON event data. */
export function toEventData(event: NewEvent): EventData<KurrentEventType> {
  return jsonEvent<KurrentEventType>({
    id: toKurrentEventId(event.eventId),
    type: event.type,
    data: event.data,
    metadata: toKurrentMetadata(event),
  });
}

/** The global position of a resolved event: the recorded event's, else the commit position alone. */
export function positionOf(resolved: AnyResolvedEvent): Position | null {
  const position = resolved.event?.position;
  if (position) return { commit: position.commit, prepare: position.prepare };
  if (resolved.commitPosition !== undefined) {
    return { commit: resolved.commitPosition, prepare: resolved.commitPosition };
  }
  return null;
}

/** False for system events (`$` types, e.g. links `$>`, `$metadata`) and events of `$` streams. */
export function isUserEvent(resolved: AnyResolvedEvent): boolean {
  const event = resolved.event;
  return event !== undefined && !event.type.startsWith('$') && !event.streamId.startsWith('$');
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

const parseJsonBytes = (bytes: Uint8Array): unknown => {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
};

const asJson = (value: unknown): unknown => (value instanceof Uint8Array ? parseJsonBytes(value) : value);

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** A resolved event read from KurrentDB as our stored event. Throws when it is not one of ours. */
export function toStoredEvent(resolved: AnyResolvedEvent): StoredEvent {
  const event = resolved.event;
  if (event === undefined) throw new Error('KurrentDB returned a resolved event without an event');
  const where = `${event.streamId}@${event.revision}`;
  const position = positionOf(resolved);
  if (position === null) throw new Error(`KurrentDB event ${where} has no global position`);
  const data = asJson(event.data);
  if (!isRecord(data)) throw new Error(`KurrentDB event ${where} does not hold a JSON object`);
  const rawMetadata = asJson(event.metadata);
  const metadata = isRecord(rawMetadata) ? rawMetadata : {};
  const eventMetadata: EventMetadata = {
    actorId: stringOrNull(metadata.actorId),
    correlationId: stringOrNull(metadata.correlationId),
    causationId: stringOrNull(metadata.causationId),
    supportCaseId: stringOrNull(metadata.supportCaseId),
  };
  return {
    eventId: typeof metadata.eventId === 'string' ? metadata.eventId : event.id,
    type: event.type,
    occurredAt: typeof metadata.occurredAt === 'string' ? metadata.occurredAt : event.created.toISOString(),
    data: data as JsonObject,
    metadata: eventMetadata,
    streamId: event.streamId,
    revision: Number(event.revision),
    position,
  };
}

const isWrongExpectedVersion = (error: unknown): error is KurrentWrongExpectedVersionError =>
  error instanceof KurrentWrongExpectedVersionError ||
  (error instanceof Error && isCommandError(error) && error.type === ErrorType.WRONG_EXPECTED_VERSION);

/** The client's wrong-expected-version error as ours; any other error unchanged. */
export function mapAppendError(error: unknown, streamId: string, expected: ExpectedRevision): unknown {
  if (isWrongExpectedVersion(error)) {
    return new WrongExpectedVersionError(streamId, expected, toActualRevision(error.actualState));
  }
  return error;
}

const isStreamNotFound = (error: unknown): boolean =>
  error instanceof StreamNotFoundError ||
  (error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND);

/** Errors after which a catch-up subscription is not worth resuming. */
export function isPermanentSubscriptionError(error: unknown): boolean {
  if (!(error instanceof Error) || !isCommandError(error)) return false;
  switch (error.type) {
    case ErrorType.ACCESS_DENIED:
    case ErrorType.INVALID_ARGUMENT:
    case ErrorType.UNSUPPORTED:
      return true;
    default:
      return false;
  }
}

const copyPosition = (p: Position): { commit: bigint; prepare: bigint } => ({
  commit: p.commit,
  prepare: p.prepare,
});

const errorDetails = (error: unknown): Record<string, unknown> =>
  error instanceof Error
    ? { error: error.message, errorType: isCommandError(error) ? error.type : error.name }
    : { error: String(error) };

const noop = (): void => undefined;

// ---------------------------------------------------------------------------------------------
// The adapter
// ---------------------------------------------------------------------------------------------

export class KurrentDbEventStore implements EventStore {
  private readonly subscriptions = new Set<KurrentDbSubscription>();
  private closed = false;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly options: Omit<KurrentDbEventStoreOptions, 'connectionString'> = {},
  ) {}

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    if (events.length === 0) return this.appendNothing(streamId, expected);
    const ids = events.map((e) => toKurrentEventId(e.eventId));
    if (new Set(ids).size !== ids.length)
      throw new Error(`Stream ${streamId}: duplicate event IDs in one append`);
    const streamState = toStreamState(expected);

    let result;
    try {
      result = await this.client.appendToStream<KurrentEventType>(streamId, events.map(toEventData), {
        streamState,
      });
    } catch (error) {
      throw mapAppendError(error, streamId, expected);
    }

    if (result.position !== undefined && events.length === 1) {
      return {
        nextExpectedRevision: Number(result.nextExpectedRevision),
        position: copyPosition(result.position),
      };
    }
    // No position: an idempotent re-append (KurrentDB reports the original revisions but no position).
    // Several events: the append's position is the transaction's, not necessarily the last event's.
    // Either way, read the last event back.
    return this.readBackLast(streamId, result.nextExpectedRevision, ids[ids.length - 1], events.length);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    let fromRevision: ReadRevision;
    if (options.fromRevision === undefined) {
      fromRevision = backwards ? END : START;
    } else if (options.fromRevision < 0) {
      if (backwards) return [];
      fromRevision = START;
    } else {
      fromRevision = BigInt(Math.floor(options.fromRevision));
    }
    const events: StoredEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision,
        ...(options.maxCount !== undefined ? { maxCount: Math.floor(options.maxCount) } : {}),
      });
      for await (const resolved of read) events.push(toStoredEvent(resolved));
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const maxCount = options.maxCount === undefined ? undefined : Math.floor(options.maxCount);
    if (maxCount !== undefined && maxCount <= 0) return [];
    const events: StoredEvent[] = [];
    // Reading from a position includes the event at that position: skip up to `cursor` (exclusive
    // bound) and ask for one more. Events of `$` streams are skipped here, so page until full.
    let cursor: Position | null = options.after ?? null;
    let from: ReadPosition = options.after ? copyPosition(options.after) : START;
    for (;;) {
      const want = maxCount === undefined ? undefined : maxCount - events.length + 1;
      let received = 0;
      let last: Position | null = null;
      for await (const resolved of this.client.readAll({
        direction: FORWARDS,
        fromPosition: from,
        filter: excludeSystemEvents(),
        ...(want !== undefined ? { maxCount: want } : {}),
      })) {
        received += 1;
        const position = positionOf(resolved);
        if (position === null) continue;
        last = position;
        if (cursor !== null && comparePositions(position, cursor) <= 0) continue;
        if (!isUserEvent(resolved)) continue;
        if (maxCount === undefined || events.length < maxCount) events.push(toStoredEvent(resolved));
      }
      if (want === undefined || maxCount === undefined || events.length >= maxCount) break;
      if (received < want || last === null || (cursor !== null && comparePositions(last, cursor) <= 0)) break;
      cursor = last;
      from = copyPosition(last);
    }
    return events;
  }

  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): EventSubscription {
    if (this.closed) throw new Error('The KurrentDB event store is closed');
    const subscription = new KurrentDbSubscription(this.client, options, handler, {
      logger: this.options.logger,
      initialDelayMs: this.options.resubscribe?.initialDelayMs ?? 100,
      maxDelayMs: this.options.resubscribe?.maxDelayMs ?? 5000,
      onStop: (s) => this.subscriptions.delete(s),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<Position | null> {
    let from: ReadPosition = END;
    let cursor: Position | null = null;
    for (;;) {
      let received = 0;
      let last: Position | null = null;
      for await (const resolved of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: from,
        maxCount: HEAD_PAGE_SIZE,
        filter: excludeSystemEvents(),
      })) {
        received += 1;
        const position = positionOf(resolved);
        if (position === null) continue;
        last = position;
        if (cursor !== null && comparePositions(position, cursor) >= 0) continue;
        if (isUserEvent(resolved)) return position;
      }
      if (received < HEAD_PAGE_SIZE || last === null) return null;
      if (cursor !== null && comparePositions(last, cursor) >= 0) return null;
      cursor = last;
      from = copyPosition(last);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.dispose();
  }

  /**
   * Nothing to write (as the embedded adapter): check the expectation and report the stream's
   * current state (position 0 = nothing to wait for).
   */
  private async appendNothing(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    const actual = last === undefined ? null : last.revision;
    const met =
      expected === 'any' ||
      (expected === 'no_stream' && actual === null) ||
      (expected === 'stream_exists' && actual !== null) ||
      expected === actual;
    if (!met) throw new WrongExpectedVersionError(streamId, expected, actual);
    return { nextExpectedRevision: actual ?? -1, position: last?.position ?? { commit: 0n, prepare: 0n } };
  }

  /** The result of an append whose last event is (or already was) at `lastRevision`. */
  private async readBackLast(
    streamId: string,
    lastRevision: bigint,
    lastId: string,
    count: number,
  ): Promise<AppendResult> {
    const window: AnyResolvedEvent[] = [];
    for await (const resolved of this.client.readStream(streamId, {
      direction: BACKWARDS,
      fromRevision: lastRevision,
      maxCount: count,
      requiresLeader: true,
    })) {
      window.push(resolved);
    }
    const last = window.find((r) => r.event?.id === lastId) ?? window[0];
    const position = last === undefined ? null : positionOf(last);
    if (last?.event === undefined || position === null) {
      throw new Error(`Stream ${streamId}: cannot read back the appended event at revision ${lastRevision}`);
    }
    return { nextExpectedRevision: Number(last.event.revision), position };
  }
}

interface SubscriptionSettings {
  logger: KurrentDbLogger | undefined;
  initialDelayMs: number;
  maxDelayMs: number;
  onStop(subscription: KurrentDbSubscription): void;
}

/**
 * A catch-up subscription to `$all` (server-side filtered to non-system event types), delivered in
 * batches. Arriving events are buffered while the handler runs (the client subscription is paused
 * when the buffer is large). The client does not resubscribe by itself: after a transient error or
 * an end of the call, this resubscribes from the last received position with a capped backoff.
 */
class KurrentDbSubscription implements EventSubscription {
  readonly done: Promise<void>;
  private readonly maxBatch: number;
  private readonly highWater: number;
  private readonly lowWater: number;
  private readonly buffer: StoredEvent[] = [];
  /** Position of the last event received (delivered or buffered); later events only. */
  private cursor: Position | null;
  private current: { subscription: AllStreamSubscription; detach(): Promise<void> } | null = null;
  private stopped = false;
  private failure: { error: unknown } | null = null;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private wakeUp: (() => void) | null = null;

  constructor(
    private readonly client: KurrentDBClient,
    options: SubscribeOptions,
    private readonly handler: BatchHandler,
    private readonly settings: SubscriptionSettings,
  ) {
    this.maxBatch = Math.max(1, Math.floor(options.maxBatch ?? DEFAULT_MAX_BATCH));
    this.highWater = Math.max(2 * this.maxBatch, 1000);
    this.lowWater = Math.floor(this.highWater / 2);
    this.cursor = options.after ?? null;
    // Start on a later tick: the handler must not run before subscribeToAll has returned.
    this.done = Promise.resolve()
      .then(() => this.run())
      .finally(() => this.settings.onStop(this));
    // A failure is reported through `done`; do not also crash the process when nobody awaits it.
    this.done.catch(noop);
  }

  /**
   * No batch is delivered after this resolves. A batch already being handled is not awaited, so a
   * handler may close its own subscription.
   */
  async close(): Promise<void> {
    await this.stop();
  }

  private async run(): Promise<void> {
    try {
      this.connect();
      while (!this.stopped) {
        if (this.buffer.length === 0) {
          await new Promise<void>((resolve) => (this.wakeUp = resolve));
          continue;
        }
        const batch = this.buffer.splice(0, this.maxBatch);
        const subscription = this.current?.subscription;
        if (subscription?.isPaused() && this.buffer.length <= this.lowWater) subscription.resume();
        await this.handler(batch);
      }
    } catch (error) {
      this.failure ??= { error };
    } finally {
      await this.stop();
    }
    if (this.failure) throw this.failure.error;
  }

  private wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = null;
    wakeUp?.();
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    const current = this.current;
    this.current = null;
    this.wake();
    if (current) await current.detach();
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.failure ??= { error };
    this.settings.logger?.warn(errorDetails(error), 'KurrentDB subscription to $all failed');
    void this.stop();
  }

  private connect(): void {
    if (this.stopped) return;
    let subscription: AllStreamSubscription;
    try {
      subscription = this.client.subscribeToAll({
        fromPosition: this.cursor ? copyPosition(this.cursor) : START,
        filter: excludeSystemEvents(),
      });
    } catch (error) {
      this.fail(error);
      return;
    }

    const isCurrent = (): boolean => this.current?.subscription === subscription;
    const onData = (resolved: AllStreamResolvedEvent): void => {
      if (!isCurrent() || this.stopped) return;
      this.attempt = 0;
      const position = positionOf(resolved);
      if (position === null) return;
      if (this.cursor !== null && comparePositions(position, this.cursor) <= 0) return;
      this.cursor = position;
      if (!isUserEvent(resolved)) return;
      let event: StoredEvent;
      try {
        event = toStoredEvent(resolved);
      } catch (error) {
        this.fail(error);
        return;
      }
      this.buffer.push(event);
      if (this.buffer.length >= this.highWater && !subscription.isPaused()) subscription.pause();
      this.wake();
    };
    const onConfirmation = (): void => {
      if (isCurrent()) this.attempt = 0;
    };
    const onDropped = (error: unknown): void => {
      if (!isCurrent() || this.stopped) return;
      const current = this.current;
      this.current = null;
      void current?.detach();
      if (isPermanentSubscriptionError(error)) {
        this.fail(error);
        return;
      }
      const delayMs = Math.min(
        this.settings.maxDelayMs,
        this.settings.initialDelayMs * 2 ** Math.min(this.attempt, 20),
      );
      this.attempt += 1;
      this.settings.logger?.warn(
        { ...errorDetails(error), attempt: this.attempt, delayMs },
        'KurrentDB subscription to $all dropped; resubscribing',
      );
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.connect();
      }, delayMs);
    };
    const onError = (error: Error): void => onDropped(error);
    const onEnd = (): void => onDropped(new Error('KurrentDB ended the subscription to $all'));

    const detach = async (): Promise<void> => {
      subscription.removeListener('data', onData);
      subscription.removeListener('confirmation', onConfirmation);
      subscription.removeListener('error', onError);
      subscription.removeListener('end', onEnd);
      // Late errors of a dropped subscription must not become unhandled 'error' events.
      subscription.on('error', noop);
      try {
        await subscription.unsubscribe();
      } catch {
        // The call may never have been established; nothing to cancel.
      }
    };

    this.current = { subscription, detach };
    subscription.on('data', onData);
    subscription.on('confirmation', onConfirmation);
    subscription.on('error', onError);
    subscription.on('end', onEnd);
  }
}

/** Opens the KurrentDB adapter; the client connects lazily on first use. */
export function openKurrentDbEventStore(options: KurrentDbEventStoreOptions): KurrentDbEventStore {
  const { connectionString, ...rest } = options;
  return new KurrentDbEventStore(KurrentDBClient.connectionString(connectionString), rest);
}
