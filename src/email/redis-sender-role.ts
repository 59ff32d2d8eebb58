import type { Redis } from 'ioredis';
import type { Fence } from '../cluster/lease';
import { orUnavailable } from '../cluster/unavailable';
import type { SenderRole } from './sender-role';

/**
 * The sender role while this process holds the Redis sender lease (`fence`): asked before each
 * batch, it looks at the lease itself rather than at what this process last knew, so a process
 * that was paused past its lease sends no further batch. Giving the lease up is the lease's job.
 */
export class RedisSenderRole implements SenderRole {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly fence: Fence,
  ) {}

  async held(): Promise<boolean> {
    return (
      (await orUnavailable(this.redis.get(`${this.prefix}lease:${this.fence.name}`))) === this.fence.value
    );
  }

  async release(): Promise<void> {}
}
