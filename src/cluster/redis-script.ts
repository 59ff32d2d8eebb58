import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run by its SHA1 (loaded on first use, and again after Redis restarted empty). */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** `args` as one array: a batch may have more arguments than a call's stack can spread. */
  async run(redis: Redis, args: Array<string | Buffer | number>): Promise<unknown> {
    try {
      return await redis.call('EVALSHA', [this.sha, 0, ...args]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.call('EVAL', [this.lua, 0, ...args]);
    }
  }
}
