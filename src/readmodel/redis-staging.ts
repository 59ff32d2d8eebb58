import type { Redis } from 'ioredis';
import type { Position } from '../eventstore/port';
import type { Fence } from '../cluster/lease';
import { RedisScript } from '../cluster/redis-script';
import { feedId } from './feed-id';
import type { ReadModelEntry } from './port';
import type { Projection } from './projection';
import { RedisReadModelStore } from './redis';
import { deleteKeysStartingWith, keysStartingWith } from './redis-keys';
import { SWAP_SCRIPT } from './redis-swap-script';

const swapScript = new RedisScript(SWAP_SCRIPT);
/** Commands sent in one pipeline, and members in one ZADD, while filling the staging area. */
const CHUNK = 500;

const stagingPrefixOf = (livePrefix: string): string => `${livePrefix}rebuild:`;

/**
 * Room next to the live Redis read models (`<prefix>rebuild:<id>:`, a read-model store of its
 * own) where a rebuilt projection is filled and caught up, and from where it takes the live
 * one's place in one step.
 */
export class RedisStagingArea {
  readonly store: RedisReadModelStore;
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly livePrefix: string,
    id: string,
  ) {
    this.prefix = `${stagingPrefixOf(livePrefix)}${id}:`;
    this.store = new RedisReadModelStore(redis, this.prefix);
  }

  /** Deletes what rebuilds cut off by a crash left behind (a running one fails its swap safely). */
  static async clearAbandoned(redis: Redis, livePrefix: string): Promise<void> {
    await deleteKeysStartingWith(redis, stagingPrefixOf(livePrefix));
  }

  /** Writes the entries and the projection's checkpoint as they are (no commit script, no feed). */
  async load(
    projection: string,
    entries: AsyncIterable<ReadModelEntry>,
    checkpoint: Position | null,
  ): Promise<void> {
    let pipeline = this.redis.pipeline();
    const flush = async (): Promise<void> => {
      for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
      pipeline = this.redis.pipeline();
    };
    for await (const entry of entries) {
      if (entry.kind === 'value') {
        pipeline.set(`${this.prefix}rm:v:${entry.key}`, JSON.stringify(entry.value));
      } else {
        for (let i = 0; i < entry.members.length; i += CHUNK) {
          const pairs = entry.members.slice(i, i + CHUNK).flatMap(({ member, score }) => [score, member]);
          pipeline.zadd(`${this.prefix}rm:z:${entry.key}`, ...pairs);
        }
      }
      if (pipeline.length >= CHUNK) await flush();
    }
    if (checkpoint !== null) pipeline.set(`${this.prefix}cp:${projection}`, feedId(checkpoint));
    await flush();
  }

  /**
   * The staged read model of `projection` replaces the live one: every live key under its
   * prefixes is deleted and every staged key moved in, in one script, only while `fence` holds
   * the lease and the staged checkpoint equals the live one. Run it with the projection held.
   */
  async takeOver(projection: Projection, fence: Fence): Promise<number> {
    const liveRoot = `${this.livePrefix}rm:`;
    const live: string[] = [];
    for (const keyPrefix of projection.keyPrefixes) {
      for (const kind of ['v:', 'z:']) {
        const keys = await keysStartingWith(this.redis, `${liveRoot}${kind}${keyPrefix}`);
        live.push(...keys.map((key) => key.slice(liveRoot.length)));
      }
    }
    const stagedRoot = `${this.prefix}rm:`;
    const staged = (await keysStartingWith(this.redis, stagedRoot)).map((key) =>
      key.slice(stagedRoot.length),
    );
    const moved = await swapScript.run(this.redis, [
      this.livePrefix,
      this.prefix,
      fence.name,
      fence.value,
      projection.name,
      live.length,
      ...live,
      ...staged,
    ]);
    return Number(moved);
  }

  /** Deletes the staging area. */
  async drop(): Promise<void> {
    await deleteKeysStartingWith(this.redis, this.prefix);
  }
}
