import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { retryAfterSeconds, type RateLimits, type RateVerdict } from '../app/rate-limiter';
import { RedisScript } from './redis-script';
import { redisUnavailable } from './unavailable';

// ARGV: key, now, window (ms), limit, a member unique to this use. A sorted set of uses by time.
const TAKE = new RedisScript(`
redis.call('ZREMRANGEBYSCORE', ARGV[1], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[3]))
if redis.call('ZCARD', ARGV[1]) >= tonumber(ARGV[4]) then
  return redis.call('ZRANGE', ARGV[1], 0, 0, 'WITHSCORES')[2]
end
redis.call('ZADD', ARGV[1], ARGV[2], ARGV[5])
redis.call('PEXPIRE', ARGV[1], ARGV[3])
return false
`);

/** Sliding-window counts per key in Redis: every server process counts into the same window. */
export class RedisRateLimiter implements RateLimits {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  async take(key: string, now: number): Promise<RateVerdict> {
    let oldest: unknown;
    try {
      oldest = await TAKE.run(this.redis, [
        this.keyPrefix + key,
        now,
        this.windowMs,
        this.limit,
        `${now}:${randomUUID()}`,
      ]);
    } catch {
      throw redisUnavailable();
    }
    if (oldest === null) return { allowed: true };
    return { allowed: false, retryAfterSeconds: retryAfterSeconds(Number(oldest), this.windowMs, now) };
  }
}
