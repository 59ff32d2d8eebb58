/**
 * The event store port: every adapter (embedded SQLite, KurrentDB) implements this and
 * passes the one contract suite in test/eventstore/.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A global position in the whole log. SQLite: commit = prepare = row id. */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/**
 * What the caller expects of the stream before the append:
 * - 'any': no check;
 * - 'no_stream': the stream must not exist;
 * - 'stream_exists': the stream must have at least one event;
 * - a number: the revision (0-based) of the stream's last event.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface EventMetadata {
  actorId: string | null;
  correlationId: string | null;
  causationId: string | null;
  supportCaseId: string | null;
}

export interface NewEvent {
  eventId: string;
  type: string;
  /** ISO-8601 timestamp, given by the caller (domain code keeps no clock). */
  occurredAt: string;
  data: JsonObject;
  metadata: EventMetadata;
}

export interface StoredEvent extends NewEvent {
  streamId: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  position: Position;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextExpectedRevision: number;
  /** Global position of the last appended event. */
  position: Position;
  /**
   * Optional, from stores with `changeMark`: a mark as of right after this append, for its
   * writer. `changedSince(stream, changeMark)` is true only when the stream may have changed
   * after this append (another append to it, or another connection's commit), so the writer
   * need not read back what it has just written.
   */
  changeMark?: ChangeMark;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards default 0; backwards default the last event. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Default: from the start. */
  after?: Position;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Exclusive: deliver events strictly after this position. Default: from the start. */
  after?: Position;
  /** Largest batch handed to the handler at once. */
  maxBatch?: number;
}

/**
 * A live tail of the global log. The handler is called with batches in global order,
 * one at a time (the next batch waits until the returned promise settles). If the
 * handler throws or the store fails, the subscription stops and `done` rejects.
 */
export interface EventSubscription {
  close(): Promise<void>;
  readonly done: Promise<void>;
}

export type BatchHandler = (batch: readonly StoredEvent[]) => Promise<void>;

/** Opaque: taken before reading a stream, later asked whether the stream may have changed since. */
export interface ChangeMark {
  readonly external: number;
  readonly local: number;
}

export interface EventStore {
  /**
   * Appends atomically. Idempotent by event ID: re-appending events whose IDs are already
   * stored at the same place returns the first result and writes nothing.
   * @throws WrongExpectedVersionError
   */
  append(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** An empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  subscribeToAll(options: SubscribeOptions, handler: BatchHandler): EventSubscription;
  /** Position of the newest event in the log, or null when the log is empty. */
  headPosition(): Promise<Position | null>;
  /**
   * Optional, for adapters that can tell cheaply (without reading the stream): `changedSince`
   * is false only if nothing was appended to the stream after `changeMark()` was taken, by
   * this store or any other connection or process.
   */
  changeMark?(): ChangeMark;
  changedSince?(streamId: string, mark: ChangeMark): boolean;
  close(): Promise<void>;
}

export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision; null when it does not exist. */
    readonly actual: number | null,
  ) {
    super(
      `Stream ${streamId}: expected revision ${String(expected)}, actual ${actual === null ? 'no stream' : actual}`,
    );
  }
}
