import type { Redis } from 'ioredis';
import type { Fence } from '../cluster/lease';
import type { RedisScript } from '../cluster/redis-script';
import { orUnavailable } from '../cluster/unavailable';
import type { Position } from '../eventstore/port';
import { feedId, positionOfFeedId } from '../readmodel/feed-id';
import { FencedOffError } from '../readmodel/redis';
import type { EmailMessage } from './email-message';
import type { EmailOutbox, FailedDelivery, OutboxEntry } from './outbox';
import { ENQUEUE, MARK_FAILED, MARK_SENT, READ_ENTRIES } from './redis-outbox-scripts';

/** The lease whose holder alone fills and delivers the Redis outbox. */
export const SENDER_LEASE_NAME = 'email-sender';

const FIELDS_PER_ENTRY = 5;
const member = (seq: number): string => String(seq).padStart(15, '0');

function toEntries(flat: unknown): Array<OutboxEntry & { lastError: string | null }> {
  const items = flat as Array<string | null>;
  const entries: Array<OutboxEntry & { lastError: string | null }> = [];
  for (let i = 0; i < items.length; i += FIELDS_PER_ENTRY) {
    entries.push({
      seq: Number(items[i]),
      message: JSON.parse(items[i + 1] ?? 'null') as EmailMessage,
      attempts: Number(items[i + 2]),
      permanentFailures: Number(items[i + 3]),
      lastError: items[i + 4] ?? null,
    });
  }
  return entries;
}

/** What the Redis outbox under `prefix` holds (any process may ask; for `/metrics`). */
export async function redisOutboxCounts(
  redis: Redis,
  prefix: string,
): Promise<{ pending: number; dead: number }> {
  const [pending, dead] = await orUnavailable(
    Promise.all([redis.zcard(`${prefix}email:due`), redis.zcard(`${prefix}email:dead`)]),
  );
  return { pending, dead };
}

/**
 * The outbox in Redis, shared by every server process (REDIS_URL): keys under
 * `<prefix>email:` (see redis-outbox-scripts.ts). Its writes carry the sender lease's `fence`
 * and are refused (FencedOffError, nothing written) once another process holds the lease.
 */
export class RedisEmailOutbox implements EmailOutbox {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly fence: Fence,
  ) {}

  async checkpoint(): Promise<Position | null> {
    const id = await orUnavailable(this.redis.get(`${this.prefix}email:checkpoint`));
    return id === null ? null : positionOfFeedId(id);
  }

  async enqueue(messages: readonly EmailMessage[], checkpoint: Position): Promise<void> {
    // Serialized before anything is sent: a message that cannot be serialized enqueues nothing.
    const pairs = messages.flatMap((message) => [message.messageId, JSON.stringify(message)]);
    await this.write(ENQUEUE, [feedId(checkpoint), ...pairs]);
  }

  async due(now: number, limit: number): Promise<OutboxEntry[]> {
    const entries = await this.read('due', String(now), limit);
    return entries.map(({ lastError: _lastError, ...entry }) => entry);
  }

  async nextDueAt(): Promise<number | null> {
    const [, score] = await orUnavailable(this.redis.zrange(`${this.prefix}email:due`, 0, 0, 'WITHSCORES'));
    return score === undefined ? null : Number(score);
  }

  async markSent(seq: number): Promise<void> {
    await this.write(MARK_SENT, [member(seq)]);
  }

  async markFailed(seq: number, failure: FailedDelivery): Promise<void> {
    await this.write(MARK_FAILED, [
      member(seq),
      failure.permanent ? '1' : '0',
      String(failure.retryAt),
      failure.error,
      failure.dead ? '1' : '0',
    ]);
  }

  counts(): Promise<{ pending: number; dead: number }> {
    return redisOutboxCounts(this.redis, this.prefix);
  }

  dead(limit: number): Promise<Array<OutboxEntry & { lastError: string | null }>> {
    return this.read('dead', '+inf', limit);
  }

  /** The connection belongs to whoever opened it. */
  async close(): Promise<void> {}

  private async read(set: 'due' | 'dead', maxScore: string, limit: number) {
    if (limit <= 0) return [];
    return toEntries(await orUnavailable(READ_ENTRIES.run(this.redis, [this.prefix, set, maxScore, limit])));
  }

  private async write(script: RedisScript, args: string[]): Promise<void> {
    try {
      await orUnavailable(script.run(this.redis, [this.prefix, this.fence.name, this.fence.value, ...args]));
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('FENCED')) {
        throw new FencedOffError(`Email outbox: ${error.message}`);
      }
      throw error;
    }
  }
}
