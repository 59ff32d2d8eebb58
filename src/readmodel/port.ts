import type { JsonValue, Position } from '../eventstore/port';
import type { Notification } from './projection';

/**
 * The read-model store port. Redis-shaped on purpose (keys, JSON documents, sorted sets)
 * so the in-process and Redis adapters answer the same way.
 */
export interface ScoredMember {
  member: string;
  score: number;
}

export interface ReadModelReader {
  get<T extends JsonValue>(key: string): Promise<T | undefined>;
  getMany<T extends JsonValue>(keys: readonly string[]): Promise<(T | undefined)[]>;
  /** Members in ascending score order (ties by member), strictly after `afterScore` when given. */
  sortedRange(key: string, options: { afterScore?: number; limit: number }): Promise<ScoredMember[]>;
  sortedCount(key: string): Promise<number>;
  sortedScore(key: string, member: string): Promise<number | undefined>;
  /** Members (of a sorted set whose scores are all 0) starting with `prefix`, in lexical order. */
  lexRangeByPrefix(key: string, prefix: string, limit?: number): Promise<string[]>;
}

export type WriteOp =
  | { op: 'set'; key: string; value: JsonValue }
  | { op: 'del'; key: string }
  | { op: 'sortedAdd'; key: string; member: string; score: number }
  | { op: 'sortedRemove'; key: string; member: string };

/** One key's content: a JSON document or a sorted set (members in ascending score order). */
export type ReadModelEntry =
  | { key: string; kind: 'value'; value: JsonValue }
  | { key: string; kind: 'sortedSet'; members: ScoredMember[] };

export interface ReadModelStore extends ReadModelReader {
  getCheckpoint(projection: string): Promise<Position | null>;
  /**
   * Applies the writes and moves the checkpoint, all or nothing. A store shared by several
   * processes (Redis) also publishes the batch's notifications with it, in the same step.
   */
  commit(
    projection: string,
    ops: readonly WriteOp[],
    checkpoint: Position,
    notifications?: readonly Notification[],
  ): Promise<void>;
  /** Deletes every key starting with one of the prefixes, and the projection's checkpoint. */
  reset(projection: string, keyPrefixes: readonly string[]): Promise<void>;
  /** Every key with its content, in no particular order: lets `replay --verify` compare two stores. */
  entries(): AsyncIterable<ReadModelEntry>;
  close(): Promise<void>;
}
