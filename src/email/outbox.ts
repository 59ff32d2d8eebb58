import type { Position } from '../eventstore/port';
import type { EmailMessage } from './email-message';

export interface OutboxEntry {
  seq: number;
  message: EmailMessage;
  /** Failed deliveries so far, of any kind. */
  attempts: number;
  /** Of those, the ones the SMTP server refused for good (5xx). */
  permanentFailures: number;
}

export interface FailedDelivery {
  error: string;
  permanent: boolean;
  /** Epoch ms; ignored when the entry becomes dead. */
  retryAt: number;
  dead: boolean;
}

/**
 * The durable email outbox port: the messages waiting to be delivered, and the checkpoint
 * (the position in the event log up to which events have been turned into messages).
 * Embedded: SQLite in DATA_DIR (sqlite-outbox.ts); with REDIS_URL: Redis, shared by every process
 * (redis-outbox.ts).
 */
export interface EmailOutbox {
  checkpoint(): Promise<Position | null>;
  /**
   * Adds the messages and moves the checkpoint, all or nothing. Does nothing when the stored
   * checkpoint is already at or past `checkpoint` (another writer got there first).
   */
  enqueue(messages: readonly EmailMessage[], checkpoint: Position): Promise<void>;
  /** Pending entries whose next attempt is due at `now` (epoch ms), oldest first. */
  due(now: number, limit: number): Promise<OutboxEntry[]>;
  /** When the next pending entry is due (epoch ms), or null when none is pending. */
  nextDueAt(): Promise<number | null>;
  /** Delivered: the entry leaves the outbox. */
  markSent(seq: number): Promise<void>;
  markFailed(seq: number, failure: FailedDelivery): Promise<void>;
  counts(): Promise<{ pending: number; dead: number }>;
  /** Dead letters, oldest first (for operators and tests). */
  dead(limit: number): Promise<Array<OutboxEntry & { lastError: string | null }>>;
  close(): Promise<void>;
}
