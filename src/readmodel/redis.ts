import type { Redis } from 'ioredis';
import type { JsonValue, Position } from '../eventstore/port';
import type { Fence } from '../cluster/lease';
import { RedisScript } from '../cluster/redis-script';
import { orUnavailable } from '../cluster/unavailable';
import { feedId, positionOfFeedId } from './feed-id';
import { deleteKeysStartingWith, keysStartingWith } from './redis-keys';
import type { ReadModelEntry, ReadModelStore, ScoredMember, WriteOp } from './port';
import type { Notification } from './projection';
import { COMMIT_SCRIPT } from './redis-commit-script';

/** Commits kept per projection in its feed, for subscribers that close a gap. */
export const FEED_LENGTH = 10_000;

/** A commit refused because the committing process no longer holds the projection's lease. */
export class FencedOffError extends Error {
  override readonly name = 'FencedOffError';
}

const commitScript = new RedisScript(COMMIT_SCRIPT);

function encodeOps(ops: readonly WriteOp[]): string[] {
  const args: string[] = [];
  for (const op of ops) {
    switch (op.op) {
      case 'set':
        args.push('S', op.key, JSON.stringify(op.value));
        break;
      case 'del':
        args.push('D', op.key);
        break;
      case 'sortedAdd':
        if (!Number.isFinite(op.score)) throw new Error(`Score of ${op.member} in ${op.key} is not finite`);
        args.push('A', op.key, String(op.score), op.member);
        break;
      case 'sortedRemove':
        args.push('R', op.key, op.member);
        break;
    }
  }
  return args;
}

const pairs = (flat: string[]): ScoredMember[] => {
  const result: ScoredMember[] = [];
  for (let i = 0; i < flat.length; i += 2) result.push({ member: flat[i], score: Number(flat[i + 1]) });
  return result;
};

/**
 * The read-model store in Redis, shared by every server process. Values are JSON strings under
 * `<prefix>rm:v:<key>`, sorted sets are ZSETs under `<prefix>rm:z:<key>` (two namespaces, as in
 * the in-process store), checkpoints are `<prefix>cp:<projection>`. Members order by their UTF-8
 * bytes, which is JavaScript's order for every text outside the astral planes.
 */
export class RedisReadModelStore implements ReadModelStore {
  private readonly values: string;
  private readonly sets: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly fence: Fence | null = null,
  ) {
    this.values = `${prefix}rm:v:`;
    this.sets = `${prefix}rm:z:`;
  }

  /** The same store, whose commits succeed only while `fence` still holds its lease. */
  fenced(fence: Fence): RedisReadModelStore {
    return new RedisReadModelStore(this.redis, this.prefix, fence);
  }

  async get<T extends JsonValue>(key: string): Promise<T | undefined> {
    const text = await orUnavailable(this.redis.get(this.values + key));
    return text === null ? undefined : (JSON.parse(text) as T);
  }

  async getMany<T extends JsonValue>(keys: readonly string[]): Promise<(T | undefined)[]> {
    if (keys.length === 0) return [];
    const texts = await orUnavailable(this.redis.mget(keys.map((key) => this.values + key)));
    return texts.map((text) => (text === null ? undefined : (JSON.parse(text) as T)));
  }

  async sortedRange(key: string, options: { afterScore?: number; limit: number }): Promise<ScoredMember[]> {
    if (options.limit <= 0) return [];
    const min = options.afterScore === undefined ? '-inf' : `(${options.afterScore}`;
    const flat = await orUnavailable(
      this.redis.zrange(
        this.sets + key,
        min,
        '+inf',
        'BYSCORE',
        'LIMIT',
        0,
        Math.min(options.limit, Number.MAX_SAFE_INTEGER),
        'WITHSCORES',
      ),
    );
    return pairs(flat);
  }

  sortedCount(key: string): Promise<number> {
    return orUnavailable(this.redis.zcard(this.sets + key));
  }

  async sortedScore(key: string, member: string): Promise<number | undefined> {
    const score = await orUnavailable(this.redis.zscore(this.sets + key, member));
    return score === null ? undefined : Number(score);
  }

  async lexRangeByPrefix(key: string, prefix: string, limit = Number.MAX_SAFE_INTEGER): Promise<string[]> {
    if (limit <= 0) return [];
    // 0xff never occurs in UTF-8, so `(prefix 0xff` is past every member starting with prefix.
    const min = prefix === '' ? '-' : Buffer.concat([Buffer.from('['), Buffer.from(prefix)]);
    const max =
      prefix === '' ? '+' : Buffer.concat([Buffer.from('('), Buffer.from(prefix), Buffer.from([0xff])]);
    return orUnavailable(this.redis.zrange(this.sets + key, min, max, 'BYLEX', 'LIMIT', 0, limit));
  }

  async getCheckpoint(projection: string): Promise<Position | null> {
    const id = await orUnavailable(this.redis.get(this.checkpointKey(projection)));
    return id === null ? null : positionOfFeedId(id);
  }

  async commit(
    projection: string,
    ops: readonly WriteOp[],
    checkpoint: Position,
    notifications: readonly Notification[] = [],
  ): Promise<void> {
    // Serialized before anything is sent: a value that cannot be serialized fails the whole commit.
    const args = [
      this.prefix,
      projection,
      this.fence?.name ?? '',
      this.fence?.value ?? '',
      feedId(checkpoint),
      JSON.stringify(notifications),
      String(FEED_LENGTH),
      ...encodeOps(ops),
    ];
    try {
      await commitScript.run(this.redis, args);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('FENCED')) {
        throw new FencedOffError(`Projection ${projection}: ${error.message}`);
      }
      throw error;
    }
  }

  async reset(projection: string, keyPrefixes: readonly string[]): Promise<void> {
    for (const keyPrefix of keyPrefixes) {
      await deleteKeysStartingWith(this.redis, this.values + keyPrefix);
      await deleteKeysStartingWith(this.redis, this.sets + keyPrefix);
    }
    await this.redis.del(this.checkpointKey(projection), `${this.prefix}feed:${projection}`);
  }

  /** The connection belongs to whoever opened it. */
  async close(): Promise<void> {}

  /** Every key with its content, in no particular order (for `replay --verify`). */
  async *entries(): AsyncIterable<ReadModelEntry> {
    for (const redisKey of await keysStartingWith(this.redis, `${this.prefix}rm:`)) {
      if (redisKey.startsWith(this.values)) {
        const text = await this.redis.get(redisKey);
        if (text !== null) {
          yield {
            key: redisKey.slice(this.values.length),
            kind: 'value',
            value: JSON.parse(text) as JsonValue,
          };
        }
      } else if (redisKey.startsWith(this.sets)) {
        const flat = await this.redis.zrange(redisKey, 0, -1, 'WITHSCORES');
        yield { key: redisKey.slice(this.sets.length), kind: 'sortedSet', members: pairs(flat) };
      }
    }
  }

  /** Everything stored, in key order, in the shape of `MemoryReadModelStore.dump()`. */
  async dump(): Promise<Array<[string, JsonValue | ScoredMember[]]>> {
    const values: Array<[string, JsonValue]> = [];
    const sets: Array<[string, ScoredMember[]]> = [];
    for await (const entry of this.entries()) {
      if (entry.kind === 'value') values.push([entry.key, entry.value]);
      else sets.push([entry.key, entry.members]);
    }
    // A key's value before its set, like the in-process store's dump (the sort is stable).
    const entries: Array<[string, JsonValue | ScoredMember[]]> = [...values, ...sets];
    return entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private checkpointKey(projection: string): string {
    return `${this.prefix}cp:${projection}`;
  }
}
