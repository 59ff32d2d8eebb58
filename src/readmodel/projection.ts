import type { JsonValue, StoredEvent } from '../eventstore/port';

/** What a projection may do while it handles an event: read documents (seeing its own
 * uncommitted writes) and write documents and sorted-set entries. */
export interface ProjectionTx {
  get<T extends JsonValue>(key: string): Promise<T | undefined>;
  set(key: string, value: JsonValue): void;
  del(key: string): void;
  sortedAdd(key: string, member: string, score: number): void;
  sortedRemove(key: string, member: string): void;
  /** Announces a change to live subscribers; delivered in order, after the batch is committed. */
  notify(topic: string, payload: JsonValue): void;
}

export interface Notification {
  topic: string;
  payload: JsonValue;
}

/**
 * A projection definition: event → read-model changes. Deterministic; it reads only
 * through `tx`, so a rebuild from position 0 gives the same read model.
 */
export interface Projection {
  /** Unique; bump its version suffix (e.g. `profiles.v2`) when its output changes. */
  readonly name: string;
  /** Every key it writes starts with one of these; a rebuild deletes them first. */
  readonly keyPrefixes: readonly string[];
  apply(event: StoredEvent, tx: ProjectionTx): Promise<void>;
}
