import type { Redis } from 'ioredis';
import { CommandHandler, type CommandResult } from '../app/command-handler';
import type { Command, Decider, DomainEvent } from '../domain/decider';
import type { EventStore } from '../eventstore/port';
import { redisUnavailable } from './unavailable';

/**
 * Refuses commands while Redis is unreachable, before anything is appended: the change could
 * not reach the read models, so its response could not reflect it.
 */
export class RedisGuardedCommandHandler extends CommandHandler {
  constructor(
    store: EventStore,
    private readonly redis: Redis,
  ) {
    super(store);
  }

  override execute<C extends Command, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
  ): Promise<CommandResult<E, S>> {
    if (this.redis.status !== 'ready') return Promise.reject(redisUnavailable());
    return super.execute(decider, streamId, command);
  }
}
