import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The machine's Redis (`.ci/run` starts it), or TEST_REDIS_URL. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses. */
export const uniquePrefix = (): string => `test:${randomUUID()}:`;

/** Deletes every key starting with `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(
      cursor,
      'MATCH',
      `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`,
      'COUNT',
      1000,
    );
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** A connection to the test Redis, and the prefixes handed out, deleted by `cleanup()`. */
export function testRedis(): { redis: Redis; prefix(): string; cleanup(): Promise<void> } {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const prefixes: string[] = [];
  return {
    redis,
    prefix() {
      const prefix = uniquePrefix();
      prefixes.push(prefix);
      return prefix;
    },
    async cleanup() {
      for (const prefix of prefixes) await deleteKeys(redis, prefix);
      redis.disconnect();
    },
  };
}
