export type RateVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Sliding-window counts per key. */
export interface RateLimits {
  /** Counts one use of `key` at `now` (ms), or answers how long to wait when the window is full. */
  take(key: string, now: number): Promise<RateVerdict>;
}

/** Makes the limiter called `name` (in-process, or shared in Redis). */
export type RateLimiterFactory = (name: string, limit: number, windowMs: number) => RateLimits;

/** Seconds until the oldest use in a full window leaves it. */
export const retryAfterSeconds = (oldest: number, windowMs: number, now: number): number =>
  Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));

/** Sliding-window counts per key, in this process (with REDIS_URL they are counted in Redis). */
export class RateLimiter implements RateLimits {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  async take(key: string, now: number): Promise<RateVerdict> {
    const recent = (this.hits.get(key) ?? []).filter((at) => at > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return { allowed: false, retryAfterSeconds: retryAfterSeconds(recent[0], this.windowMs, now) };
    }
    recent.push(now);
    this.hits.set(key, recent);
    return { allowed: true };
  }
}

export const inProcessRateLimiter: RateLimiterFactory = (_name, limit, windowMs) =>
  new RateLimiter(limit, windowMs);
