import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisScript } from './redis-script';

/** How long a lease lasts without renewal: a dead holder's work is taken over after at most this. */
export const LEASE_TTL_MS = 3000;
/** How often the holder renews and the others try to take the lease. */
export const LEASE_RENEW_MS = 1000;

// ARGV: lease key, fencing counter key, owner, ttl. A new holder gets the next fencing token;
// the holder taking it again (after a restart of its loop) keeps its value.
const ACQUIRE = new RedisScript(`
local current = redis.call('GET', ARGV[1])
if current then
  if string.sub(current, 1, #ARGV[3] + 1) == ARGV[3] .. '/' then
    redis.call('PEXPIRE', ARGV[1], ARGV[4])
    return current
  end
  return false
end
local value = ARGV[3] .. '/' .. redis.call('INCR', ARGV[2])
redis.call('SET', ARGV[1], value, 'PX', ARGV[4])
return value
`);
// ARGV: lease key, value, ttl.
const RENEW = new RedisScript(`
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('PEXPIRE', ARGV[1], ARGV[3]) end
return 0
`);
// ARGV: lease key, value.
const RELEASE = new RedisScript(`
if redis.call('GET', ARGV[1]) == ARGV[2] then return redis.call('DEL', ARGV[1]) end
return 0
`);

/** Who may write: the lease a write must still hold when it is made. */
export interface Fence {
  /** The lease's name, e.g. `projection:profiles.v1`. */
  name: string;
  /** The holder's value of the lease: its owner ID and fencing token (`owner/token`). */
  value: string;
}

/** Work that must run in one process at a time (a projection, the email sender, …). */
export interface SingletonWorker {
  /** The lease was taken: start. Writes must carry `fence`, so they fail once another holds it. */
  start(fence: Fence): Promise<void>;
  /** The lease was lost or given up: stop writing. */
  stop(): Promise<void>;
}

export interface LeaseOptions {
  ttlMs?: number;
  renewMs?: number;
}

/** Identifies this process among the lease holders (also shown in logs). */
export const processOwnerId = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * A named lease in Redis (SET NX PX) with a fencing token (INCR): at most one process runs the
 * worker; when the holder dies (or stops renewing) another takes over within the TTL. The lease
 * alone cannot stop a paused holder from writing late, so its writes are checked against the
 * lease's current value where they are made (see the commit script of the Redis read models).
 */
export class RedisLease {
  private held: Fence | null = null;
  private renewedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly ttlMs: number;
  private readonly renewMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly name: string,
    private readonly owner: string,
    private readonly worker: SingletonWorker,
    private readonly logger: Logger,
    options: LeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? LEASE_TTL_MS;
    this.renewMs = options.renewMs ?? LEASE_RENEW_MS;
  }

  /** True while this process holds the lease (as far as it knows). */
  get holding(): boolean {
    return this.held !== null;
  }

  /** Tries to take the lease at once, then keeps renewing or trying in the background. */
  async start(): Promise<void> {
    this.closed = false;
    await this.step();
  }

  /** Stops the worker and gives the lease up, so another process takes over at once. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    const held = this.held;
    if (!held) return;
    await this.lose('given up');
    await RELEASE.run(this.redis, [this.key, held.value]).catch(() => undefined);
  }

  private get key(): string {
    return `${this.prefix}lease:${this.name}`;
  }

  private step(): Promise<void> {
    this.running = this.tick().finally(() => {
      if (!this.closed) this.timer = setTimeout(() => void this.step(), this.renewMs).unref();
    });
    return this.running;
  }

  private async tick(): Promise<void> {
    const startedAt = Date.now();
    if (this.held) {
      let renewed: unknown;
      try {
        renewed = await RENEW.run(this.redis, [this.key, this.held.value, this.ttlMs]);
      } catch (error) {
        // Unreachable: keep working until the lease may have expired, then stop.
        if (Date.now() - this.renewedAt >= this.ttlMs) await this.lose('Redis unreachable', error);
        return;
      }
      if (renewed === 1) this.renewedAt = startedAt;
      else await this.lose('taken over');
      return;
    }
    let value: unknown;
    try {
      value = await ACQUIRE.run(this.redis, [
        this.key,
        `${this.prefix}fence:${this.name}`,
        this.owner,
        this.ttlMs,
      ]);
    } catch {
      return; // Redis unreachable: try again on the next tick.
    }
    if (typeof value !== 'string' || this.closed) return;
    this.held = { name: this.name, value };
    this.renewedAt = startedAt;
    this.logger.info({ lease: this.name, holder: value }, 'lease taken');
    try {
      await this.worker.start(this.held);
    } catch (error) {
      this.logger.error({ err: error, lease: this.name }, 'worker failed to start; giving the lease up');
      const held = this.held;
      await this.lose('worker failed');
      await RELEASE.run(this.redis, [this.key, held.value]).catch(() => undefined);
    }
  }

  private async lose(why: string, error?: unknown): Promise<void> {
    if (!this.held) return;
    this.logger.warn({ lease: this.name, holder: this.held.value, why, err: error }, 'lease lost');
    this.held = null;
    try {
      await this.worker.stop();
    } catch (stopError) {
      this.logger.error({ err: stopError, lease: this.name }, 'worker failed to stop');
    }
  }
}
